"""The headers that place an e-mail in a conversation, read from its raw bytes.

Only the header block is parsed (``BytesHeaderParser``), so the Sent-folder sync can decide from a
``BODY.PEEK[HEADER.FIELDS (…)]`` fetch whether a message belongs to a lead before it downloads
the body. Nothing here raises on malformed input: a header that cannot be read counts as absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime

# What the Sent-folder sync asks the server for before deciding to fetch a body.
FIELDS = ("MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "FROM", "TO", "CC", "SUBJECT", "DATE")

_MESSAGE_ID = re.compile(r"<[^<>\s]{1,996}>")
# "Re:", "RE[2]:", "AW:", "SV:"… as mail programs in the team's languages write them.
_REPLY_PREFIX = re.compile(r"^\s*(re|aw|antw|sv|vs|ref|rif|r|rv|rép|rep|wg|fwd?|tr)\s*(\[\d+\])?\s*:\s*",
                           re.IGNORECASE)
_SPACES = re.compile(r"\s+")


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
        return _REPLY_PREFIX.match(self.subject) is not None


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
            or _REPLY_PREFIX.match(subject or "") is not None)


def read(raw: bytes) -> MailHeaders:
    """The conversation headers of ``raw`` (a whole message or only its header block)."""
    message = BytesHeaderParser(policy=compat32).parsebytes(head_of(raw))
    from_pairs = _addresses(message, "from")
    name, address = from_pairs[0] if from_pairs else (None, None)
    return MailHeaders(
        message_id=next(iter(message_ids(_value(message, "message-id"))), None),
        in_reply_to=message_ids(_value(message, "in-reply-to"))[:1],
        references=message_ids(_value(message, "references")),
        from_name=name or None, from_addr=address,
        to=tuple(a for _, a in _addresses(message, "to") if a),
        cc=tuple(a for _, a in _addresses(message, "cc") if a),
        subject=_text(_value(message, "subject")),
        date=_date(_value(message, "date")))


def message_ids(value: str | None) -> tuple[str, ...]:
    """The ``<…>`` ids in a Message-ID, In-Reply-To or References value, in order, once each."""
    return tuple(dict.fromkeys(_MESSAGE_ID.findall(value or "")))


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


def _value(message: Message, name: str) -> str | None:
    value = message.get(name)
    if value is None:
        return None
    # compat32 hands out a Header object for undecodable bytes; str() gives its text.
    return str(value)


def _text(value: str | None) -> str:
    if not value:
        return ""
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # a broken encoded word: keep it as written
        text = value
    return _SPACES.sub(" ", text).strip()


def _addresses(message: Message, name: str) -> list[tuple[str, str]]:
    values = message.get_all(name) or []
    try:
        pairs = getaddresses([str(v) for v in values])
    except Exception:  # the stdlib address parser has raised on hostile input before
        return []
    return [(_text(display), address.strip().lower()) for display, address in pairs
            if "@" in address]


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except Exception:  # malformed dates raise TypeError, ValueError or IndexError
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
