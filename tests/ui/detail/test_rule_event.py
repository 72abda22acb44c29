"""A rule's change in the lead's Conversation timeline: it names the rule and offers Undo, which
runs the core undo (`leaddesk rules undo ID --rule NAME`) and refreshes the lead; a person's
later change wins, with the core's plain message under the entry."""

from __future__ import annotations

from sqlalchemy import select

from leaddesk import triage
from leaddesk.conversations.timeline import TimelineEntry
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission
from leaddesk.rules import catalog, service
from leaddesk.rules.spec import RuleSpec, parse_action
from tests.support.factories import BASE_TIME

from leaddesk.ui.detail.rule_event import NOTHING_TO_UNDO, RuleEventEntry, rule_of
from leaddesk.ui.detail.timeline import TimelineView
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.tasks import TaskRunner


def newest(db: Database) -> int:
    with db.session() as s:
        return int(s.scalars(select(Submission.id).where(Submission.status == "new")
                             .order_by(Submission.received_at.desc())).first() or 0)


def apply_rule(db: Database, name: str, *actions: str) -> int:
    """The rule saved, then run on the newest lead as on its arrival; returns the lead's id."""
    lead = newest(db)
    with db.session() as s:
        catalog.add_rule(s, RuleSpec(name, (), tuple(parse_action(a) for a in actions)),
                         actor="Ada")
    with db.session() as s:
        assert service.run_on(s, [lead]).changed == 1
    return lead


def open_lead(qtbot, db: Database, lead: int) -> tuple[MainWindow, list[RuleEventEntry]]:
    """A window opened once the rule ran (as the next morning), on the lead."""
    window = MainWindow(db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.inbox.model.row_of(lead) >= 0)
    window.inbox.select_row(window.inbox.model.row_of(lead))
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None
                    and window.inbox.detail.current.row.id == lead)
    tabs = window.inbox.detail.message
    tabs.setCurrentWidget(tabs.timeline)  # the Conversation tab, as the user opens it
    return window, rule_entries(window)


def rule_entries(window: MainWindow) -> list[RuleEventEntry]:
    return [e for e in window.inbox.detail.message.timeline.entries
            if isinstance(e, RuleEventEntry)]


def test_undo_on_a_rules_change_takes_it_back_and_refreshes_the_lead(
        qtbot, ui_db: Database) -> None:
    lead = apply_rule(ui_db, "speakers", "assign=Ada", "tag=speakers")
    window, entries = open_lead(qtbot, ui_db, lead)
    assert [e.rule for e in entries] == ["speakers", "speakers"]
    assert any(e.label.text().startswith("Owner → Ada by rule: speakers") for e in entries)
    assert window.inbox.detail.current.row.assignee == "Ada"  # type: ignore[union-attr]

    entries[0].undo.click()
    with ui_db.session() as s:
        row = s.get(Submission, lead)
        assert row is not None
        assert (row.assignee_id, [t.name for t in row.tags]) == (None, [])
        undo_actors = set(s.scalars(select(AuditEvent.actor).where(
            AuditEvent.entity == "submission", AuditEvent.entity_id == lead)))
    assert "tester" in undo_actors  # undone as the person who clicked
    qtbot.waitUntil(lambda: window.inbox.detail.current.row.assignee is None)  # type: ignore
    quiet = [e.text() for e in window.inbox.detail.message.timeline.entries
             if isinstance(e, PlainLabel)]
    assert any("by tester" in t for t in quiet)  # the refreshed timeline shows the undo


def test_a_persons_later_change_wins_and_the_refusal_is_shown(
        qtbot, ui_db: Database) -> None:
    lead = apply_rule(ui_db, "speakers", "assign=Ada")
    with ui_db.session() as s:
        triage.add_tag(s, lead, "mine", actor="Ada")
    _window, (entry,) = open_lead(qtbot, ui_db, lead)
    entry.undo.click()
    qtbot.waitUntil(lambda: entry.error.isVisible())
    assert "changed by Ada after the rule" in entry.error.text()
    assert "a person's change wins" in entry.error.text()
    assert entry.undo.isEnabled()
    with ui_db.session() as s:
        row = s.get(Submission, lead)
        assert row is not None
        assert row.assignee is not None
        assert row.assignee.name == "Ada"  # nothing changed


def test_a_rule_that_only_acknowledged_has_nothing_to_undo(qtbot, ui_db: Database) -> None:
    lead = newest(ui_db)
    with ui_db.session() as s:  # what an acknowledgement leaves: an event no undo takes back
        triage.versions.audit(s, actor="rule: thanks", action="acknowledge", entity="submission",
                              entity_id=lead, before=None, after={"template": "thanks"})
    _window, (entry,) = open_lead(qtbot, ui_db, lead)
    entry.undo.click()
    assert entry.error.text() == NOTHING_TO_UNDO


def test_rule_names_and_an_unbound_timeline(qtbot) -> None:
    assert rule_of("rule: speakers") == "speakers"
    assert rule_of("Ada") is None
    assert rule_of("rule: ") is None
    assert rule_of(None) is None
    view = TimelineView()  # not bound to the app: shown, with nothing to click
    qtbot.addWidget(view)
    view.show_entries((TimelineEntry(BASE_TIME, "event", "rule: x", "owner → Ada"),), lead=1)
    assert not any(isinstance(e, RuleEventEntry) for e in view.entries)
