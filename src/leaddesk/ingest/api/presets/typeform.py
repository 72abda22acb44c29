"""Typeform Responses API: ``GET /forms/{form_id}/responses``.

The answer is ``{"total_items", "page_count", "items": [...]}``, newest first, ``page_size`` at most
1000; the next (older) page is asked for with ``before=<token of the last response>`` and a re-sync
narrows the walk with ``since`` (inclusive, to the second). A response holds ``token`` /
``response_id``, ``submitted_at``, ``metadata.referer``, ``hidden`` (the hidden fields, e.g. the page
URL or UTM tags) and ``answers``, each naming its field by ``id``, ``ref`` and ``type`` with the value
under a key that depends on the type (``text``, ``email``, ``phone_number``, ``choice.label`` …).
The question titles come from the form definition, ``GET /forms/{form_id}``, fetched once per sync.
A personal access token with ``responses:read`` and ``forms:read`` goes in ``Authorization: Bearer``.
"""

from __future__ import annotations

from typing import Any

from leaddesk.ingest.api.client import ApiClient
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.source import (
    ApiPage,
    Position,
    PresetInfo,
    Source,
    as_object,
    expect_list,
    expect_object,
    time_mark,
)
from leaddesk.ingest.parse.synonyms import map_fields, role_of

PAGE_SIZE = 200


def answer_value(answer: dict[str, Any]) -> Any:
    kind = answer.get("type")
    if kind == "choice":
        choice = as_object(answer.get("choice"))
        return choice.get("label") or choice.get("other")
    if kind == "choices":
        choices = as_object(answer.get("choices"))
        return [*(choices.get("labels") or []), *([choices["other"]] if choices.get("other") else [])]
    if kind == "payment":
        payment = as_object(answer.get("payment"))
        return f"{payment.get('amount', '')} ({payment.get('name', '')})"
    return answer.get(str(kind)) if kind else None


class TypeformSource(Source):
    info = PresetInfo(
        name="typeform", label="Typeform", needs=("form",), optional=("base_url",),
        default_base_url="https://api.typeform.com",
        token_help="a personal access token with responses:read and forms:read (Account → "
                   "Personal tokens); EU accounts use --base-url https://api.eu.typeform.com",
        form_help="the form id from its URL (…typeform.com/to/FORM_ID)")
    plugin = "typeform"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.titles: dict[str, str] = {}

    def prepare(self, client: ApiClient) -> None:
        data, _ = client.get_json(f"{self.base_url}/forms/{self.form}")
        form = expect_object(data, "the form definition", self)
        self.titles = {}
        stack = list(form.get("fields") or [])
        while stack:  # questions inside groups have their own fields
            field = stack.pop(0)
            if isinstance(field, dict) and field.get("id"):
                self.titles[str(field["id"])] = str(field.get("title") or field.get("ref") or "")
                stack.extend((field.get("properties") or {}).get("fields") or [])

    def first(self, mark: str | None) -> Position:
        # "since" takes seconds; the response at the mark itself comes back and is skipped.
        return {"before": None, "since": mark[:19] if mark else None}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        size = int(self.config.get("page_size") or PAGE_SIZE)
        data, _ = client.get_json(f"{self.base_url}/forms/{self.form}/responses", {
            "page_size": size, "before": position.get("before"), "since": position.get("since")})
        answer = expect_object(data, "an answer", self)
        records = expect_list(answer.get("items"), "items", self)
        count = answer.get("page_count")
        more = count > 1 if isinstance(count, int) else len(records) >= size
        last = records[-1] if records and isinstance(records[-1], dict) else {}
        token = text_of(last.get("token") or last.get("response_id"))
        return ApiPage(records, {**position, "before": token} if more and token else None)

    def describe(self, position: Position) -> str:
        return f"the page before response {position['before']}" if position.get("before") \
            else "the first page"

    def record_id(self, record: dict[str, Any]) -> str | None:
        return text_of(record.get("response_id") or record.get("token"))

    def record_mark(self, record: dict[str, Any]) -> str | None:
        return time_mark(record.get("submitted_at"))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields(submitted_at=record.get("submitted_at"))
        answers = record.get("answers") or []
        if not isinstance(answers, list):
            out.problems.append("the response's answers are not a list")
            answers = []
        long_texts: list[str] = []
        for answer in answers:
            if not isinstance(answer, dict):
                continue
            field = as_object(answer.get("field"))
            label = self.titles.get(str(field.get("id"))) or str(field.get("ref") or field.get("id"))
            value = answer_value(answer)
            add_field(out.fields, label, value)
            text = text_of(value)
            if not text:
                continue
            # Questions are worded freely ("Tell us more"): the answer's type, then the field's ref
            # (chosen by the form's author, often "email" or "details"), say what it is.
            role = {"email": "email", "phone_number": "phone"}.get(str(answer.get("type")))
            if role is None and role_of(label, text) is None and field.get("ref"):
                role = role_of(str(field["ref"]), text)
            if role is None and field.get("type") == "long_text":
                long_texts.append(text)
            if role in ("name", "email", "phone", "company", "topic", "message") \
                    and role not in out.known:
                out.known[role] = text
        if long_texts and "message" not in out.known and \
                "message" not in map_fields(out.fields):
            out.known["message"] = long_texts[0]  # the first long answer is the visitor's message
        hidden = record.get("hidden")
        if isinstance(hidden, dict):
            for key, value in hidden.items():
                add_field(out.fields, key, value)
                if role_of(str(key), str(value)) == "page_url" and out.page_url is None:
                    out.page_url = text_of(value)  # the embedding page, passed in by the site
        metadata = as_object(record.get("metadata"))
        out.page_url = out.page_url or text_of(metadata.get("referer"))
        return out
