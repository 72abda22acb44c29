"""Gravity Forms REST API v2 on a WordPress site: ``GET /wp-json/gf/v2/forms/{id}/entries``.

The answer is ``{"total_count": N, "entries": [...]}``, paged with ``paging[page_size]`` and
``paging[current_page]`` and sorted here by id, newest first. An entry keeps its values under the
field ids (``"2"``, and ``"1.3"`` / ``"1.6"`` for the first and last part of a Name field) next to
its own properties (``id``, ``date_created`` in UTC, ``source_url``, ``ip``, ``user_agent``); the
labels come from the form itself, ``GET /wp-json/gf/v2/forms/{id}``, fetched once per sync. The
token is a REST API key pair written ``consumer_key:consumer_secret`` (or a WordPress application
password written ``user:password``), sent with basic auth; the site must use HTTPS.
"""

from __future__ import annotations

import re
from typing import Any

from leaddesk.ingest.api.client import ApiClient, Auth
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.source import (
    ApiPage,
    Position,
    PresetInfo,
    Source,
    empty_page_with_more,
    expect_list,
    expect_object,
    number_mark,
)

PAGE_SIZE = 100
_INPUT_ID = re.compile(r"^\d+(\.\d+)?$")


class GravityFormsSource(Source):
    info = PresetInfo(
        name="gravityforms", label="Gravity Forms", needs=("base_url", "form"), optional=(),
        default_base_url=None,
        token_help="a REST API v2 key written CONSUMER_KEY:CONSUMER_SECRET (Forms → Settings → REST "
                   "API), or a WordPress application password written USER:PASSWORD",
        form_help="the form's numeric id (Forms → the ID column)")
    plugin = "gravity-forms"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # --base-url is the WordPress site (https://example.com) or the API root itself.
        if not self.base_url.endswith("/gf/v2"):
            self.base_url = f"{self.base_url}/wp-json/gf/v2"
        self.labels: dict[str, str] = {}

    def auth(self, token: str) -> Auth:
        return Auth("basic", token)

    def prepare(self, client: ApiClient) -> None:
        data, _ = client.get_json(f"{self.base_url}/forms/{self.form}")
        form = expect_object(data, "the form", self)
        self.labels = labels_of(form)

    def first(self, mark: str | None) -> Position:
        return {"page": 1}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        page = int(position["page"])
        size = int(self.config.get("page_size") or PAGE_SIZE)
        data, _ = client.get_json(f"{self.base_url}/forms/{self.form}/entries", {
            "paging[page_size]": size, "paging[current_page]": page,
            "sorting[key]": "id", "sorting[direction]": "DESC", "sorting[is_numeric]": "true"})
        answer = expect_object(data, "an answer", self)
        records = expect_list(answer.get("entries"), "entries", self)
        try:
            total = int(answer.get("total_count"))  # type: ignore[arg-type]  # a string on some versions
        except (TypeError, ValueError):
            total = None
        more = page * size < total if total is not None else len(records) >= size
        if more and not records:
            raise empty_page_with_more(self)
        return ApiPage(records, {"page": page + 1} if more else None)

    def after_failed(self, position: Position) -> Position | None:
        return {"page": int(position["page"]) + 1}

    def record_id(self, record: dict[str, Any]) -> str | None:
        return text_of(record.get("id"))

    def record_mark(self, record: dict[str, Any]) -> str | None:
        return number_mark(record.get("id"))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields(submitted_at=record.get("date_created"),
                           page_url=text_of(record.get("source_url")))
        values = sorted(((key, value) for key, value in record.items() if _INPUT_ID.match(str(key))),
                        key=lambda kv: tuple(int(p) for p in str(kv[0]).split(".")))
        for key, value in values:
            add_field(out.fields, self.labels.get(str(key), f"Field {key}"), value)
        if self.labels.get("_title"):
            out.subject = f"{self.labels['_title']} (Gravity Forms)"
        return out


def labels_of(form: dict[str, Any]) -> dict[str, str]:
    """Input id -> label. A Name field's parts are "First Name" and "Last Name" (its input labels
    joined with the field's), so that the label table knows them; other parts read "Address
    (City)"."""
    labels: dict[str, str] = {}
    if isinstance(form.get("title"), str):
        labels["_title"] = form["title"]
    for field in form.get("fields") or []:
        if not isinstance(field, dict) or field.get("id") is None:
            continue
        label = str(field.get("adminLabel") or field.get("label") or f"Field {field['id']}")
        labels[str(field["id"])] = label
        for part in field.get("inputs") or []:
            if not isinstance(part, dict) or part.get("id") is None:
                continue
            sub = str(part.get("customLabel") or part.get("label") or "")
            if field.get("type") == "name" and sub:
                labels[str(part["id"])] = sub if "name" in sub.casefold() else f"{sub} {label}"
            else:
                labels[str(part["id"])] = f"{label} ({sub})" if sub else label
    return labels
