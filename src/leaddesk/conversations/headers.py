"""The headers that place an e-mail in a conversation, read from its raw bytes.

Only the header block is read (a plain split, not the email package's parser), so the
Sent-folder sync can decide from a ``BODY.PEEK[HEADER.FIELDS (…)]`` fetch whether a message
belongs to a lead before it downloads the body. Nothing here raises on malformed input: a
header that cannot be read counts as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.header import decode_header, make_header
from email.utils import getaddresses

# What the Sent-folder sync asks the server for before deciding to fetch a body: only what
# placing a message needs (its sender and subject are read from the body, once picked).
FIELDS = ("MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "TO", "CC", "DATE")

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,996}>")
# "Re:", "RE[2]:", "AW:", "SV:"… as mail programs in the team's languages write them (Polish
# "Odp:", Portuguese "RES:", Turkish "YNT:", Hungarian "Vá:", Russian "Отв:", Chinese "回复：" with
# a full-width colon ...), and forwards' "Fwd:"/"WG:"/"TR:".
_REPLY_PREFIX = re.compile(
    r"^\s*(re|aw|antw|sv|vs|ref|rif|r|rv|rép|rep|res|odp|ynt|vá|atb|отв|ответ|回复|答复|wg|fwd?|tr)"
    r"\s*(\[\d+\])?\s*[:：]\s*", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_FIELD = re.compile(r"^([!-9;-~]+):[ \t]*(.*(?:\r?\n[ \t].*)*)", re.MULTILINE)
_SIMPLE_FROM = re.compile(r'^\s*(?:"?([^"<>,;:\\@()]*?)"?\s*)?<?([^\s<>"(),;:\\@]+@[^\s<>"(),;:\\@]+)>?\s*$')
_DAEMON = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


@dataclass(frozen=True)
class MailHeaders:
    """Who wrote to whom, when, about what, and which earlier messages it answers."""

    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    from_name: str | None
    from_addr: str | None  # lower case
    to: tuple[str, ...]  # lower-case addresses
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    # Written by a machine (an auto-reply, a bounce, a list): never a person's answer.
    automatic: bool = False

    @property
    def parents(self) -> tuple[str, ...]:
        """Every Message-ID this mail names as an ancestor, nearest first."""
        return tuple(dict.fromkeys((*self.in_reply_to, *reversed(self.references))))

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.to, *self.cc)))

    @property
    def is_reply(self) -> bool:
        """The subject says "Re: …" (or a translation of it)."""
        return has_reply_prefix(self.subject)


def head_of(raw: bytes) -> bytes:
    """The header block of a raw message (all of it when there is no body)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(separator)
        if end >= 0:
            return raw[:end + len(separator)]
    return raw


def may_thread(raw: bytes, subject: str | None) -> bool:
    """A cheap first look: only mail naming an earlier message or saying "Re:" can join a lead."""
    head = head_of(raw).lower()
    return (b"\nin-reply-to:" in head or b"\nreferences:" in head
            or has_reply_prefix(subject))


def read(raw: bytes) -> MailHeaders:
    """The conversation headers of ``raw`` (a whole message or only its header block)."""
    fields = _fields(head_of(raw))
    from_pairs = _from(fields.get("from", []))
    name, address = from_pairs if from_pairs else (None, None)
    return MailHeaders(
        message_id=next(iter(message_ids(_first(fields, "message-id"))), None),
        in_reply_to=message_ids(_first(fields, "in-reply-to"))[:1],
        references=message_ids(_first(fields, "references")),
        from_name=name or None, from_addr=address,
        to=_recipients(fields.get("to", [])), cc=_recipients(fields.get("cc", [])),
        subject=_text(_first(fields, "subject")),
        date=_date(_first(fields, "date")), automatic=_automatic(fields, address))


def _date(value: str | None) -> datetime | None:
    # Imported here: the parser package (~0.1 s to import) is not needed to start the window,
    # which imports this module for the answers it records.
    from leaddesk.ingest.parse.headers import date_value
    return date_value(value) if value else None


def _automatic(fields: dict[str, list[str]], sender: str | None) -> bool:
    """RFC 3834 Auto-Submitted, the usual auto-responder and bulk headers, bounces."""
    submitted = (_first(fields, "auto-submitted") or "no").strip().lower()
    precedence = (_first(fields, "precedence") or "").strip().lower()
    kind = (_first(fields, "content-type") or "").lower()
    return (submitted != "no" or "x-autoreply" in fields or "x-autorespond" in fields
            or precedence in ("auto_reply", "bulk", "junk", "list")
            or "multipart/report" in kind or _DAEMON.match(sender or "") is not None)


def _fields(head: bytes) -> dict[str, list[str]]:
    """Header name (lower case) -> its values, unfolded. A plain split rather than the email
    parser: a Sent folder has thousands of headers to read and most are not ours (the email
    package spends most of its time on objects this never needs)."""
    text = head.decode("utf-8", "replace")  # stored text never holds lone surrogates
    found: dict[str, list[str]] = {}
    for match in _FIELD.finditer(text):
        value = _FOLD.sub(" ", match.group(2)).strip()
        found.setdefault(match.group(1).lower(), []).append(value)
    return found


def _first(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name)
    return values[0] if values else None


def _from(values: list[str]) -> tuple[str, str] | None:
    if not values:
        return None
    simple = _SIMPLE_FROM.match(values[0])
    if simple is not None:  # "Name <a@b>" or "a@b": most mail, without the full address parser
        return _text(simple.group(1) or ""), simple.group(2).lower()
    try:
        pairs = getaddresses(values[:1])
    except Exception:  # the stdlib address parser has raised on hostile input before
        return None
    for display, address in pairs:
        if "@" in address:
            return _text(display), address.strip().lower()
    return None


def _recipients(values: list[str]) -> tuple[str, ...]:
    """Every address in To or Cc, lower case, once: only the addresses matter here."""
    return tuple(dict.fromkeys(a.lower().rstrip(".") for v in values for a in _ADDRESS.findall(v)))


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<…>`` ids in a Message-ID, In-Reply-To or References value, in order, once each."""
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(value or "")))


def has_reply_prefix(subject: str | None) -> bool:
    """The subject starts with "Re:", "AW:", "Odp:", "回复：" … (a forward's "Fwd:" counts too)."""
    return _REPLY_PREFIX.match(subject or "") is not None


def thread_subject(subject: str | None) -> str:
    """A subject without its "Re:" / "AW:" prefixes, spaces folded, case ignored: what two
    messages of one conversation share."""
    text = subject or ""
    while True:
        stripped = _REPLY_PREFIX.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return _SPACES.sub(" ", text).strip().casefold()


def _text(value: str | None) -> str:
    if not value:
        return ""
    if "=?" not in value:
        return _SPACES.sub(" ", value).strip()
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # a broken encoded word: keep it as written
        text = value
    return _SPACES.sub(" ", text).strip()
