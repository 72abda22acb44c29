"""Netlify Forms: ``GET /api/v1/forms/{form_id}/submissions`` or ``/sites/{site_id}/submissions``.

A JSON array per page, newest first, ``page`` and ``per_page`` (at most 100), and a Link header
naming the next page. A submission carries ``id``, ``number``, ``name``, ``email``, ``first_name``,
``last_name``, ``company``, ``summary``, ``body`` (the message), ``data`` (every field posted, plus
``ip``, ``user_agent`` and ``referrer``), ``human_fields`` / ``ordered_human_fields`` (the labels the
form shows), ``created_at`` and ``site_url``. A personal access token goes in ``Authorization: Bearer``.
"""

from __future__ import annotations

from typing import Any

from leaddesk.errors import ValidationError
from leaddesk.ingest.api.client import ApiClient
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.source import (
    ApiPage,
    Position,
    PresetInfo,
    Source,
    as_object,
    empty_page_with_more,
    expect_list,
    time_mark,
)

PER_PAGE = 100
_NOT_FIELDS = {"ip", "user_agent", "referrer", "form-name", "bot-field"}


class NetlifySource(Source):
    info = PresetInfo(
        name="netlify", label="Netlify Forms", needs=("form",), optional=("base_url", "site"),
        default_base_url="https://api.netlify.com/api/v1",
        token_help="a personal access token (User settings → Applications → New access token)",
        form_help="the form id from the Forms page, or give the site id with --site for every form")
    plugin = "netlify"

    @classmethod
    def check(cls, settings: dict[str, Any]) -> dict[str, Any]:
        if not settings.get("form") and not (settings.get("config") or {}).get("site"):
            raise ValidationError("a Netlify Forms account needs --form FORM_ID (one form) or "
                                  "--site SITE_ID (every form of the site)")
        return settings

    def _url(self) -> str:
        if self.form:
            return f"{self.base_url}/forms/{self.form}/submissions"
        return f"{self.base_url}/sites/{self.config['site']}/submissions"

    def first(self, mark: str | None) -> Position:
        return {"page": 1}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        page = int(position["page"])
        per_page = int(self.config.get("per_page") or PER_PAGE)
        data, response = client.get_json(self._url(), {"page": page, "per_page": per_page})
        records = expect_list(data, "submissions", self)
        # Without a Link header (a proxy dropped it) a full page may have a successor.
        more = "next" in response.links if "link" in response.headers else len(records) >= per_page
        if not records and page > 1 and "link" not in response.headers:
            # Nothing says whether this is the end: the next page does (one request, at the end).
            after, _ = client.get_json(self._url(), {"page": page + 1, "per_page": per_page})
            if expect_list(after, "submissions", self):
                raise empty_page_with_more(self, "the page after it holds submissions")
        if more and not records:
            raise empty_page_with_more(self)
        return ApiPage(records, {"page": page + 1} if more else None)

    def after_failed(self, position: Position) -> Position | None:
        return {"page": int(position["page"]) + 1}

    def record_id(self, record: dict[str, Any]) -> str | None:
        return text_of(record.get("id"))

    def record_mark(self, record: dict[str, Any]) -> str | None:
        return time_mark(record.get("created_at"))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields(submitted_at=record.get("created_at"))
        ordered = record.get("ordered_human_fields")
        human = record.get("human_fields")
        data = as_object(record.get("data"))
        if isinstance(ordered, list) and ordered:
            for item in ordered:
                if isinstance(item, dict) and str(item.get("name")) not in _NOT_FIELDS:
                    add_field(out.fields, str(item.get("title") or item.get("name") or ""),
                              item.get("value"))
        elif isinstance(human, dict) and human:
            for label, value in human.items():
                add_field(out.fields, label, value)
        else:
            for key, value in data.items():
                if key not in _NOT_FIELDS:
                    add_field(out.fields, key, value)
        first_last = " ".join(p for p in (text_of(record.get("first_name")),
                                          text_of(record.get("last_name"))) if p)
        for key, value in (("name", text_of(record.get("name")) or first_last or None),
                           ("email", text_of(record.get("email"))),
                           ("company", text_of(record.get("company"))),
                           ("message", text_of(record.get("body")))):
            if value:
                out.known[key] = value
        out.page_url = text_of(data.get("referrer"))
        name = text_of(record.get("form_name"))
        out.subject = f"Netlify form {name}" if name else None
        return out
