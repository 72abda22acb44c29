"""Formspree: ``GET /api/0/forms/{hashid}/submissions`` with the form's API key in basic auth.

The answer is ``{"fields": [...], "submissions": [{"_date": …, "email": …, "message": …}, …]}``;
``since`` (ISO date), ``limit``, ``offset`` and ``order`` (desc by default) filter it. LeadDesk asks
for ``order=asc`` from the newest submission it has, so new submissions only ever append and the
saved position is simply "since that date". Keys starting with ``_`` are Formspree's own (``_date``,
``_id``, ``_status``); ``_replyto`` holds the visitor's address on older forms.
"""

from __future__ import annotations

from typing import Any

from leaddesk.ingest.api.client import ApiClient, Auth
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.source import (
    ApiPage,
    Position,
    PresetInfo,
    Source,
    content_id,
    expect_list,
    expect_object,
    time_mark,
)

LIMIT = 100


class FormspreeSource(Source):
    info = PresetInfo(
        name="formspree", label="Formspree", needs=("form",), optional=("base_url",),
        default_base_url="https://formspree.io/api/0",
        token_help="the form's API key (Form → Settings → API)",
        form_help="the form's hashid, the last part of its action URL (formspree.io/f/HASHID)")
    plugin = "formspree"
    newest_first = False

    def auth(self, token: str) -> Auth:
        return Auth("basic", token, username="")  # curl -u :API_KEY

    def first(self, mark: str | None) -> Position:
        return {"since": None, "offset": 0}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        limit = int(self.config.get("limit") or LIMIT)
        data, _ = client.get_json(f"{self.base_url}/forms/{self.form}/submissions", {
            "order": "asc", "limit": limit, "offset": position.get("offset") or None,
            "since": position.get("since")})
        records = expect_list(expect_object(data, "an answer", self).get("submissions"),
                              "submissions", self)
        more = len(records) >= limit
        return ApiPage(records, {**position, "offset": int(position.get("offset") or 0) + len(records)}
                    if more else None)

    def after_failed(self, position: Position) -> Position | None:
        limit = int(self.config.get("limit") or LIMIT)
        return {**position, "offset": int(position.get("offset") or 0) + limit}

    def resume_after(self, record: dict[str, Any], position: Position) -> Position:
        date = text_of(record.get("_date"))
        return {"since": date, "offset": 0} if date else position

    def describe(self, position: Position) -> str:
        return f"offset {position.get('offset') or 0}" + (
            f" since {position['since']}" if position.get("since") else "")

    def record_id(self, record: dict[str, Any]) -> str | None:
        found = text_of(record.get("_id") or record.get("id"))
        if found:
            return found
        # No id in the documented answer: the date and what the visitor typed identify it (never
        # "_status", which changes as deliveries happen).
        return content_id({k: v for k, v in record.items() if not k.startswith("_") or k == "_date"})

    def record_mark(self, record: dict[str, Any]) -> str | None:
        return time_mark(record.get("_date"))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields(submitted_at=record.get("_date"))
        for key, value in record.items():
            if not key.startswith("_"):
                add_field(out.fields, key, value)
        reply_to = text_of(record.get("_replyto"))
        if reply_to and "email" not in {k.casefold() for k in out.fields}:
            out.known["email"] = reply_to
        out.subject = text_of(record.get("_subject"))
        return out
