"""Reading header values: RFC 2047 encoded words, raw 8-bit bytes, addresses, dates, Message-IDs.

The parser runs with the fast ``compat32`` policy, which hands out header values undecoded; this module
does the decoding that ``policy.default`` would do, but only for the few headers the parser reads and
without ever raising on a malformed encoded word.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

from leaddesk.ingest.parse import charsets
from leaddesk.ingest.parse.repeated import per_value
from leaddesk.ingest.parse.text import one_line

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"(\?=)[ \t\r\n]+(?==\?)")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")


def raw_text(value: str) -> str:
    """A raw header value as text: unfolded, with raw 8-bit bytes decoded (UTF-8, else cp1252)."""
    if value.isascii() and "\n" not in value:
        return value  # the usual case, and this runs for every header of every message
    value = _FOLD.sub("", value)
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    if data.isascii():
        return value
    return charsets.decode(data, "utf-8")[0]


def _decode_word(charset: str, encoding: str, payload: str) -> str | None:
    try:
        if encoding in "bB":
            data = base64.b64decode(payload + "=" * (-len(payload) % 4))
        else:
            data = quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)
    except (binascii.Error, ValueError):
        return None
    # RFC 2231 allows a language after the charset: "utf-8*de".
    return charsets.decode(data, charset.split("*", 1)[0])[0]


def decode_words(value: str) -> str:
    """Decode the RFC 2047 encoded words in ``value``; a broken word is left as it was written."""
    if "=?" not in value:
        return value
    # Whitespace between two adjacent encoded words is not part of the text (RFC 2047, section 6.2).
    value = _BETWEEN_WORDS.sub(r"\1", value)

    def replace(match: re.Match[str]) -> str:
        decoded = _decode_word(match.group(1), match.group(2), match.group(3))
        return match.group(0) if decoded is None else decoded

    return _ENCODED_WORD.sub(replace, value)


def text_value(value: str) -> str:
    """A header such as Subject as one line of readable text."""
    return one_line(decode_words(raw_text(value)))


# One mailbox in its everyday forms: "Name <a@b>", "\"Name\" <a@b>", "a@b". The stdlib address parser
# costs about a tenth of a parse; it still reads everything else (groups, comments, lists, escapes).
_ONE_MAILBOX = re.compile(
    r'^[ \t]*(?:"(?P<quoted>[^"\\]*)"|(?P<plain>[^"<>,;:@()\\]*?))[ \t]*'
    r'<(?P<address>[^<>\s,;:"()\\@]+@[^<>\s,;:"()\\@]+)>[ \t]*$'
    r'|^[ \t]*(?P<bare>[^<>\s,;:"()\\@]+@[^<>\s,;:"()\\@]+)[ \t]*$')


def _pairs(value: str) -> list[tuple[str, str]]:
    simple = _ONE_MAILBOX.match(value)
    if simple is not None:
        if simple.group("bare") is not None:
            return [("", simple.group("bare"))]
        return [((simple.group("quoted") or simple.group("plain") or "").strip(), simple.group("address"))]
    return getaddresses([value])


def addresses(value: str) -> list[tuple[str, str]]:
    """The (display name, address) pairs of an address header, names decoded, addresses as written.

    Addresses are split before the names are decoded: a decoded name may hold commas or quotes.
    """
    return list(_addresses(value))


# A site's notifications come From the same sender To the same mailbox: each header value is read
# once (a long list of recipients is read each time, not kept).
@per_value(longest=1000, maxsize=1024)
def _addresses(value: str) -> tuple[tuple[str, str], ...]:
    result: list[tuple[str, str]] = []
    try:
        pairs = _pairs(raw_text(value))
    except Exception:  # the stdlib address parser has raised on hostile input before
        return ()
    for name, address in pairs:
        name = one_line(decode_words(name)).strip("'\" ")
        address = one_line(address)
        if name or address:
            result.append((name, address))
    return tuple(result)


# The Date header as nearly every mailer writes it (RFC 5322 section 3.3, without comments or obsolete
# forms): "Mon, 30 Nov 2026 10:00:00 +0000". Read without the stdlib's general date parser, which
# costs several times as much; anything else (two-digit years, zone names, odd spacing) goes to it.
_RFC5322_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", re.ASCII)
_MONTH_NUMBER = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


def _usual_date(text: str) -> datetime | None:
    """``text`` in the usual shape as an aware UTC datetime, exactly as ``parsedate_to_datetime``
    reads it; None for any other shape or a value it would refuse (left to it, so it says so)."""
    found = _RFC5322_DATE.fullmatch(text)
    if found is None:
        return None
    day, month, year, hour, minute, second, sign, zone_hours, zone_minutes = found.groups()
    if int(year) < 100:
        return None  # "0099": parsedate_tz reads a year below 100 as two-digit (1999)
    try:
        # parsedate_tz reads "-0000" as "no zone", which date_value takes as UTC: the same instant.
        moment = datetime(int(year), _MONTH_NUMBER[month], int(day), int(hour), int(minute),
                          int(second), tzinfo=_zone(sign, zone_hours, zone_minutes))
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


@lru_cache(maxsize=256)
def _zone(sign: str, hours: str, minutes: str) -> timezone:
    """The zone of "+0100" as parsedate_tz reads it (minutes past 59 included); a mailer writes the
    same few zones again and again."""
    offset = int(hours) * 3600 + int(minutes) * 60
    return timezone(timedelta(seconds=-offset if sign == "-" else offset))


def date_value(value: str) -> datetime | None:
    """The Date header as an aware UTC datetime; a date without a zone is taken as UTC."""
    try:
        text = raw_text(value).strip()
        usual = _usual_date(text)
        if usual is not None:
            return usual
        parsed = parsedate_to_datetime(text)
    except Exception:  # malformed dates raise TypeError, ValueError or IndexError depending on the form
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def message_id(value: str) -> str | None:
    """The Message-ID with its angle brackets, without surrounding whitespace."""
    text = raw_text(value).strip()
    match = _MESSAGE_ID.search(text)
    if match:
        return match.group(0)
    token = text.split()[0] if text.split() else ""
    token = token.strip("<>")
    return f"<{token}>" if token else None
