"""Rules on arrival through the real import pipeline: what they change, audited as "rule: NAME",
in order with stop, never over a person's change, and undone like a person's change."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.errors import ConflictError
from leaddesk.rules import catalog, service
from leaddesk.rules.engine import MACHINE_ACTORS
from tests.rules.conftest import Importer, add_members, add_rule, audit_of, lead, mid
from tests.support.mail import notification


def test_rules_change_new_leads_as_they_are_imported(db: Database, imported: Importer) -> None:
    add_members(db, "Anna")
    add_rule(db, "speakers", ["topic=Speakers bureaus"],
             ["assign=Anna", "tag=speakers", "status=open"])
    add_rule(db, "white paper", ["words=white paper", "topic=Patient engagement"],
             ["topic=Publications"])
    result = imported(notification(1, topic="Speakers bureaus", message="Hello there"),
                      notification(2), notification(3, topic="Market access",
                                                    message="Hi, no match here."))
    assert result.added == 3

    speakers = lead(db, mid(1))
    assert (speakers.assignee.name if speakers.assignee else None) == "Anna"
    assert [t.name for t in speakers.tags] == ["speakers"]
    assert speakers.status == "open"
    assert audit_of(db, speakers.id) == [("rule: speakers", "assign"),
                                         ("rule: speakers", "tag.add"),
                                         ("rule: speakers", "status")]
    paper = lead(db, mid(2))
    assert paper.topic == "Publications"
    assert audit_of(db, paper.id) == [("rule: white paper", "edit")]
    untouched = lead(db, mid(3))
    assert (untouched.assignee_id, untouched.tags, untouched.status) == (None, [], "new")
    assert audit_of(db, untouched.id) == []


def test_rules_run_in_order_and_stop_keeps_the_rules_below_from_running(
        db: Database, imported: Importer) -> None:
    add_rule(db, "second", [], ["tag=second"])
    add_rule(db, "first", ["topic=Speakers bureaus"], ["tag=first", "topic=Speakers"],
             stop=True, position=1)
    add_rule(db, "sees the new topic", ["topic=Speakers"], ["tag=never"], position=2)
    imported(notification(1, topic="Speakers bureaus"), notification(2))
    assert [t.name for t in lead(db, mid(1)).tags] == ["first"]
    assert [t.name for t in lead(db, mid(2)).tags] == ["second"]


def test_a_later_rule_sees_what_an_earlier_one_set(db: Database, imported: Importer) -> None:
    add_rule(db, "topic from words", ["words=keynote"], ["topic=Speakers bureaus"])
    add_rule(db, "speakers tag", ["topic=Speakers bureaus"], ["tag=speakers"])
    imported(notification(1, message="We need a keynote speaker"))
    assert [t.name for t in lead(db, mid(1)).tags] == ["speakers"]


def test_spam_verdict_names_the_rule_and_is_undone_in_one_step(
        db: Database, imported: Importer) -> None:
    add_rule(db, "crypto", ["words=tokens"], ["spam"])
    imported(notification(1, message="We sell tokens for your launch"))
    spam = lead(db, mid(1))
    assert (spam.status, spam.spam_reason, spam.verdict_by) == ("spam", "rule: crypto",
                                                               "rule: crypto")
    with db.session() as s:
        (undone,) = service.undo_rule(s, spam.id, actor="Ada")
    assert undone.changed
    back = lead(db, mid(1))
    assert (back.status, back.spam_reason, back.verdict_by) == ("new", None, None)
    assert audit_of(db, spam.id)[-1] == ("Ada", "status")


def test_undo_of_every_kind_of_rule_change(db: Database, imported: Importer) -> None:
    add_members(db, "Anna")
    add_rule(db, "all", [], ["assign=Anna", "tag=t", "status=open", "topic=Other"])
    imported(notification(1))
    row = lead(db, mid(1))
    with db.session() as s:
        undone = service.undo_rule(s, row.id, actor="Ada", rule="ALL")
    assert len(undone) == 4
    back = lead(db, mid(1))
    assert (back.assignee_id, back.tags, back.status, back.topic) == (
        None, [], "new", "Patient engagement")
    assert back.edited_fields is None


def test_a_persons_change_wins_over_undo_and_over_rerunning(db: Database,
                                                            imported: Importer) -> None:
    add_members(db, "Anna", "Ben")
    add_rule(db, "anna", [], ["assign=Anna"])
    imported(notification(1))
    row = lead(db, mid(1))
    with db.session() as s:
        triage.assign(s, row.id, "Ben", actor="Ada")
    with db.session() as s:
        report = service.run_on(s, [row.id])
    assert (report.changed, report.skipped_by_person) == (0, 1)
    assert lead(db, mid(1)).assignee.name == "Ben"  # type: ignore[union-attr]
    with db.session() as s, pytest.raises(ConflictError, match="changed by Ada after the rule"):
        service.undo_rule(s, row.id, actor="Ada")


def test_a_persons_tag_alone_makes_rules_leave_the_lead(db: Database, imported: Importer) -> None:
    imported(notification(1))
    row = lead(db, mid(1))
    with db.session() as s:
        triage.add_tag(s, row.id, "mine", actor="Ada")
    add_rule(db, "status", [], ["status=done"])
    with db.session() as s:
        report = service.run_on(s, [row.id])
    assert report.skipped_by_person == 1
    assert lead(db, mid(1)).status == "new"


def test_rerunning_does_not_run_a_rule_twice(db: Database, imported: Importer) -> None:
    add_members(db, "Anna", "Ben")
    add_rule(db, "rr", [], ["assign=round-robin:Anna,Ben"])
    imported(notification(1))
    first = lead(db, mid(1)).assignee_id
    with db.session() as s:
        report = service.run_on(s, [lead(db, mid(1)).id])
    assert report.changed == 0
    assert lead(db, mid(1)).assignee_id == first


def test_spam_and_non_submissions_are_left_alone_on_arrival(db: Database,
                                                            imported: Importer) -> None:
    add_rule(db, "tag everything", [], ["tag=seen"])
    not_a_form = (b"From: Bob <bob@example.org>\r\nTo: info@example-pharma-agency.com\r\n"
                  b"Subject: Lunch?\r\nMessage-ID: <lunch@example.org>\r\n\r\nSee you at noon.\r\n")
    imported(not_a_form, notification(1))
    with db.session() as s:
        other = s.execute(select(Submission).where(
            Submission.message_id == "<lunch@example.org>")).scalar_one()
        assert other.is_submission is False
        assert other.tags == []
    assert [t.name for t in lead(db, mid(1)).tags] == ["seen"]


def test_disabled_rules_do_not_run(db: Database, imported: Importer) -> None:
    add_rule(db, "off", [], ["tag=off"])
    with db.session() as s:
        catalog.edit_rule(s, "off", actor="Ada", enabled=False)
    imported(notification(1))
    assert lead(db, mid(1)).tags == []


def test_machine_actors_match_the_modules_that_write_them() -> None:
    from leaddesk.conversations.record import SYNC_ACTOR
    from leaddesk.reparse.runner import SYSTEM_ACTOR
    assert {SYNC_ACTOR, SYSTEM_ACTOR} == MACHINE_ACTORS


def test_an_action_that_cannot_be_done_never_costs_the_leads(db: Database,
                                                             imported: Importer) -> None:
    add_members(db, "Anna")
    add_rule(db, "to anna", [], ["assign=Anna", "tag=routed"])
    with db.session() as s:
        triage.remove_member(s, "Anna", actor="Ada")  # after the rule was saved
    result = imported(notification(1), notification(2))
    assert result.added == 2
    row = lead(db, mid(1))
    assert row.assignee_id is None
    assert [t.name for t in row.tags] == ["routed"]  # the rule's other action still ran
