"""The core's exception tree.

Every exception a user can meet derives from :class:`LeadDeskError` and carries a message that says
what happened and what to do; the CLI prints it as one line and the UI shows it in a dialog or banner.
Messages never contain a password or token.
"""

from __future__ import annotations


class LeadDeskError(Exception):
    """Base of every error LeadDesk reports to a user."""


class ConfigError(LeadDeskError):
    """Raised when a setting, path or database URL is unusable (malformed, unknown driver, no access)."""


class DatabaseError(LeadDeskError):
    """Raised when the database cannot be opened or used: corrupt file, unreachable server, I/O error."""


class DatabaseUnavailableError(DatabaseError):
    """Raised when the database server cannot be reached right now (restart, network cut).

    Transient: the same action may succeed when it is back, so callers may retry it.
    """


class SchemaTooNewError(DatabaseError):
    """Raised when the database was written by a newer LeadDesk; it is left untouched."""


class NotFoundError(LeadDeskError):
    """Raised when an id or name given by the user matches nothing."""


class ValidationError(LeadDeskError):
    """Raised when a value given by the user is invalid (a status, a colour, an empty name)."""


class ConflictError(LeadDeskError):
    """Raised when a row changed underneath an update (its version counter moved on).

    ``changed_by`` and ``changed_at`` name the last writer when the audit log knows it, so the UI
    can say "changed by X a moment ago" and refresh.
    """

    def __init__(self, message: str, *, changed_by: str | None = None,
                 changed_at: str | None = None) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at
