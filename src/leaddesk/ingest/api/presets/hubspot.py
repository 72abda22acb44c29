"""HubSpot Forms v1: ``GET /form-integrations/v1/submissions/forms/{form_guid}``.

The answer is ``{"results": [{"conversionId", "submittedAt" (epoch ms), "values": [{"name",
"value"}], "pageUrl"}], "paging": {"next": {"after", "link"}}}``, newest first, at most 50 per page
(``limit``), the next page named by the ``after`` cursor. A private app token with the ``forms``
scope goes in ``Authorization: Bearer``.
"""

from __future__ import annotations

from typing import Any

from leaddesk.ingest.api.client import ApiClient
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.jsonpath import resolve
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

LIMIT = 50


class HubSpotSource(Source):
    info = PresetInfo(
        name="hubspot", label="HubSpot Forms", needs=("form",), optional=("base_url",),
        default_base_url="https://api.hubapi.com",
        token_help="a private app access token with the forms scope (Settings → Integrations → "
                   "Private Apps)",
        form_help="the form's GUID (the last part of the form editor's URL)")
    plugin = "hubspot"

    def first(self, mark: str | None) -> Position:
        return {"after": None}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        data, _ = client.get_json(
            f"{self.base_url}/form-integrations/v1/submissions/forms/{self.form}",
            {"limit": int(self.config.get("limit") or LIMIT), "after": position.get("after")})
        answer = expect_object(data, "an answer", self)
        records = expect_list(answer.get("results"), "results", self)
        after = text_of(resolve(answer, "paging.next.after"))
        return ApiPage(records, {"after": after} if after and records else None)

    def describe(self, position: Position) -> str:
        return "the page after cursor " + str(position["after"]) if position.get("after") \
            else "the first page"

    def record_id(self, record: dict[str, Any]) -> str | None:
        found = text_of(record.get("conversionId"))
        return found or content_id({"submittedAt": record.get("submittedAt"),
                                    "values": record.get("values")})

    def record_mark(self, record: dict[str, Any]) -> str | None:
        return time_mark(record.get("submittedAt"))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields(submitted_at=record.get("submittedAt"),
                           page_url=text_of(record.get("pageUrl")))
        values = record.get("values")
        if not isinstance(values, list):
            out.problems.append("the submission has no list of values")
            values = []
        for item in values:
            if isinstance(item, dict):
                add_field(out.fields, str(item.get("name") or ""), item.get("value"))
        return out
