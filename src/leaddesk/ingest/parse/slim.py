"""What of a giant message the parser reads: its MIME structure and the start of its text.

The stdlib feed parser holds a message several times over (the raw bytes as text, a list of its
lines, each part's payload joined again): a 50 MB message took the import to ~1 GB. A message larger
than ``READ_LIMIT`` is first cut down here, on the bytes and without decoding anything: every part's
headers and the delimiters stay, an attachment's (or any part the parser never reads: images, PDFs)
body goes, and a text body is cut after ``READ_LIMIT`` bytes, at a line end. The parser reads the
cut copy; the raw message is stored whole. Smaller mail is not touched, so its reading never changes.
"""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message

READ_LIMIT = 2 * 1024 * 1024  # bytes of a message, and of any one text body, the parser reads
MAX_PARTS = 1000  # parts of a giant message looked at; the rest are left unread
MAX_DEPTH = 50  # nesting of multiparts followed
TEXT_CUT = f"the message text is very long; only the first {READ_LIMIT // (1024 * 1024)} MB of it was read"
PARTS_CUT = f"the message has more than {MAX_PARTS} parts; only the first {MAX_PARTS} were read"
# The body types the parser reads (see mime._read); any other part's body is never decoded.
_READ_TYPES = ("text/plain", "text/html")


def slim(raw: bytes) -> tuple[bytes, tuple[str, ...]]:
    """``raw`` itself when it is at most ``READ_LIMIT`` bytes; else a copy without attachment
    bodies and with text bodies cut to ``READ_LIMIT`` bytes, and what was cut (problems)."""
    if len(raw) <= READ_LIMIT:
        return raw, ()
    cutter = _Cutter(raw)
    cutter.part(0, len(raw), top=True, depth=0)
    kept: list[bytes] = []
    at = 0
    for start, end in cutter.cuts:
        kept.append(raw[at:start])
        at = end
    kept.append(raw[at:])
    return b"".join(kept), tuple(dict.fromkeys(cutter.problems))


def _head_end(raw: bytes, start: int, end: int) -> tuple[int, int] | None:
    """(end of the head, start of the body) of the part ``raw[start:end]``, None without a blank
    line in its first ``READ_LIMIT`` bytes."""
    if raw.startswith(b"\r\n", start) or raw.startswith(b"\n", start):
        return start, start + (2 if raw[start] == 13 else 1)  # no headers: the body starts at once
    stop = min(end, start + READ_LIMIT)
    found = [(at, at + len(sep)) for sep in (b"\r\n\r\n", b"\n\n")
             if (at := raw.find(sep, start, stop)) >= 0]
    return min(found) if found else None


class _Cutter:
    """Walks the MIME tree of a raw message on its bytes, collecting the ranges to cut."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.cuts: list[tuple[int, int]] = []
        self.problems: list[str] = []
        self.parts = 0

    def part(self, start: int, end: int, *, top: bool, depth: int) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            self.problems.append(PARTS_CUT)
            self.cuts.append((start, end))
            return
        split = _head_end(self.raw, start, end)
        if split is None:
            self._text(start, end)
            return
        head_at, body_at = split
        # The part's headers alone, read as the feed parser reads them (a few hundred bytes).
        headers = message_from_bytes(self.raw[start:head_at] + b"\n\n")
        ctype = _content_type(headers)
        boundary = _boundary(headers) if ctype.startswith("multipart/") else None
        if boundary and depth < MAX_DEPTH and self._multipart(body_at, end, boundary, depth):
            return
        if ctype == "message/rfc822" and depth < MAX_DEPTH:
            self.part(body_at, end, top=False, depth=depth + 1)
        elif top or (not _is_attachment(headers)
                     and (ctype in _READ_TYPES or ctype.startswith("multipart/"))):
            self._text(body_at, end)  # a body the parser reads as text
        elif body_at < end:
            self.cuts.append((body_at, end))  # never read: only its headers matter

    def _multipart(self, start: int, end: int, boundary: str, depth: int) -> bool:
        """Cut the parts between the delimiters of ``boundary``; False when there are none."""
        delimiter = re.compile(rb"^--" + re.escape(boundary.encode("ascii", "surrogateescape"))
                               + rb"(--)?[ \t]*(\r?\n|\Z)", re.MULTILINE)
        opening: int | None = None  # where the open part's content starts
        found = False
        for match in delimiter.finditer(self.raw, start, end):
            # The line break before a delimiter belongs to it.
            stop = match.start()
            stop -= 2 if self.raw.startswith(b"\r\n", stop - 2) else 1 if stop > start else 0
            if not found:
                self._text(start, max(start, stop))  # the preamble
            found = True
            if opening is not None:
                self.part(opening, max(opening, stop), top=False, depth=depth + 1)
            if match.group(1):
                self._text(match.end(), end)  # the epilogue
                return True
            opening = match.end()
        if opening is not None:
            self.part(opening, end, top=False, depth=depth + 1)  # no closing delimiter
        return found

    def _text(self, start: int, end: int) -> None:
        """Keep at most ``READ_LIMIT`` bytes of a text body, cut at a line end."""
        if end - start <= READ_LIMIT:
            return
        cut = self.raw.rfind(b"\n", start, start + READ_LIMIT)
        if cut < 0:  # one giant line: cut it, but not inside a UTF-8 character
            cut = start + READ_LIMIT
            while cut > start + READ_LIMIT - 4 and 0x80 <= self.raw[cut] < 0xC0:
                cut -= 1
        else:
            cut -= 1 if self.raw[cut - 1] == 13 else 0
        self.cuts.append((max(start, cut), end))
        self.problems.append(TEXT_CUT)


def _content_type(headers: Message) -> str:
    try:
        return headers.get_content_type()
    except Exception:
        return "text/plain"


def _boundary(headers: Message) -> str | None:
    try:
        return headers.get_boundary()
    except Exception:
        return None


def _is_attachment(headers: Message) -> bool:
    return str(headers.get("content-disposition", "")).strip().lower().startswith("attachment")
