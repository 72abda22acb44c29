"""Any JSON API, described by a small configuration (``--config FILE``, JSON)::

    {
      "url": "{base_url}/forms/{form}/submissions",
      "records": "data",
      "auth": {"type": "bearer"},
      "pagination": {"style": "page", "param": "page", "size_param": "per_page", "size": 100},
      "order": "newest_first",
      "params": {"status": "active"},
      "fields": {"id": "id", "name": "contact.name", "email": "contact.email",
                 "message": "body", "submitted_at": "created_at", "page_url": "meta.referrer"},
      "extra_fields": "answers"
    }

``url`` is a template (``{base_url}``, ``{form}``); ``records`` is the path of the list in the
answer ("" when the answer is the list). ``auth.type`` is ``bearer``, ``basic`` (``username``, or a
token written ``user:password``), ``header`` or ``query`` (``name`` of the header or parameter) or
``none``. Pagination styles: ``page`` (``param``, ``start``), ``offset``, ``cursor`` (``param``,
and ``cursor_path``, where the answer names the next cursor), ``next_link`` (``next_path``, else
the Link header) and ``none``; ``size_param``/``size`` set the page size. ``fields`` maps the
canonical keys (id, name, email, phone, company, topic, message, page_url, submitted_at) to JSON paths
in a record (see :mod:`leaddesk.ingest.api.jsonpath`); ``extra_fields`` names an object (or a list
of ``{"label"|"name", "value"}``) whose members are kept as further labelled fields. ``order`` says
how the API lists records: ``newest_first`` (the default; the sync stops at the first record it
has) or ``oldest_first`` (the sync resumes at the last page it read).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from leaddesk.account_settings import SECRET_HINT, check_web_address, credential_names
from leaddesk.errors import ValidationError
from leaddesk.ingest.api.client import AUTH_KINDS, ApiClient, Auth
from leaddesk.ingest.api.draft import RecordFields, add_field, text_of
from leaddesk.ingest.api.jsonpath import compile_path, resolve
from leaddesk.ingest.api.source import (
    ApiPage,
    Position,
    PresetInfo,
    Source,
    expect_list,
    number_mark,
    time_mark,
)

STYLES = ("page", "offset", "cursor", "next_link", "none")
ORDERS = ("newest_first", "oldest_first")
MAPPED = ("id", "name", "email", "phone", "company", "topic", "message", "page_url", "submitted_at")
_DEFAULT_PARAM = {"page": "page", "offset": "offset", "cursor": "cursor"}


def _paths(config: dict[str, Any]) -> list[str]:
    pagination = config.get("pagination") or {}
    return [str(config.get("records") or ""), *(str(p) for p in (config.get("fields") or {}).values()),
            *(str(pagination[k]) for k in ("cursor_path", "next_path") if pagination.get(k)),
            *([str(config["extra_fields"])] if config.get("extra_fields") else [])]


class GenericSource(Source):
    info = PresetInfo(
        name="generic", label="JSON API", needs=("config",), optional=("base_url", "form"),
        default_base_url=None,
        token_help="whatever the API takes; the configuration says how it is sent",
        form_help="any value the URL template uses as {form}")
    plugin = "api"

    @classmethod
    def check(cls, settings: dict[str, Any]) -> dict[str, Any]:
        config = settings.get("config")
        if not isinstance(config, dict) or not config:
            raise ValidationError("a generic JSON API account needs --config FILE (a JSON file "
                                  "describing the URL, auth, pagination and field mapping; see README)")
        url = config.get("url")
        if not isinstance(url, str) or not url:
            raise ValidationError("the generic API configuration needs \"url\" (a URL template)")
        if "{base_url}" in url and not settings.get("base_url"):
            raise ValidationError("the configuration's URL uses {base_url}: give --base-url")
        if "{form}" in url and not settings.get("form"):
            raise ValidationError("the configuration's URL uses {form}: give --form")
        check_web_address(url.replace("{base_url}", settings.get("base_url") or ""),
                          name="the configuration's URL",
                          expected="start with https:// or {base_url}")
        auth = config.get("auth") or {}
        if not isinstance(auth, dict) or auth.get("type", "bearer") not in AUTH_KINDS:
            raise ValidationError(f"auth.type must be one of {', '.join(AUTH_KINDS)}")
        # The configuration is stored in the database: a token written into it would be too.
        extra = sorted(set(auth) - {"type", "name", "username"})
        if extra:
            raise ValidationError(f"auth takes only type, name and username, not "
                                  f"{', '.join(extra)}; {SECRET_HINT}")
        params = config.get("params") or {}
        keys = credential_names(params) if isinstance(params, dict) else []
        if keys:
            raise ValidationError(f"params must not carry a key ({', '.join(keys)}); "
                                  f"{SECRET_HINT}")
        pagination = config.get("pagination") or {}
        if not isinstance(pagination, dict) or pagination.get("style", "none") not in STYLES:
            raise ValidationError(f"pagination.style must be one of {', '.join(STYLES)}")
        if pagination.get("style") == "cursor" and not pagination.get("cursor_path"):
            raise ValidationError("pagination style cursor needs cursor_path (where the answer names "
                                  "the next cursor)")
        for key in ("size", "start"):
            if key in pagination and not isinstance(pagination[key], int):
                raise ValidationError(f"pagination.{key} must be a whole number")
        if config.get("order", "newest_first") not in ORDERS:
            raise ValidationError(f"order must be one of {', '.join(ORDERS)}")
        fields = config.get("fields")
        if not isinstance(fields, dict) or not fields.get("id"):
            raise ValidationError("the configuration needs fields.id (the JSON path of a record's id)")
        unknown = sorted(set(fields) - set(MAPPED))
        if unknown:
            raise ValidationError(f"unknown field keys {', '.join(unknown)}; use {', '.join(MAPPED)}")
        for path in _paths(config):
            compile_path(path)
        return settings

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pagination: dict[str, Any] = dict(self.config.get("pagination") or {})
        self.style = str(self.pagination.get("style") or "none")
        self.fields_map: dict[str, str] = dict(self.config.get("fields") or {})
        # The class attribute is the default; each account says how its API lists records.
        self.newest_first = self.config.get("order", "newest_first") == "newest_first"  # type: ignore[misc]

    @property
    def what(self) -> str:
        return "the JSON API"

    def auth(self, token: str) -> Auth:
        auth = self.config.get("auth") or {}
        return Auth(str(auth.get("type") or "bearer"), token, name=auth.get("name"),
                    username=auth.get("username"))

    def _url(self) -> str:
        url = str(self.config["url"]).replace("{base_url}", self.base_url)
        url = url.replace("{form}", self.form or "")
        return urljoin(self.base_url + "/", url.lstrip("/")) if url.startswith("/") else url

    def _size(self) -> int | None:
        size = self.pagination.get("size")
        return int(size) if size else None

    def first(self, mark: str | None) -> Position:
        return {"page": int(self.pagination.get("start", 1))} if self.style == "page" else \
            {"offset": 0} if self.style == "offset" else {"cursor": None} if self.style == "cursor" \
            else {"url": None}

    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        params: dict[str, Any] = dict(self.config.get("params") or {})
        size = self._size()
        if size and self.pagination.get("size_param"):
            params[str(self.pagination["size_param"])] = size
        param = str(self.pagination.get("param") or _DEFAULT_PARAM.get(self.style, ""))
        url = self._url()
        if self.style == "page":
            params[param] = position["page"]
        elif self.style == "offset":
            params[param] = position["offset"]
        elif self.style == "cursor" and position.get("cursor"):
            params[param] = position["cursor"]
        elif self.style == "next_link" and position.get("url"):
            url, params = str(position["url"]), {}  # the link carries its own query
        data, response = client.get_json(url, params)
        records = expect_list(resolve(data, str(self.config.get("records") or "")), "records", self)
        return ApiPage(records, self._next(client, position, data, response, records))

    def _next(self, client: ApiClient, position: Position, data: Any, response: Any,
              records: list[Any]) -> Position | None:
        if not records:
            return None
        size = self._size()
        full = len(records) >= size if size else True
        if self.style == "page":
            return {"page": int(position["page"]) + 1} if full else None
        if self.style == "offset":
            return {"offset": int(position["offset"]) + len(records)} if full else None
        if self.style == "cursor":
            cursor = text_of(resolve(data, str(self.pagination["cursor_path"])))
            return {"cursor": cursor} if cursor and cursor != position.get("cursor") else None
        if self.style == "next_link":
            path = self.pagination.get("next_path")
            link = text_of(resolve(data, str(path))) if path else \
                response.links.get("next", {}).get("url")
            return {"url": client.without_token(urljoin(str(response.url), link))} if link \
                else None
        return None

    def after_failed(self, position: Position) -> Position | None:
        size = self._size() or 0
        if self.style == "page":
            return {"page": int(position["page"]) + 1}
        if self.style == "offset" and size:
            return {"offset": int(position["offset"]) + size}
        return None

    def record_id(self, record: dict[str, Any]) -> str | None:
        return text_of(resolve(record, self.fields_map["id"]))

    def record_mark(self, record: dict[str, Any]) -> str | None:
        if self.fields_map.get("submitted_at"):
            return time_mark(resolve(record, self.fields_map["submitted_at"]))
        return number_mark(resolve(record, self.fields_map["id"]))

    def read(self, record: dict[str, Any]) -> RecordFields:
        out = RecordFields()
        for key in MAPPED[1:]:
            path = self.fields_map.get(key)
            if not path:
                continue
            value = resolve(record, path)
            if key == "submitted_at":
                out.submitted_at = value
            elif key == "page_url":
                out.page_url = text_of(value)
            else:
                add_field(out.fields, key, value)
                text = text_of(value)
                if text:
                    out.known[key] = text
        extra = resolve(record, str(self.config["extra_fields"])) if self.config.get("extra_fields") \
            else None
        if isinstance(extra, dict):
            for label, value in extra.items():
                add_field(out.fields, str(label), value)
        elif isinstance(extra, list):
            for item in extra:
                if isinstance(item, dict):
                    add_field(out.fields, str(item.get("label") or item.get("name") or ""),
                              item.get("value"))
        return out
