"""The headless worker keeps the suggestion model up to date, as the window does.

After a sync round that stored new leads, or when triage events arrived since the model's
watermark (colleagues triaging in their windows), the worker folds them in with the incremental
update (:func:`leaddesk.suggest.store.catch_up`, the one the window runs), at most every
``every`` seconds. The first training (a full count) is left to the window or
``leaddesk suggest retrain``. A failure is logged and waits for the next round: keeping
suggestions fresh never stops the worker from storing mail.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from leaddesk.db import Database
from leaddesk.ingest.store import BatchResult
from leaddesk.suggest import store
from leaddesk.suggest.history import latest_event_id

log = logging.getLogger("leaddesk.worker")


class SuggestionUpkeep:
    """Called after every sync round; decides whether to update the model and does it."""

    def __init__(self, db: Database, every: float | None = store.UPDATE_EVERY_SECONDS, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.db = db
        self.every = every  # None: never
        self.clock = clock
        self._last: float | None = None
        self._new_leads = False  # stored since the last update, kept across throttled rounds

    def after_round(self, result: BatchResult) -> store.Trained | None:
        """Update when due and there is something to fold in; None when skipped or failed."""
        if self.every is None:
            return None
        self._new_leads = self._new_leads or result.added > 0
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            return None
        started = time.monotonic()
        try:
            with self.db.session() as session:
                stamp = store.stored_revision(session)
                if stamp is None:
                    return None  # never trained: nothing to bring up to date
                if not self._new_leads and latest_event_id(session) <= stamp[1]:
                    return None  # no new leads, no triage since: two small queries
                self._last = now
                trained = store.catch_up(session)
        except Exception as exc:  # any failure: logged, retried after the interval
            self._last = now
            log.warning("updating the suggestions failed: %s; trying again next round", exc,
                        exc_info=log.isEnabledFor(logging.DEBUG),
                        extra={"event": "suggest.failed", "fields": {"error": str(exc)}})
            return None
        self._new_leads = False
        if trained is not None:
            log.info("suggestions up to date: %d examples, %d changed", trained.examples,
                     trained.changed,
                     extra={"event": "suggest.updated",
                            "fields": {**trained.as_json(),
                                       "seconds": round(time.monotonic() - started, 3)}})
        return trained
