"""The suggestion strip: shown for untriaged leads, accepted with one key, undone, rejected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from leaddesk import detail, suggest
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission, SuggestFeedback
from leaddesk.suggest import store
from tests.support.suggest_history import seed
from tests.ui.conftest import inline_context

from leaddesk.ui.detail.suggestions import SuggestionStrip
from leaddesk.ui.list_model import ID_ROLE
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.tasks import TaskRunner


@pytest.fixture
def team_db(sqlite_url: str) -> Iterator[Database]:
    db = Database.open(sqlite_url)
    with db.session() as s:
        seed(s)
    yield db
    db.close()


def _row(db: Database, sid: int) -> object:
    with db.session() as s:
        return detail.load(s, sid).row


@pytest.fixture
def strip(qtbot, team_db: Database) -> SuggestionStrip:
    widget = SuggestionStrip()
    qtbot.addWidget(widget)
    widget.bind(inline_context(team_db, actor="Bea"))
    widget.show()
    return widget


def test_the_first_look_trains_and_then_suggests(strip: SuggestionStrip,
                                                 team_db: Database) -> None:
    strip.show_row(_row(team_db, 13))  # type: ignore[arg-type]
    assert strip.isVisible()
    text = strip.text.text()
    assert text.startswith("Suggested: topic Speakers (")
    assert "owner Anna" in text
    assert "tags event" in text
    assert "because the " in text
    with team_db.session() as s:
        assert s.get(Submission, 13).topic is None  # type: ignore[union-attr]


def test_accept_applies_as_the_person_and_undo_takes_it_back(strip: SuggestionStrip,
                                                             team_db: Database) -> None:
    strip.show_row(_row(team_db, 13))  # type: ignore[arg-type]
    strip.accept()
    assert strip.text.text().startswith("Applied: topic Speakers")
    assert strip.undo_button.isVisible()
    assert not strip.accept_button.isVisible()
    with team_db.session() as s:
        lead = s.get(Submission, 13)
        assert lead is not None
        assert lead.topic == "Speakers"
        actors = set(s.scalars(select(AuditEvent.actor).where(AuditEvent.entity_id == 13,
                                                              AuditEvent.entity == "submission")))
        assert actors == {"Bea"}
    strip.undo()
    assert not strip.isVisible()
    with team_db.session() as s:
        lead = s.get(Submission, 13)
        assert lead is not None
        assert (lead.topic, lead.assignee_id, lead.tags) == (None, None, [])


def test_reject_records_and_shows_what_is_left(strip: SuggestionStrip,
                                               team_db: Database) -> None:
    strip.show_row(_row(team_db, 14))  # type: ignore[arg-type]
    strip.reject()
    with team_db.session() as s:
        assert {(f.target, f.verdict) for f in s.scalars(select(SuggestFeedback))} == {
            ("topic", "reject"), ("tags", "reject"), ("owner", "reject")}
        assert s.get(Submission, 14).assignee_id is None  # type: ignore[union-attr]
    assert "Billing" not in strip.text.text() or not strip.isVisible()


def test_triaged_leads_show_no_strip(strip: SuggestionStrip, team_db: Database) -> None:
    with team_db.session() as s:
        suggest.retrain(s)
    strip.show_row(_row(team_db, 1))  # type: ignore[arg-type]
    assert not strip.isVisible()


def test_the_y_key_accepts_in_the_window(qtbot, team_db: Database) -> None:
    with team_db.session() as s:
        suggest.retrain(s)
    win = MainWindow(team_db, me="Bea", tasks=TaskRunner(inline=True))
    qtbot.addWidget(win)
    win.show()
    inbox = win.inbox
    row = next(i for i in range(inbox.model.rowCount())
               if inbox.model.index(i, 0).data(ID_ROLE) == 13)
    inbox.select_row(row)
    strip = inbox.detail.suggestions
    qtbot.waitUntil(lambda: strip.isVisible() and strip.shown is not None, timeout=5000)
    action = next(a for a in win.actions() if a.objectName() == "action-suggestion")
    assert action.shortcut().toString() == "Y"
    action.trigger()
    with team_db.session() as s:
        assert s.get(Submission, 13).topic == "Speakers"  # type: ignore[union-attr]



def test_the_model_is_brought_up_to_date_at_most_every_two_minutes(
        strip: SuggestionStrip, team_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    with team_db.session() as s:
        suggest.retrain(s)
    calls: list[int] = []
    real = store.update  # what store.catch_up calls

    def counting(session: object) -> object:
        calls.append(1)
        return real(session)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "update", counting)
    for sid in (13, 14, 13, 14):
        strip.show_row(_row(team_db, sid))  # type: ignore[arg-type]
    assert len(calls) == 1  # the shared database worker is not held for it on every lead
    strip._refreshed -= 121
    strip.show_row(_row(team_db, 13))  # type: ignore[arg-type]
    assert len(calls) == 2
