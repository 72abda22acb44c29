"""What every form-backend preset provides, and the helpers they share.

A source reads pages of records. A *position* is a small JSON object naming one page (``{"page": 3}``,
``{"after": "abc"}``, ``{"url": "…"}``): the sync stores it in the account's sync state so that an
interrupted sync resumes at the page where it stopped. Each record has an id (the source key) and a
*mark*, a string that sorts like the record's age (its submission time, or a growing numeric id),
which tells the sync where the records it already has begin.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from leaddesk.accounts import AccountInfo
from leaddesk.errors import ValidationError
from leaddesk.ingest.api.client import ApiClient, Auth
from leaddesk.ingest.api.draft import RecordFields, parse_moment
from leaddesk.ingest.api.errors import PageError

Position = dict[str, Any]


@dataclass(frozen=True)
class PresetInfo:
    """What the accounts dialog and `accounts add api` need to know about a preset."""

    name: str
    label: str  # "Netlify Forms"
    needs: tuple[str, ...]  # settings the user must give: "form", "base_url", "config"
    optional: tuple[str, ...]  # settings the user may give
    default_base_url: str | None
    token_help: str  # what the token is and where to make one
    form_help: str  # what the form id is


@dataclass
class ApiPage:
    records: list[Any]
    next: Position | None  # None: this was the last page


class Source(ABC):
    """One preset, configured for one account."""

    info: ClassVar[PresetInfo]
    plugin: ClassVar[str]  # SubmissionDraft.plugin of its records
    newest_first: ClassVar[bool] = True  # the order in which the API lists records

    def __init__(self, account: AccountInfo) -> None:
        settings = account.settings
        self.account = account
        self.base_url = str(settings.get("base_url") or self.info.default_base_url or "").rstrip("/")
        self.form = str(settings["form"]) if settings.get("form") else None
        self.config: dict[str, Any] = dict(settings.get("config") or {})

    @classmethod
    def check(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """Validate the settings of a new account; the returned dict is stored."""
        if "form" in cls.info.needs and not settings.get("form"):
            raise ValidationError(f"a {cls.info.label} account needs --form ({cls.info.form_help})")
        if "base_url" in cls.info.needs and not settings.get("base_url"):
            raise ValidationError(f"a {cls.info.label} account needs --base-url")
        return settings

    @property
    def what(self) -> str:
        return f"the {self.info.label} API"

    def auth(self, token: str) -> Auth:
        return Auth("bearer", token)

    def prepare(self, client: ApiClient) -> None:  # noqa: B027  (most presets need nothing)
        """Anything to fetch once before the pages (a form's field labels)."""

    @abstractmethod
    def first(self, mark: str | None) -> Position:
        """The first page of a walk; ``mark`` is the newest record already stored, if any."""

    @abstractmethod
    def fetch(self, client: ApiClient, position: Position) -> ApiPage:
        """One page; :class:`PageError` when it cannot be read."""

    def after_failed(self, position: Position) -> Position | None:
        """The page after one that could not be read, when the API lets us name it without it."""
        return None

    def resume_after(self, record: dict[str, Any], position: Position) -> Position:
        """Oldest-first sources: where the next sync starts after the last page. By default the last
        page again (what is on it already is skipped by its mark)."""
        return position

    def describe(self, position: Position) -> str:
        for key in ("page", "offset"):
            if key in position:
                return f"{key} {position[key]}"
        if position.get("url"):
            return "the next-page link"
        return "the page after the last one read" if len(position) > 0 else "the first page"

    @abstractmethod
    def record_id(self, record: dict[str, Any]) -> str | None:
        """The record's own id, or None when it has none."""

    @abstractmethod
    def record_mark(self, record: dict[str, Any]) -> str | None:
        """A string that sorts like the record's age, or None when unknown."""

    @abstractmethod
    def read(self, record: dict[str, Any]) -> RecordFields:
        """The record's labelled fields and what the service names itself."""


# ---------------------------------------------------------------------- shared helpers
# How far ahead of this computer's clock a submission time may be and still mark the newest record
# synced: beyond it (a service's clock, a date a visitor's browser sent) the mark would put every
# later lead "below the mark", and no sync would read one again.
MARK_AHEAD = timedelta(days=1)


def time_mark(value: Any) -> str | None:
    """A sortable mark from a submission time (ISO text, epoch seconds or milliseconds); None
    for one more than MARK_AHEAD in the future (the record is still read, by its id)."""
    moment = parse_moment(value)
    if moment is None or moment > datetime.now(UTC) + MARK_AHEAD:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def number_mark(value: Any) -> str | None:
    """A sortable mark from a growing numeric id ("159" -> "00000000000000000159")."""
    try:
        return f"{int(str(value).strip()):020d}" if value is not None else None
    except ValueError:
        return None


def json_bytes(text: str) -> bytes:
    """JSON text as UTF-8. Half of an emoji (a lone surrogate, from a form script that cut a
    message by length) arrives as an escape and cannot be UTF-8: it goes back to that escape,
    "\\ud83d", which only JSON strings hold, so the bytes read back as the record sent."""
    return text.encode("utf-8", "backslashreplace")


def content_id(record: Any) -> str:
    """An id for a record that has none: a digest of its content."""
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return "sha256-" + hashlib.sha256(json_bytes(text)).hexdigest()[:32]


def as_object(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: nested parts of untrusted records."""
    return value if isinstance(value, dict) else {}


def expect_list(value: Any, what: str, source: Source) -> list[Any]:
    if not isinstance(value, list):
        got = type(value).__name__ if value is not None else "nothing"
        raise PageError(f"{source.what} sent a page without its list of {what} (got {got})")
    return value


def expect_object(value: Any, what: str, source: Source) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PageError(f"{source.what} sent {what} that is not a JSON object")
    return value


def empty_page_with_more(source: Source, why: str = "it says more pages follow") -> PageError:
    """An empty page with more after it (a Link to the next page, a total beyond it, records on
    the next page): taken as the end, the walk would finish and move the mark past the records
    of this page and every page after it, which no later sync would ask for again."""
    return PageError(f"{source.what} sent an empty page although {why}")
