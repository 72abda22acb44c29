"""The app context: what every page, dialog and operation of one window shares.

One object instead of ``(db, tasks, actor)`` constructor arguments: the database, the task pools,
who acts (Settings → General → "I am", changeable at any time), the typed settings, the change
bus, and the default failure path. Widgets never open a database session: they hand work to an
operation (:mod:`leaddesk.ui.operations`), which runs it in the right pool with a session of its
own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from leaddesk.changes import Change, Kind
from leaddesk.config import current_user
from leaddesk.db import Database

from leaddesk.ui.bus import ChangeBus
from leaddesk.ui.failures import Failures
from leaddesk.ui.settings import ME, Settings
from leaddesk.ui.tasks import TaskRunner


@dataclass
class AppContext:
    db: Database
    tasks: TaskRunner
    actor: str
    settings: Settings
    bus: ChangeBus = field(default_factory=ChangeBus)
    failures: Failures = field(default_factory=Failures)
    closed: bool = False
    # The database as network work sees it: its writes run in the database worker (the network
    # thread waits), so the window has one writer. Pass it, not ``db``, to a NetOp's work.
    net_db: Database = field(init=False)

    def __post_init__(self) -> None:
        self.net_db = replace(self.db, writer=self.tasks.write)
        # A setting's change is published like any other, so views follow it at once.
        self.settings.changed.connect(self._setting_changed)
        self.bus.changes_made.connect(self._follow_me)

    def close(self) -> None:
        """Stop following the settings (another window, the demo's, may share them)."""
        if not self.closed:
            self.closed = True
            self.settings.changed.disconnect(self._setting_changed)

    def _setting_changed(self, key: str) -> None:
        self.bus.publish([Change.of(Kind.SETTING, None, [key])], self.settings)

    def _follow_me(self, changes: list[Change], _initiator: object) -> None:
        if any(c.kind == Kind.SETTING and c.touches([ME.key]) for c in changes):
            self.actor = self.settings.get(ME) or current_user()
