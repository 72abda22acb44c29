"""A form notification that a person forwarded: the site's form mails the owner's own address, and the
owner forwards the notification to the team's mailbox. The lead is the forwarded notification; the
forwarder is a colleague, never the visitor, and the note written above it is not the visitor's.

The forwarded message is found as mail programs write it:

* Gmail: "---------- Forwarded message ---------", then From/Date/Subject/To lines (in HTML inside
  ``<div class="gmail_quote">``);
* Outlook desktop and web: a rule ("________________________________") or nothing, then
  From/Sent/To/Subject lines (in HTML a ``<div id="divRplyFwdMsg">`` or a ``border-top`` block),
  translated as Outlook translates them ("Von:/Gesendet:/An:/Betreff:", "De :/Envoyé :/À :/Objet :");
* Apple Mail: "Begin forwarded message:", then From/Subject/Date/To lines;
* Thunderbird: "-------- Forwarded Message --------", then a table of Subject/Date/From/To;
* forwarded as an attachment: a ``message/rfc822`` part, read as the mail it is;
* any of these with the forwarded text quoted by ">".

The forwarded part is rebuilt as a mail of its own (its From, To, Subject and Date from the header
lines, its text and HTML after them) and read like any other mail by the parser.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from email import message_from_bytes
from email.message import Message
from email.utils import parsedate_to_datetime
from html import unescape

from leaddesk.ingest.parse import headers, mime
from leaddesk.ingest.parse.dates import parse_form_datetime
from leaddesk.ingest.parse.readable import Readable

# The lines that open a forwarded message, in the languages of the mail programs' interfaces.
_NAMES = (r"forwarded message|original message|weitergeleitete nachricht|urspr[üu]ngliche nachricht|"
          r"message transf[ée]r[ée]|message d'origine|mensaje reenviado|mensaje original|"
          r"messaggio inoltrato|messaggio originale|doorgestuurd bericht|oorspronkelijk bericht|"
          r"mensagem encaminhada|mensagem original")
_MARKER = re.compile(
    rf"^(-{{2,}}\s*({_NAMES})\s*-{{2,}}|(begin forwarded message|anfang der weitergeleiteten nachricht|"
    r"d[ée]but du message r[ée]exp[ée]di[ée]|inicio del mensaje reenviado|inizio messaggio inoltrato|"
    r"begin doorgestuurd bericht)\s*:|_{10,})$", re.IGNORECASE)
# A header line's label, as the forward writes it in each language, to the header it stands for.
_LABELS = {
    "from": "from", "von": "from", "de": "from", "da": "from", "van": "from", "från": "from",
    "sent": "date", "date": "date", "gesendet": "date", "datum": "date", "envoyé": "date",
    "envoye": "date", "enviado": "date", "fecha": "date", "inviato": "date", "data": "date",
    "verzonden": "date",
    "to": "to", "an": "to", "à": "to", "a": "to", "para": "to", "aan": "to", "till": "to",
    "cc": "cc", "kopie": "cc",
    "subject": "subject", "betreff": "subject", "objet": "subject", "asunto": "subject",
    "oggetto": "subject", "onderwerp": "subject", "assunto": "subject", "ämne": "subject",
    "reply-to": "reply-to", "antwort an": "reply-to", "répondre à": "reply-to",
}
# Gmail's text part writes a bold label of an HTML forward as "*From:*".
_HEADER_LINE = re.compile(r"^\*?(?P<label>[^\W\d_][\w -]{0,12}?)\s*:\*?(?:\s+(?P<value>.*?))?\s*$")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+ ?")
_MAILTO = re.compile(r"\s*\[mailto:([^\]\s]+)\]")  # older Outlook: "Jane Roe [mailto:jane@...]"
MAX_HEADER_LINES = 12


@dataclass(frozen=True)
class Forward:
    """A forwarded message: the mail it was, who forwarded it, and its Date as the forward wrote it."""

    mail: mime.Mail
    forwarder: tuple[str, str]  # (display name, address) of the forwarding mail's From
    date: str | None
    zone: tzinfo | None  # the forwarding mail's: a Date line written without a zone is in it
    recipients: tuple[str, ...]  # the forwarding mail's To addresses: the team's mailbox
    raw: bytes | None = None  # the attached message's own bytes, for one forwarded as an attachment

    def submitted_at(self) -> datetime | None:
        """When the forwarded notification was sent, as its Date line says, in UTC."""
        moment = parse_form_datetime(self.date, self.zone or UTC) if self.date else None
        return moment.astimezone(UTC) if moment is not None else None


@dataclass(frozen=True)
class _Block:
    """The forward's header lines found in a text: the values, where they start and where the
    forwarded text begins, and how many ">" quote it."""

    values: dict[str, str]
    start: int  # the line of the marker, or of the first header line
    body: int  # the first line after the header block
    depth: int


def _depth(line: str) -> tuple[int, str]:
    prefix = _QUOTE_PREFIX.match(line)
    if prefix is None:
        return 0, line.strip()
    return prefix.group(0).count(">"), line[prefix.end():].strip()


def _header(line: str) -> tuple[str, str] | None:
    match = _HEADER_LINE.match(line)
    if match is None:
        return None
    key = _LABELS.get(match.group("label").strip().casefold())
    return None if key is None else (key, (match.group("value") or "").strip())


def _headers_at(lines: list[str], at: int) -> tuple[dict[str, str], int, int] | None:
    """The header lines from ``at`` on, after blank lines (a label repeated, a line that is none, or
    a blank line ends them): (values, the line after them, quote depth)."""
    while at < len(lines) and not _depth(lines[at])[1]:
        at += 1
    if at >= len(lines):
        return None
    depth = _depth(lines[at])[0]
    values: dict[str, str] = {}
    end = at
    while end < len(lines) and end - at < MAX_HEADER_LINES:
        pair = _header(_depth(lines[end])[1])
        if pair is None or pair[0] in values:
            break
        values[pair[0]] = pair[1]
        end += 1
    if "from" not in values or len(values) < 2:
        return None
    return values, end, depth


def _block(lines: list[str]) -> _Block | None:
    """The first forward header block of ``lines``: after a marker line, or, without one, From
    followed at once by Sent or Date (Outlook's block; a notification's own "From:"/"Subject:"
    lines are never followed by a date)."""
    for index, line in enumerate(lines):
        depth, text = _depth(line)
        if not text:
            continue
        if _MARKER.match(text):
            found = _headers_at(lines, index + 1)
            if found is not None:
                return _Block(found[0], index, found[1], found[2])
            continue
        pair = _header(text)
        if pair is not None and pair[0] == "from" and index + 1 < len(lines):
            following = _header(_depth(lines[index + 1])[1])
            if following is not None and following[0] == "date":
                found = _headers_at(lines, index)
                if found is not None:
                    return _Block(found[0], index, found[1], depth)
    return None


def _unquoted(lines: list[str], depth: int) -> str:
    """The forwarded text without the ``depth`` levels of ">" that quote all of it (deeper quoting
    inside it stays)."""
    if depth:
        level = re.compile(rf"^(?:[ \t]*>){{1,{depth}}} ?")
        lines = [level.sub("", line, count=1) for line in lines]
    return "\n".join(lines).strip("\n")


def unwrap(raw: bytes | None, mail: Readable) -> Forward | None:
    """The forwarded message of ``mail`` (a mail whose subject says it forwards one), or None when
    none is found in it."""
    zone = _zone_of(mail.mail.header("date"))
    to_header = mail.mail.header("to")
    recipients = tuple(address for _, address in headers.addresses(to_header)) if to_header else ()
    if raw is not None and "message/rfc822" in mail.mail.part_types:
        attached = _attached(raw)
        if attached is not None:
            inner = mime.read(attached)
            return Forward(inner, mail.sender, inner.header("date"), zone, recipients, attached)
    text = mail.mail.text
    html = mail.mail.html
    block = _block(text.split("\n")) if text else None
    inner_text = inner_html = None
    if block is not None and text is not None:
        inner_text = _unquoted(text.split("\n")[block.body:], block.depth)
    if html:
        cut = _html_cut(html)
        if cut is not None:
            inner_html, html_block = cut
            block = block or html_block
    if block is None or (inner_text is None and inner_html is None):
        return None
    values = {key: _MAILTO.sub(r" <\1>", value) for key, value in block.values.items()}
    headers_of: dict[str, tuple[str, ...]] = {key: (value,) for key, value in values.items()}
    types = tuple(kind for kind, body in (("text/plain", inner_text), ("text/html", inner_html))
                  if body is not None)
    inner = mime.Mail(headers=headers_of, text=inner_text, html=inner_html,
                      content_type="multipart/alternative" if len(types) > 1 else types[0],
                      part_types=(("multipart/alternative", *types) if len(types) > 1 else types))
    return Forward(inner, mail.sender, values.get("date"), zone, recipients)


def _attached(raw: bytes) -> bytes | None:
    """The bytes of the first message attached (``message/rfc822``) to ``raw``."""
    try:
        for part in message_from_bytes(raw).walk():
            if part.get_content_type() != "message/rfc822":
                continue
            payload = part.get_payload()
            inner = payload[0] if isinstance(payload, list) and payload else None
            if isinstance(inner, Message):
                return inner.as_bytes()
    except Exception:  # a damaged attachment: the forward is then read from its text, if it has one
        return None
    return None


_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][\w:-]*)[^>]*>|<[^>]*>|[^<]+", re.DOTALL)
_BREAKS = frozenset({"p", "div", "tr", "li", "table", "blockquote", "hr", "h1", "h2", "h3", "h4",
                     "h5", "h6", "ul", "ol", "dl", "dt", "dd", "center"})
_SKIP = frozenset({"style", "script", "head", "title"})
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def _html_cut(html: str) -> tuple[str, _Block] | None:
    """The HTML after the forward's header block (with the head's style sheet, which may hide a
    preheader), and the block, found in a rough rendering of the HTML that remembers where each
    piece of text came from."""
    text: list[str] = []
    starts: list[int] = []  # the text offset of each piece
    ends: list[int] = []  # the HTML offset after the token that gave it
    length = 0
    skipping: str | None = None
    for token in _TOKEN.finditer(html):
        closing, tag = token.group(1), (token.group(2) or "").lower()
        if skipping is not None:
            if closing and tag == skipping:
                skipping = None
            continue
        if tag:
            if tag in _SKIP and not closing:
                skipping = tag
                continue
            # A block's edges make one line break, as a browser shows them; only "<br>" adds a
            # blank line (the one that ends a forward's header lines).
            if tag == "br" or (tag in _BREAKS and text and not text[-1].endswith("\n")):
                piece = "\n"
            else:
                piece = " " if tag in ("td", "th") and closing else ""
        elif token.group(0).startswith("<"):
            continue
        else:
            piece = re.sub(r"\s+", " ", unescape(token.group(0)))
        if piece:
            text.append(piece)
            starts.append(length)
            ends.append(token.end())
            length += len(piece)
    lines = "".join(text).split("\n")
    block = _block(lines)
    if block is None:
        return None
    # The text offset of the last character of the block's last line, and the token it came from.
    last = sum(len(line) + 1 for line in lines[:block.body]) - 2
    if last < 0:
        return None
    cut = ends[bisect_right(starts, last) - 1]
    head = _HEAD_END.search(html, 0, cut)
    return (html[:head.end()] if head else "") + html[cut:], block


def _zone_of(date_header: str | None) -> tzinfo | None:
    """The zone of a Date header: the forwarder's, in which a forward writes a date without one."""
    if not date_header:
        return None
    try:
        return parsedate_to_datetime(headers.raw_text(date_header)).tzinfo
    except Exception:  # malformed dates raise TypeError, ValueError or IndexError
        return None


def note(forwarder: tuple[str, str]) -> str:
    """The problem note of a lead read from a forwarded notification."""
    name, address = forwarder
    who = f"{name} <{address}>" if name and address else name or address or "someone"
    return (f"read from a form notification forwarded by {who}: the visitor is the notification's, "
            "the forwarder's own note is not part of the message")


def not_notification(forward: Forward, reason: str | None) -> str:
    """Why a forwarded mail whose forwarded message is no form notification is not a submission."""
    from_header = forward.mail.header("from")
    sender = headers.addresses(from_header) if from_header else []
    whose = f" from {sender[0][1] or sender[0][0]}" if sender else ""
    return f"forwarded e-mail: the forwarded message{whose} is not a form notification ({reason})"


NO_FORWARD_FOUND = ("the subject says forwarded, but no forwarded message was found in the mail; "
                    "it was read as it is")
