"""Turning body and header bytes into text whatever their charset label says.

Mail in the wild carries wrong labels (Windows-1252 sent as UTF-8), unknown ones (``x-unknown``) and
none at all. Decoding never fails: the declared charset is tried first, then UTF-8, then Windows-1252,
and Latin-1 as the last resort, which maps every byte.
"""

from __future__ import annotations

import codecs

# Labels that in practice mean Windows-1252: senders label cp1252 text (curly quotes, the euro sign
# in 0x80-0x9F) as Latin-1 or ASCII, and browsers decode them the same way (WHATWG Encoding).
_MEANS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp819",
                 "iso_8859-1", "iso-ir-100", "ansi_x3.4-1968"}
# Labels that are not charsets at all; not worth a lookup or a problem note.
_NO_CHARSET = {"", "unknown-8bit", "x-unknown", "unknown", "default", "none", "8bit", "binary"}


def _codec(label: str | None) -> str | None:
    """The Python codec name for a declared label, or None when there is no usable label."""
    if label is None:
        return None
    label = label.strip().strip('"\'').lower()
    if label in _NO_CHARSET:
        return None
    if label in _MEANS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):
        return None


def decode(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode ``data``; return the text and, when the declared charset was not usable, a note why."""
    codec = _codec(declared)
    if codec is not None:
        try:
            return data.decode(codec), None
        except (UnicodeDecodeError, LookupError):
            pass
    if data.isascii():
        return data.decode("ascii"), None
    for fallback in ("utf-8", "cp1252"):
        if fallback == codec:
            continue
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text, _note(declared, codec, fallback)
    return data.decode("latin-1"), _note(declared, codec, "latin-1")


def _note(declared: str | None, codec: str | None, used: str) -> str | None:
    if declared is None or not declared.strip():
        # Unlabelled 8-bit text that is valid UTF-8 is the common, harmless case.
        return None if used == "utf-8" else f"no charset declared; text read as {used}"
    shown = declared.strip().strip('"\'')
    if codec is None:
        return f"unknown charset {shown!r}; text read as {used}"
    return f"text is not valid {shown}; read as {used}"
