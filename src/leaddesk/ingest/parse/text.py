"""Small text helpers shared by the parser: making decoded text storable and comparable.

Everything the parser hands out goes through :func:`storable`, because mail is untrusted input and the
store (SQLite and PostgreSQL) rejects NUL characters and lone surrogates in text columns.
"""

from __future__ import annotations

import re
import unicodedata

from leaddesk.lines import BIDI_FORMATTING

# C0 controls except TAB and LF; CR is handled by the newline normalisation first.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
# Anything storable() would change (CR included). What :func:`unstorable_in` finds; it stands for
# this pattern (tests/ingest/parse/test_text.py compares them).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
# Every byte of the UTF-8 of a character a database holds, but the C0 controls and DEL: TAB, LF,
# printable ASCII and the bytes of every other character (all 0x80 and above). Deleting them from a
# text's UTF-8 leaves exactly the bytes of its control characters, which no other character's UTF-8
# holds; a lone surrogate cannot be encoded at all. Both at C speed over bytes, several times
# faster than a search of the character class over a mail's text.
_HOLDABLE_BYTES = b"\t\n" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))


def unstorable_in(text: str) -> bool:
    """True when ``text`` holds a character :data:`_UNSTORABLE` matches."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a surrogate
    return bool(data.translate(None, _HOLDABLE_BYTES))


def _controls_in(text: str) -> bool:
    """True when ``text`` holds a character :data:`_CONTROLS` matches (surrogates are no controls)."""
    return bool(text.encode("utf-8", "surrogatepass").translate(None, _HOLDABLE_BYTES))


_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def storable(text: str) -> str:
    """Return ``text`` with normalised newlines and without characters a database cannot hold."""
    if text.isprintable():
        # No control character (CR included) and no surrogate: most one-line values, and a method
        # call costs a fraction of a pattern search.
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not unstorable_in(text):
        return text
    text = _CONTROLS.sub("", text)
    # A lone surrogate cannot be encoded as UTF-8: it would fail at insert time, far from here.
    return _SURROGATES.sub("\ufffd", text)


def tidy_block(text: str) -> str:
    """A storable block of text: no trailing blanks on lines, at most one empty line in a row."""
    if text.isprintable():
        return text.strip()  # one line, storable as it is: most field values
    text = storable(text)
    if " \n" not in text and "\t\n" not in text and "\n\n\n" not in text:
        return text.strip()  # nothing for the two patterns to do, the usual case
    text = _without_trailing_blanks(text)
    return (_BLANK_RUNS.sub("\n\n", text) if "\n\n\n" in text else text).strip()


def _without_trailing_blanks(text: str) -> str:
    """``_TRAILING_SPACE.sub("\\n", text)``, the pattern run only from the first blank it can match:
    most mail has one such line near its end (the "-- " of a signature), and the pattern costs
    several times a search for a substring over the text before it."""
    found = [at for at in (text.find(" \n"), text.find("\t\n")) if at >= 0]
    if not found:
        return text
    start = len(text[:min(found) + 1].rstrip(" \t"))  # where the run of blanks before it starts
    return text[:start] + _TRAILING_SPACE.sub("\n", text[start:])


# Bidirectional formatting characters (see leaddesk.lines). Zero-width space, word joiner and
# byte-order mark join nothing in a one-line value either: typed or pasted into a name or an
# address they only make the same value look different (and an address invalid). The zero-width
# (non-)joiners stay: Persian and Indic names spell with them.
_BIDI = dict.fromkeys(map(ord, BIDI_FORMATTING + "\u200b\u2060\ufeff"))


# A (non-)joiner next to ASCII joins nothing: it is only there to make a name look like another.
_LATIN_JOINER = re.compile(r"(?<=[\x00-\x7f])[\u200c\u200d]|[\u200c\u200d](?=[\x00-\x7f])")


def one_line(text: str) -> str:
    """A storable single line: every run of whitespace (newlines too) becomes one space, and no
    bidirectional formatting character, zero-width space, word joiner or byte-order mark is left."""
    if text.isascii():
        if text.isprintable():
            return " ".join(text.split())  # nothing for storable() to do (see its first line)
    else:
        text = text.translate(_BIDI)
        if "\u200c" in text or "\u200d" in text:
            text = _LATIN_JOINER.sub("", text)
    # str.split() splits on exactly the characters \s matches, at a fraction of a regex's cost.
    return " ".join(storable(text).split())


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``, for comparing labels and names."""
    if text.isascii():
        return text.lower()  # ASCII has no accents to strip, and its case folding is lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def control_share(text: str) -> float:
    """The share of control characters, to tell binary junk from text."""
    if not text or not _controls_in(text):
        return 0.0
    return len(_CONTROLS.findall(text)) / len(text)
