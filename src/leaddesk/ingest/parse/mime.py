"""From raw bytes to a :class:`Mail`: decoded headers, the text and HTML bodies, and what was wrong.

Parsing uses the ``compat32`` policy: ``policy.default`` builds a header object for every header and
is several times slower (see the parse figures in the package docstring), while the parser needs only a
handful of headers and two body parts. Headers are decoded by :mod:`.headers`, bodies by
:mod:`.charsets`; nothing here raises on malformed input, damage is reported in ``problems``.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import Message
from itertools import pairwise

from leaddesk.ingest.parse import charsets, slim
from leaddesk.ingest.parse.headers import raw_text
from leaddesk.ingest.parse.text import control_share, storable, unstorable_in

# What a MIME defect means for the person reading the lead, by defect class name.
_DEFECTS = {
    "NoBoundaryInMultipartDefect": "multipart message without a boundary; the body was read as plain text",
    "StartBoundaryNotFoundDefect": "multipart boundary never appears in the body",
    "CloseBoundaryNotFoundDefect": "multipart body ends without its closing boundary (truncated?)",
    "MissingHeaderBodySeparatorDefect": "no blank line after the headers",
    "InvalidBase64PaddingDefect": "damaged base64 body",
    "InvalidBase64CharactersDefect": "damaged base64 body",
    "InvalidBase64LengthDefect": "damaged base64 body",
    "FirstHeaderLineIsContinuationDefect": "malformed headers",
    "MisplacedEnvelopeHeaderDefect": "malformed headers",
    # Follows from a missing boundary, which is reported already.
    "MultipartInvariantViolationDefect": "",
}
# Headers every real message has some of; without any, what parsed as headers was body text
# ("Name: Jane" looks like a header line).
_MAIL_HEADERS = frozenset({
    "from", "to", "cc", "date", "subject", "message-id", "received", "return-path", "mime-version",
    "content-type", "content-transfer-encoding", "reply-to", "sender", "delivered-to", "x-mailer",
    "dkim-signature", "authentication-results", "in-reply-to", "references", "user-agent",
})


@dataclass(frozen=True)
class Mail:
    """The parts of a message the parser reads."""

    headers: Mapping[str, tuple[str, ...]]  # lower-case name -> raw values (unfolded, 8-bit decoded)
    text: str | None  # the first text/plain body, decoded
    html: str | None  # the first text/html body, decoded
    content_type: str
    part_types: tuple[str, ...]
    problems: tuple[str, ...] = field(default=())

    def header(self, name: str) -> str | None:
        values = self.headers.get(name)
        return values[0] if values else None


def _charset(part: Message) -> str | None:
    try:
        charset = part.get_param("charset")
    except Exception:  # an undecodable RFC 2231 parameter
        return None
    if isinstance(charset, tuple):
        charset = charset[2]
    return charset if isinstance(charset, str) else None


def _body(part: Message, problems: list[str]) -> str | None:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        problems.append("a body part could not be decoded")
        return None
    if not isinstance(data, bytes):
        return None
    text, note = charsets.decode(data, _charset(part))
    if note:
        problems.append(note)
    if control_share(text.replace("\r", "")) > 0.05:
        problems.append("the body looks like binary data, not text")
    return storable(text)


def _is_attachment(part: Message) -> bool:
    disposition = str(part.get("content-disposition", "")).strip().lower()
    return disposition.startswith("attachment")


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _headerless(raw: bytes) -> Mail:
    """The whole of ``raw`` as a text body: it has no mail headers."""
    problems = ["no mail headers found"]
    body, note = charsets.decode(raw, None)
    if note:
        problems.append(note)
    if control_share(body.replace("\r", "")) > 0.05:
        problems.append("the body looks like binary data, not text")
    return Mail({}, storable(body), None, "text/plain", ("text/plain",), tuple(problems))


def _unparsed(raw: bytes, error: Exception) -> Mail:
    """What can be read of a message the feed parser gave up on (a MIME structure nested thousands
    deep exhausts its recursion): the top headers, when they are plain, and the undivided body."""
    reason = ("the MIME structure is too deeply nested to read" if isinstance(error, RecursionError)
              else f"not readable as e-mail ({type(error).__name__})")
    split = _split_head(raw)
    if split is None:
        return Mail({}, None, None, "text/plain", (), (reason,))
    _, headers, body_at = split
    decoded = {key: tuple(raw_text(value) for value in values) for key, values in headers.items()}
    text, note = charsets.decode(raw[body_at:], None)
    problems = (reason, note or "", "the body was kept undivided")
    return Mail(decoded, storable(text), None, "text/plain", (), tuple(p for p in problems if p))


_HEAD_END = re.compile(rb"\r?\n\r?\n")
# A header: its name, and its value with any continuation lines (newline, then a blank) after it.
_HEADER = r"([\x21-\x39\x3b-\x7e]+):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)"
_HEADERS = re.compile(_HEADER)
# A head made of nothing but such headers; anything else (a continuation first, a line without a
# colon, spaced names) is left to the feed parser, which reports it.
_ALL_HEADERS = re.compile(rf"(?:{_HEADER}(?:\n|\Z))*")
_PARAM = re.compile(r';\s*([\w.-]+)\s*=\s*(?:"([^"\\]*)"|([^\s;"]+))')
# A Content-Type the shortcut can read exactly as the feed parser does; anything else is left to it.
_SIMPLE_TYPE = re.compile(
    r'^\s*[\w.+-]+/[\w.+-]+\s*(;\s*[\w.-]+\s*=\s*("[^"\\]*"|[^\s;"]+)\s*)*;?\s*$', re.ASCII)


def _find(raw: bytes, separator: bytes) -> int:
    at = raw.find(separator)
    return len(raw) if at < 0 else at


def _split_head(raw: bytes) -> tuple[str, dict[str, tuple[str, ...]], int] | None:
    """(the head as text, its headers, where the body starts) when ``raw`` opens with plain headers
    and a blank line, else None."""
    end = _HEAD_END.search(raw, max(0, min(_find(raw, b"\r\n\r\n"), _find(raw, b"\n\n")) - 2))
    if end is None:
        return None
    head = raw[:end.start()].decode("ascii", "surrogateescape").replace("\r\n", "\n")
    if "\r" in head:
        return None  # a lone CR ends a header line for the feed parser: leave such mail to it
    if _ALL_HEADERS.fullmatch(head) is None:
        return None
    # Tuples at once, as Mail holds them: a name given twice (Received) is the exception.
    headers: dict[str, tuple[str, ...]] = {}
    for name, value in _HEADERS.findall(head):
        # Unfolded as the feed parser unfolds: the line break goes, the blank that follows it stays.
        if "\n" in value:
            value = value.replace("\n", "")
        key = name.lower()
        headers[key] = (*headers[key], value) if key in headers else (value,)
    return head, headers, end.end()


def _simple_type(headers: dict[str, tuple[str, ...]]) -> tuple[str, dict[str, str], str] | None:
    """(content type, its parameters, transfer encoding) when the feed parser would read them the
    same way, else None."""
    ctype_header = raw_text(headers.get("content-type", ("text/plain",))[0])
    ctype = ctype_header.partition(";")[0].strip().lower() or "text/plain"
    # Compared as the feed parser compares it: lower-cased, not stripped.
    encoding = headers.get("content-transfer-encoding", ("",))[0].lower()
    if ("*" in ctype_header or not (ctype_header.isascii() and encoding.isascii())
            or ("content-type" in headers and not _SIMPLE_TYPE.match(ctype_header))
            or encoding not in ("", "7bit", "8bit", "binary", "quoted-printable", "base64")
            or "attachment" in headers.get("content-disposition", ("",))[0].lower()):
        return None
    pairs = [(m.group(1).lower(), m.group(2) if m.group(2) is not None else m.group(3))
             for m in _PARAM.finditer(ctype_header)]
    params = dict(pairs)
    if len(params) != len(pairs):
        return None  # a parameter given twice: which one counts is the feed parser's to say
    return ctype, params, encoding


def _text_body(data: bytes, encoding: str, charset: str | None, problems: list[str]) -> str | None:
    """A text body decoded as the feed parser and :func:`_body` decode it; None for damaged base64."""
    if encoding == "quoted-printable":
        data = quopri.decodestring(data)
    elif encoding == "base64":
        # What the feed parser decodes without a defect; damaged base64 is left to it, so that the
        # problem it reports stays the same.
        joined = b"".join(data.splitlines())
        if len(joined) % 4:
            return None
        try:
            data = base64.b64decode(joined, validate=True)
        except binascii.Error:
            return None
    text, note = charsets.decode(data, charset)
    if note:
        problems.append(note)
    # A body without a control character (but CR) or surrogate, the usual one, has no share of
    # controls and is storable with its newlines made LF: one look at it instead of two.
    newlines = text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    if not unstorable_in(newlines):
        return newlines
    if control_share(text.replace("\r", "")) > 0.05:
        problems.append("the body looks like binary data, not text")
    return storable(text)


def _fast(raw: bytes) -> Mail | None:
    """A single-part text message, or a multipart/alternative of text parts, with plain headers,
    read without the feed parser; None for anything else (nested or damaged multiparts, damaged
    base64, RFC 2231 parameters, odd headers), which :func:`read` handles.

    Nearly every notification is one of these: this path gives the same :class:`Mail` as the feed
    parser at a fraction of its cost.
    """
    split = _split_head(raw)
    if split is None:
        return None
    head, headers, body_at = split
    if not _MAIL_HEADERS.intersection(headers):
        return None
    simple = _simple_type(headers)
    if simple is None:
        return None
    ctype, params, encoding = simple
    problems: list[str] = []
    text: str | None = None
    html: str | None = None
    if ctype == "multipart/alternative":
        parts = _alternatives(raw[body_at:], params.get("boundary"), encoding, problems)
        if parts is None:
            return None
        part_types, text, html = parts
    elif ctype in ("text/plain", "text/html"):
        body = _text_body(raw[body_at:], encoding, params.get("charset"), problems)
        if body is None:
            return None
        part_types = (ctype,)
        text, html = (body, None) if ctype == "text/plain" else (None, body)
    else:
        return None
    # An ASCII head has nothing for raw_text to decode (its values hold no line breaks any more).
    decoded = (headers if head.isascii()
               else {key: tuple(raw_text(v) for v in values) for key, values in headers.items()})
    return Mail(headers=decoded, text=text, html=html, content_type=ctype, part_types=part_types,
                problems=tuple(dict.fromkeys(problems)))  # each said once, as read() says them


def _alternatives(body: bytes, boundary: str | None, encoding: str, problems: list[str]
                  ) -> tuple[tuple[str, ...], str | None, str | None] | None:
    """(part types, first text/plain body, first text/html body) of a multipart/alternative body
    whose parts are all plain text parts and which ends with its closing boundary; else None.

    The parts are cut where the feed parser cuts them: at lines that are the boundary (blanks may
    follow it), the line break before a boundary belonging to the boundary.
    """
    # The feed parser strips trailing blanks and <> from a boundary; a lone CR is a line break to it.
    if (not boundary or boundary != boundary.strip() or boundary.startswith("<")
            or encoding not in ("", "7bit", "8bit") or b"\r" in body.replace(b"\r\n", b"")):
        return None
    text = body.decode("ascii", "surrogateescape")
    delimiters = list(re.finditer(
        rf"^--{re.escape(boundary)}(--)?[ \t]*(?:\r?\n|\Z)", text, re.MULTILINE))
    closing = next((index for index, found in enumerate(delimiters) if found.group(1)), None)
    if closing is None or closing == 0:
        return None  # no closing boundary (a defect the feed parser reports), or no part at all
    types = ["multipart/alternative"]
    plain: str | None = None
    html: str | None = None
    for opening, following in pairwise(delimiters[:closing + 1]):
        part = text[opening.end():following.start()].encode("ascii", "surrogateescape")
        split = _split_head(part)
        if split is None or "content-type" not in split[1] or "content-disposition" in split[1]:
            return None  # an empty part, a part without headers or an attachment: the feed parser's
        _, headers, body_at = split
        simple = _simple_type(headers)
        if simple is None or simple[0] not in ("text/plain", "text/html"):
            return None
        ctype, params, part_encoding = simple
        data = part[body_at:]
        data = data[:-2] if data.endswith(b"\r\n") else data[:-1] if data.endswith(b"\n") else data
        types.append(ctype)
        if (ctype == "text/plain" and plain is None) or (ctype == "text/html" and html is None):
            decoded = _text_body(data, part_encoding, params.get("charset"), problems)
            if decoded is None:
                return None
            if ctype == "text/plain":
                plain = decoded
            else:
                html = decoded
    return tuple(types), plain, html


_DELIMITER = re.compile(rb"^--([\x21-\x7e]{1,70})[ \t]*\r?\n(?:[\x21-\x39\x3b-\x7e]+:[^\n]*\n)*?"
                        rb"content-type:", re.IGNORECASE | re.MULTILINE)
_BOUNDARY_PARAM = re.compile(rb'(boundary\s*=\s*)("[^"\r\n]*"|[^\s;]+)', re.IGNORECASE)
WRONG_BOUNDARY = ("the multipart boundary named in the headers is not the one the body uses; "
                  "read with the one used")


def _rebound(raw: bytes) -> bytes | None:
    """``raw`` with the boundary its body really uses put in place of the one its headers name (a
    hand-made mailer that wrote one and used another), or None when the body shows no such
    delimiter: a line "--something" followed by part headers with a Content-Type."""
    at = _HEAD_END.search(raw)
    if at is None:
        return None
    head, body = raw[:at.start()], raw[at.end():]
    used = _DELIMITER.search(body)
    if used is None or _BOUNDARY_PARAM.search(head) is None:
        return None
    boundary = used.group(1).rstrip(b"-") if used.group(1).endswith(b"--") else used.group(1)
    return _BOUNDARY_PARAM.sub(lambda m: m.group(1) + b'"' + boundary + b'"', head, count=1) + raw[
        at.start():at.end()] + body


def read(raw: bytes) -> Mail:
    """Parse ``raw`` (one message, as received); never raises. A giant message is read cut down
    (:mod:`.slim`): its structure and the start of its text, never its attachments."""
    raw, cut = slim.slim(raw)
    mail = _reread(raw)
    return replace(mail, problems=tuple(dict.fromkeys((*mail.problems, *cut)))) if cut else mail


def _reread(raw: bytes) -> Mail:
    mail = _read(raw)
    if "multipart boundary never appears in the body" in mail.problems:
        # The headers name one boundary and the body uses another: read it with the one used.
        fixed = _rebound(raw)
        if fixed is not None:
            again = _read(fixed)
            if "multipart boundary never appears in the body" not in again.problems:
                return replace(again, problems=tuple(dict.fromkeys((WRONG_BOUNDARY, *again.problems))))
    return mail


def _read(raw: bytes) -> Mail:
    if not raw.strip():
        return Mail({}, "", None, "text/plain", (), ("the message is empty",))
    try:
        fast = _fast(raw)
    except Exception:  # whatever the shortcut trips on, the feed parser reads it
        fast = None
    if fast is not None:
        return fast
    problems: list[str] = []
    try:
        message = message_from_bytes(raw)
    except Exception as error:  # the feed parser is lenient, but keep the promise
        return _unparsed(raw, error)

    headers: dict[str, list[str]] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.strip().lower(), []).append(raw_text(str(value)))
    if not _MAIL_HEADERS.intersection(headers):
        return _headerless(raw)

    text: str | None = None
    html: str | None = None
    part_types: list[str] = []
    defects: list[str] = []
    try:
        parts = list(message.walk())
    except Exception:  # a pathological nesting depth
        parts = [message]
        problems.append("the MIME structure is too deeply nested")
    for part in parts:
        ctype = _content_type(part)
        part_types.append(ctype)
        if part.is_multipart() or _is_attachment(part):
            continue
        if ctype == "text/html":
            if html is None:
                html = _body(part, problems)
        # A multipart without a boundary is one undivided body, and a single-part message of any type
        # is all there is: both are read as the text they most likely are.
        elif (ctype == "text/plain" or ctype.startswith("multipart/") or part is message) and text is None:
            text = _body(part, problems)
    for part in parts:
        # Read after decoding: base64 damage is only noticed, and recorded on the part, then.
        defects.extend(type(defect).__name__ for defect in part.defects)

    for name in dict.fromkeys(defects):
        description = _DEFECTS.get(name)
        if description is None:
            description = f"malformed MIME structure ({name[:-6]})"
        if description and description not in problems:
            problems.append(description)
    if text is None and html is None:
        problems.append("no readable text in the message")

    return Mail(
        headers={name: tuple(values) for name, values in headers.items()},
        text=text,
        html=html,
        content_type=_content_type(message),
        part_types=tuple(part_types),
        problems=tuple(dict.fromkeys(problems)),
    )
