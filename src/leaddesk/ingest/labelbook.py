"""The labels taught for each form, as the parser uses them: plain data and no database.

:class:`LabelBook` and :func:`parse` live here, apart from :mod:`leaddesk.ingest.labels` (which
reads and writes the rules with SQLAlchemy), so that the worker processes that parse large imports
import only the parser: a spawned worker starts in a fraction of the time.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from email.utils import getaddresses
from urllib.parse import urlsplit

from leaddesk.ingest.parse import SubmissionDraft, parse_message

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FROM = re.compile(rb"^from:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class LabelBook:
    """Every taught label: form -> {label key -> canonical key}."""

    forms: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.forms)

    def for_message(self, raw: bytes, draft: SubmissionDraft | None = None) -> dict[str, str]:
        """The label map for one message: every form's rules, then its host's, then its sender's."""
        if not self.forms:
            return {}
        found = dict(self.forms.get("", {}))
        host = host_of(draft.page_url) if draft is not None and draft.page_url else ""
        if host:
            found.update(self.forms.get(host, {}))
        sender = sender_of(raw)
        if sender:
            found.update(self.forms.get(sender, {}))
        return found


def sender_of(raw: bytes) -> str:
    """The notification's From address, lower case ("" when there is none): its form key."""
    head = _HEADER_END.split(raw, 1)[0]
    match = _FROM.search(head)
    if match is None:
        return ""
    text = match.group(1).decode("latin-1")
    addresses = [address for _, address in getaddresses([text]) if "@" in address]
    return addresses[0].strip().lower() if addresses else ""


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def parse(raw: bytes, *, site_addresses: Collection[str] = (),
          book: LabelBook | None = None) -> SubmissionDraft:
    """parse_message with the labels taught for the message's form (read twice only then)."""
    return relabel(raw, parse_message(raw, site_addresses=site_addresses),
                   site_addresses=site_addresses, book=book)


def relabel(raw: bytes, draft: SubmissionDraft, *, site_addresses: Collection[str] = (),
            book: LabelBook | None = None) -> SubmissionDraft:
    """``draft`` (``raw`` read without taught labels) read again with the labels taught for its
    form, if it has any; else ``draft`` itself."""
    if not book:
        return draft
    taught = book.for_message(raw, draft)
    if not taught:
        return draft
    return parse_message(raw, site_addresses=site_addresses, label_map=taught)
