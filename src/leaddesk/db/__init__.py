"""Storage: typed models, engine settings, migrations and full-text search (no Qt, no network)."""

from leaddesk.db.database import Database

__all__ = ["Database"]
