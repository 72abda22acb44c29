"""`rules test`, the preview and dry runs: they say what would change and write nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent
from leaddesk.query import Filter
from leaddesk.rules import service
from leaddesk.rules.spec import RuleSpec, parse_action, parse_condition
from tests.rules.conftest import Importer, add_members, add_rule, lead, mid
from tests.support.mail import notification


def audit_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_check_rule_says_which_conditions_held(db: Database, imported: Importer) -> None:
    imported(notification(1, topic="Market access", message="Please quote a price"))
    add_members(db, "Anna")
    add_rule(db, "pricing", ["words=price,quote", "topic=Speakers bureaus"], ["assign=Anna"])
    row = lead(db, mid(1))
    with db.session() as s:
        result = service.check_rule(s, "pricing", row.id)
    assert not result.matches
    assert result.held == [("words=price,quote", True, "Example Pharma Agency \"Market access\""),
                           ("topic=Speakers bureaus", False, "Market access")]
    assert result.would == []
    assert result.as_json()["conditions"] == [{"condition": "words=price,quote", "held": True,
                                               "value": "Example Pharma Agency \"Market access\""},
                                              {"condition": "topic=Speakers bureaus",
                                               "held": False, "value": "Market access"}]
    add_rule(db, "quote", ["words=quote"], ["assign=Anna", "tag=pricing"])
    with db.session() as s:
        triage.add_note(s, row.id, "called them", actor="Ben")
        result = service.check_rule(s, "quote", row.id)
    assert result.matches
    assert result.would == ["owner → Anna", "tag + pricing"]
    assert result.note == "a person changed this lead; rules leave it alone"


def test_preview_and_dry_run_write_nothing(db: Database, imported: Importer) -> None:
    imported(*(notification(n, message="Please send a quote" if n % 3 == 0 else None)
               for n in range(1, 10)))
    before = audit_count(db)
    spec = RuleSpec("quotes", (parse_condition("words=quote"),), (parse_action("tag=q"),))
    with db.session() as s:
        preview = service.preview(s, spec)
    assert str(preview) == "would change 3 of the last 9 leads"
    add_rule(db, "quotes", ["words=quote"], ["tag=q"])
    before = audit_count(db)
    with db.session() as s:
        report = service.run_filtered(s, Filter(), dry_run=True)
    assert sorted(report.changes.values()) == [["quotes: tag + q"]] * 3
    assert audit_count(db) == before
    with db.session() as s:
        assert service.run_filtered(s, Filter()).changed == 3
    with db.session() as s:
        assert service.run_filtered(s, Filter(), dry_run=True).changed == 0
    before = audit_count(db)
    with db.session() as s:
        report = service.run_on(s, [lead(db, mid(1)).id], dry_run=True,
                                rules=[RuleSpec("all", (), (parse_action("tag=all"),))])
    assert report.changes == {lead(db, mid(1)).id: ["all: tag + all"]}
    assert audit_count(db) == before
