"""The workflow statuses of a submission, apart from the ORM models so that code which only needs
their names (the command line's `list`, filters) starts without importing SQLAlchemy."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    """Where a submission is in the team's workflow."""

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    DONE = "done"
    SPAM = "spam"
