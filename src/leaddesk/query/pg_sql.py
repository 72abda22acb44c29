"""PostgreSQL: the few statements the sidebar and `leaddesk list --count` run most, compiled once
per filter and sent as plain SQL.

A total from the trigger-kept counts is one cheap statement (~0.1 ms at the server), but
building it in SQLAlchemy's expression language, generating its cache key and running it
through the ORM costs ~0.2 ms of Python per call, and on PostgreSQL each call pays a round trip
on top (bench/README.md, PostgreSQL sixth round). So :func:`scalar` compiles a statement once per
key (which must name every value the statement holds) and sends its SQL and parameters with
``Connection.exec_driver_sql``: the same statement, still in the session's connection and
transaction, errors translated and broken connections invalidated as for any other; psycopg
prepares it at the server once it has run a few times.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.sql import ClauseElement

CACHED = 256  # statements kept (filters differ by their statuses, topics and owners)

_compiled: OrderedDict[Hashable, tuple[str, dict[str, Any]]] = OrderedDict()


def scalar(session: Session, key: Hashable, build: Callable[[], ClauseElement]) -> Any:
    """The one value of the statement ``build()`` makes, which ``key`` names completely."""
    dialect = session.get_bind().dialect
    full = (dialect.name, dialect.paramstyle, key)
    found = _compiled.get(full)
    if found is None:
        compiled = build().compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        found = _compiled[full] = (str(compiled), dict(compiled.params))
        while len(_compiled) > CACHED:
            _compiled.popitem(last=False)
    sql, params = found
    return session.connection().exec_driver_sql(sql, params).scalar_one()
