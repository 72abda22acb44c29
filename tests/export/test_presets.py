"""Presets: the exact headers and order CRMs import, and saved custom mappings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leaddesk.config import config_dir
from leaddesk.errors import ConfigError, NotFoundError, ValidationError
from leaddesk.export import presets
from leaddesk.export.fields import Record
from leaddesk.export.presets import PresetStore, custom_preset, parse_columns

GENERIC_HEADERS = [
    "id", "message_id", "received_at", "submitted_at", "name", "first_name", "last_name", "email",
    "phone", "company", "topic", "tags", "status", "assignee", "page_url", "post_title", "message",
    "account", "messages", "last_contact", "first_answered_at",
]
LEAD_HEADERS = ["contact_id", "submission_count", "first_contact_at", "last_contact_at",
                "first_topic", "first_post_title", "first_page_url"]


def test_generic_headers_and_order() -> None:
    assert presets.GENERIC.headers() == GENERIC_HEADERS
    assert presets.GENERIC.headers(per_lead=True) == GENERIC_HEADERS + LEAD_HEADERS


def test_hubspot_headers_and_order() -> None:
    assert presets.HUBSPOT.headers() == [
        "First Name", "Last Name", "Email", "Phone Number", "Company Name", "Lead Status",
        "Lifecycle Stage", "Contact owner", "Message", "Topic of interest", "Page URL",
        "Post title", "Received date"]
    assert presets.HUBSPOT.headers(per_lead=True) == presets.HUBSPOT.headers()


def test_salesforce_headers_and_order() -> None:
    assert presets.SALESFORCE.headers() == [
        "Salutation", "First Name", "Last Name", "Email", "Phone", "Company", "Lead Source",
        "Lead Status", "Description"]


def _record(**overrides: Any) -> Record:
    return Record(**{"message": "Hello", "status": "new", **overrides})


def _cells(preset: presets.Preset, record: Record) -> dict[str, object]:
    return {c.header: c.get(record) for c in preset.columns}


def test_salesforce_fills_its_required_fields() -> None:
    single = _cells(presets.SALESFORCE, _record(name="Cher", first_name="Cher"))
    assert (single["First Name"], single["Last Name"], single["Company"]) == \
        ("", "Cher", "[not provided]")
    nameless = _cells(presets.SALESFORCE, _record(company="  "))
    assert (nameless["Last Name"], nameless["Company"]) == ("[not provided]", "[not provided]")
    doctor = _cells(presets.SALESFORCE, _record(first_name="Zoë", last_name="Müller",
                                                 salutation="Dr.", status="done"))
    assert (doctor["Salutation"], doctor["First Name"], doctor["Last Name"]) == \
        ("Dr.", "Zoë", "Müller")
    assert doctor["Lead Status"] == "Closed - Not Converted"
    assert doctor["Lead Source"] == "Web"
    long = _cells(presets.SALESFORCE, _record(first_name="x" * 50, last_name="y"))
    assert long["First Name"] == "x" * 39 + "…"


def test_hubspot_owner_is_the_owners_email_and_status_is_mapped() -> None:
    cells = _cells(presets.HUBSPOT, _record(assignee="Ada", assignee_email="ada@team.example",
                                            status="waiting"))
    assert cells["Contact owner"] == "ada@team.example"
    assert cells["Lead Status"] == "Attempted to Contact"
    assert cells["Lifecycle Stage"] == "Lead"
    assert _cells(presets.HUBSPOT, _record(assignee="Bob"))["Contact owner"] == "Bob"
    assert _cells(presets.HUBSPOT, _record(status="spam"))["Lifecycle Stage"] == "Other"


def test_parse_columns() -> None:
    assert parse_columns(["E-mail=email, Vorname=first_name", "name"]) == [
        ("E-mail", "email"), ("Vorname", "first_name"), ("name", "name")]
    assert parse_columns(["A=B=email"]) == [("A=B", "email")]


@pytest.mark.parametrize(("name", "mapping", "message"), [
    ("crm", [("Mail", "e_mail")], "unknown field 'e_mail'"),
    ("crm", [("Mail", "email"), ("Mail", "name")], "column 'Mail' appears twice"),
    ("crm", [(" ", "email")], "empty column header"),
    ("crm", [], "at least one column"),
    ("HubSpot", [("Mail", "email")], "built-in preset"),
    ("no spaces", [("Mail", "email")], "not a preset name"),
])
def test_custom_preset_is_checked(name: str, mapping: list[tuple[str, str]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        custom_preset(name, mapping)


def test_store_saves_lists_and_deletes() -> None:
    store = PresetStore()
    assert store.path == config_dir() / "export-presets.json"
    assert store.all() == []
    store.save(custom_preset("crm", [("E-mail", "email"), ("Vorname", "first_name")]))
    store.save(custom_preset("abc", [("Id", "id")]))
    assert [p.name for p in store.all()] == ["abc", "crm"]
    crm = store.get("crm")
    assert crm.headers() == ["E-mail", "Vorname"]
    assert [c.field for c in crm.columns] == ["email", "first_name"]
    assert presets.resolve("crm").headers() == ["E-mail", "Vorname"]
    assert presets.resolve("HUBSPOT") is presets.HUBSPOT
    saved = json.loads(store.path.read_text(encoding="utf-8"))
    assert saved["version"] == 1
    assert saved["presets"]["crm"] == [{"header": "E-mail", "field": "email"},
                                       {"header": "Vorname", "field": "first_name"}]
    store.save(custom_preset("crm", [("Mail", "email")]))  # replaces
    assert store.get("crm").headers() == ["Mail"]
    store.delete("crm")
    with pytest.raises(NotFoundError):
        store.get("crm")
    with pytest.raises(NotFoundError):
        store.delete("crm")
    assert not list(store.path.parent.glob(".export-presets-*"))  # no temporary files left


def test_a_broken_store_is_reported_not_ignored(tmp_path: Path) -> None:
    store = PresetStore(tmp_path / "export-presets.json")
    store.path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read saved export presets"):
        store.all()
    store.path.write_text(json.dumps({"presets": {"x": [{"header": "H", "field": "nope"}]}}),
                          encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'x' .* is broken"):
        store.get("x")
