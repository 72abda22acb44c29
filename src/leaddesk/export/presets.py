"""Column layouts: the built-in CRM presets and the custom mappings a user saves by name.

A :class:`Preset` is an ordered list of columns, each a header and a function of a
:class:`~leaddesk.export.fields.Record`. The order never changes between runs: CRM import
mappings and scripts rely on it.

Built-in presets (header names as the CRMs' import tools match them):

* ``hubspot``: HubSpot's contact import. HubSpot maps a column to a contact property by the
  property's label or internal name (case-insensitive); e-mail deduplicates contacts; "Contact
  owner" takes the owner's e-mail address (HubSpot knowledge base, "Set up import files" /
  "Import contacts"). The team's segmentation travels as three custom single-line text
  properties, "Topic of interest", "Page URL" and "Post title" (internal names
  ``topic_of_interest``, ``page_url``, ``post_title``: what HubSpot derives from those labels when
  they are created in the import's mapping step), and "Received date", a date property written
  as YYYY-MM-DD (the importer's "year month day" format). Files are UTF-8 (with a BOM by default,
  as Excel's "CSV UTF-8" writes them, which HubSpot reads).
* ``salesforce``: Salesforce's Data Import Wizard for leads, with the import-file labels of
  Salesforce Help's "Field Mapping for Importing Leads". Last Name and Company are required on a
  lead, so an empty one is filled with "[not provided]"; values are cut to the fields' lengths.
  The topic of interest, page URL and post title lead the standard Description (one "Label:
  value" line each, then the message), so they arrive in any org without custom fields. Written
  as UTF-8 without a BOM (Salesforce's tools read a BOM as part of the first header).
* ``generic``: every field under its LeadDesk name (see :mod:`leaddesk.export.fields`).

Saved mappings live in ``export-presets.json`` in the config directory (settings, so no database
migration), written atomically; a broken file is reported, never silently replaced::

    {"version": 1, "presets": {"crm": [{"header": "E-mail", "field": "email"}, ...]}}
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaddesk.config import config_dir
from leaddesk.db.models import Status
from leaddesk.errors import ConfigError, NotFoundError, ValidationError
from leaddesk.export.cells import Cell, truncate
from leaddesk.export.fields import (
    FIELD_NAMES,
    FIELDS,
    LEAD_FIELDS,
    SUBMISSION_FIELDS,
    Getter,
    Record,
)
from leaddesk.export.names import salesforce_salutation

PRESETS_FILENAME = "export-presets.json"
STORE_VERSION = 1
NOT_PROVIDED = "[not provided]"
_NAME = re.compile(r"^[\w][\w.-]{0,59}$")


@dataclass(frozen=True)
class Column:
    header: str
    get: Getter
    field: str | None = None  # the field behind it: saved mappings, listings, the fast CSV path


@dataclass(frozen=True)
class Preset:
    name: str
    columns: tuple[Column, ...]
    builtin: bool = True
    # Built-in generic only: the lead columns are added when exporting one row per lead.
    lead_columns: tuple[Column, ...] = ()
    # The CSV encoding the CRM's importer reads, unless the user chooses one (None: the default).
    encoding: str | None = None

    def columns_for(self, per_lead: bool) -> tuple[Column, ...]:
        return self.columns + self.lead_columns if per_lead else self.columns

    def headers(self, per_lead: bool = False) -> list[str]:
        return [c.header for c in self.columns_for(per_lead)]


def _field_columns(names: Iterable[str]) -> tuple[Column, ...]:
    return tuple(Column(name, FIELDS[name], name) for name in names)


# ----------------------------------------------------------------- HubSpot

# LeadDesk status -> HubSpot's default "Lead Status" options (New, Open, In Progress, Open Deal,
# Unqualified, Attempted to Contact, Connected, Bad Timing).
HUBSPOT_LEAD_STATUS = {
    Status.NEW.value: "New",
    Status.OPEN.value: "In Progress",
    Status.WAITING.value: "Attempted to Contact",
    Status.DONE.value: "Connected",
    Status.SPAM.value: "Unqualified",
}
HUBSPOT_TEXT_LIMIT = 65_536  # HubSpot's limit for a single property value


def _hubspot_status(r: Record) -> str:
    return HUBSPOT_LEAD_STATUS.get(r.status, "")


def _hubspot_stage(r: Record) -> str:
    # Form leads are leads; spam and other mail is kept out of the funnel.
    return "Lead" if r.is_submission and r.status != Status.SPAM.value else "Other"


def _owner_email(r: Record) -> str | None:
    # HubSpot matches owners by the user's e-mail; a name is kept so the import reports it.
    return r.assignee_email or r.assignee


def _limited(getter: Callable[[Record], str | None], limit: int) -> Getter:
    def cell(r: Record) -> Cell:
        return truncate(getter(r), limit)
    return cell


def _date(r: Record) -> str:
    # received_at is ISO 8601 in UTC ("2026-03-02T09:00:00+00:00"): its date part.
    return r.received_at[:10]


HUBSPOT = Preset("hubspot", (
    Column("First Name", FIELDS["first_name"]),
    Column("Last Name", FIELDS["last_name"]),
    Column("Email", FIELDS["email"]),
    Column("Phone Number", FIELDS["phone"]),
    Column("Company Name", FIELDS["company"]),
    Column("Lead Status", _hubspot_status),
    Column("Lifecycle Stage", _hubspot_stage),
    Column("Contact owner", _owner_email),
    Column("Message", _limited(lambda r: r.message, HUBSPOT_TEXT_LIMIT)),
    Column("Topic of interest", FIELDS["topic"]),
    Column("Page URL", FIELDS["page_url"]),
    Column("Post title", FIELDS["post_title"]),
    Column("Received date", _date),
))


# ----------------------------------------------------------------- Salesforce

# LeadDesk status -> Salesforce's default Lead Status picklist. "Closed - Converted" is set by
# converting a lead in Salesforce, never by an import, so a finished lead is "Not Converted".
SALESFORCE_LEAD_STATUS = {
    Status.NEW.value: "Open - Not Contacted",
    Status.OPEN.value: "Working - Contacted",
    Status.WAITING.value: "Working - Contacted",
    Status.DONE.value: "Closed - Not Converted",
    Status.SPAM.value: "Closed - Not Converted",
}
SALESFORCE_LEAD_SOURCE = "Web"  # a value of the default Lead Source picklist
# Lead field lengths: a longer value fails the whole row in the import wizard.
SALESFORCE_LIMITS = {"first": 40, "last": 80, "email": 80, "phone": 40, "company": 255,
                     "description": 32_000}


def _sf_first(r: Record) -> str | None:
    return truncate(r.first_name if r.last_name else "", SALESFORCE_LIMITS["first"])


def _sf_last(r: Record) -> str | None:
    # A single name ("Cher") is the only name there is: Salesforce requires it as Last Name.
    return truncate(r.last_name or r.first_name or NOT_PROVIDED, SALESFORCE_LIMITS["last"])


def _sf_company(r: Record) -> str | None:
    return truncate((r.company or "").strip() or NOT_PROVIDED, SALESFORCE_LIMITS["company"])


def _sf_salutation(r: Record) -> str:
    return salesforce_salutation(r.salutation)


def _sf_status(r: Record) -> str:
    return SALESFORCE_LEAD_STATUS.get(r.status, "")


# What leads the Description: the segmentation a manager filters by, one labelled line each.
SALESFORCE_CONTEXT = (("Topic of interest", "topic"), ("Page URL", "page_url"),
                      ("Post title", "post_title"))


def _sf_description(r: Record) -> str | None:
    lines = [f"{label}: {' '.join(value.split())}" for label, name in SALESFORCE_CONTEXT
             if (value := getattr(r, name))]
    text = "\n".join(lines) + ("\n\n" if lines and r.message else "") + (r.message or "")
    return truncate(text, SALESFORCE_LIMITS["description"]) if text else None


SALESFORCE = Preset("salesforce", (
    Column("Salutation", _sf_salutation),
    Column("First Name", _sf_first),
    Column("Last Name", _sf_last),
    Column("Email", _limited(lambda r: r.email, SALESFORCE_LIMITS["email"])),
    Column("Phone", _limited(lambda r: r.phone, SALESFORCE_LIMITS["phone"])),
    Column("Company", _sf_company),
    Column("Lead Source", lambda r: SALESFORCE_LEAD_SOURCE),
    Column("Lead Status", _sf_status),
    Column("Description", _sf_description),
), encoding="utf-8")


# ----------------------------------------------------------------- generic

GENERIC = Preset("generic", _field_columns(SUBMISSION_FIELDS),
                 lead_columns=_field_columns(LEAD_FIELDS))

BUILTIN: dict[str, Preset] = {p.name: p for p in (GENERIC, HUBSPOT, SALESFORCE)}


# ----------------------------------------------------------------- saved mappings

def custom_preset(name: str, mapping: Sequence[tuple[str, str]]) -> Preset:
    """A preset from ``(header, field)`` pairs, checked: known fields, unique non-empty headers."""
    if not _NAME.match(name):
        raise ValidationError(f"not a preset name: {name!r} (letters, digits, '.', '-', '_'; "
                              f"at most 60)")
    if name.lower() in BUILTIN:
        raise ValidationError(f"{name!r} is a built-in preset; choose another name")
    if not mapping:
        raise ValidationError("a preset needs at least one column")
    seen: set[str] = set()
    columns = []
    for header, field in mapping:
        header = header.strip()
        if not header:
            raise ValidationError(f"empty column header for field {field!r}")
        if header in seen:
            raise ValidationError(f"column {header!r} appears twice")
        if field not in FIELDS:
            raise ValidationError(f"unknown field {field!r}; use one of {', '.join(FIELD_NAMES)}")
        seen.add(header)
        columns.append(Column(header, FIELDS[field], field))
    return Preset(name, tuple(columns), builtin=False)


def parse_columns(specs: Iterable[str]) -> list[tuple[str, str]]:
    """``"Header=field,Other=field2"`` (or a bare ``field``, its own header) to pairs.

    The field is after the last "=", so a header may contain "=", but not ",".
    """
    pairs = []
    for spec in specs:
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            header, equals, field = part.rpartition("=")
            pairs.append((header.strip(), field.strip()) if equals else (part, part))
    return pairs


class PresetStore:
    """Saved column mappings in one small JSON file, written atomically."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else config_dir() / PRESETS_FILENAME

    def _read(self) -> dict[str, list[dict[str, str]]]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read saved export presets in {self.path}: {exc}") from None
        presets = data.get("presets") if isinstance(data, dict) else None
        if not isinstance(presets, dict):
            raise ConfigError(f"{self.path} is not an export presets file; move it away")
        return presets

    def _write(self, presets: dict[str, list[dict[str, str]]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"version": STORE_VERSION, "presets": presets}, ensure_ascii=False,
                          indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=".export-presets-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def all(self) -> list[Preset]:
        """Every saved preset, by name."""
        return [self._build(name, entries) for name, entries in sorted(self._read().items())]

    def get(self, name: str) -> Preset:
        entries = self._read().get(name)
        if entries is None:
            raise NotFoundError(f"no saved export preset {name!r} "
                                f"(see `leaddesk export presets list`)")
        return self._build(name, entries)

    def save(self, preset: Preset) -> None:
        """Save (or replace) a custom preset under its name."""
        if preset.builtin:
            raise ValidationError("built-in presets cannot be saved")
        presets = self._read()
        presets[preset.name] = [{"header": c.header, "field": c.field or ""}
                                for c in preset.columns]
        self._write(presets)

    def delete(self, name: str) -> None:
        presets = self._read()
        if presets.pop(name, None) is None:
            raise NotFoundError(f"no saved export preset {name!r}")
        self._write(presets)

    def _build(self, name: str, entries: Any) -> Preset:
        try:
            pairs = [(str(e["header"]), str(e["field"])) for e in entries]
            return custom_preset(name, pairs)
        except (TypeError, KeyError, ValidationError) as exc:
            raise ConfigError(f"saved export preset {name!r} in {self.path} is broken: "
                              f"{exc}") from None


def resolve(name: str, store: PresetStore | None = None) -> Preset:
    """A built-in preset by name, else a saved one."""
    builtin = BUILTIN.get(name.lower())
    if builtin is not None:
        return builtin
    return (store or PresetStore()).get(name)
