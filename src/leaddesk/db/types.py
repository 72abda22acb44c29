"""Column types shared by the models: timezone-aware UTC datetimes and portable JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC and always hands back an aware UTC datetime, on SQLite as on PostgreSQL.

    SQLite has no time zones; storing naive UTC keeps ISO strings sortable, so ORDER BY works.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; attach a time zone first")
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class PortableJSONType(TypeDecorator[Any]):
    """JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.

    Not ``JSON().with_variant(JSONB(), "postgresql")``: that imports SQLAlchemy's PostgreSQL
    dialect (and its asyncpg, psycopg and pg8000 modules, ~0.1 s) with the models, on every
    SQLite start too. Here the PostgreSQL type is imported when a PostgreSQL connection first
    needs it; the DDL, the stored values and the Python values are the same.
    """

    impl = JSON
    cache_ok = True
    # As JSON's own: Python None is stored as the JSON value null (null() stores SQL NULL), and
    # the values (dicts, lists) are not hashable.
    should_evaluate_none = True
    hashable = False

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


PortableJSON = PortableJSONType()


def utcnow() -> datetime:
    return datetime.now(UTC)
