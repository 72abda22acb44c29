"""One-line values: the characters that break a line, as ``str.splitlines()`` knows them, and the
bidirectional formatting characters a one-line value has no use for.

Mail headers, template subjects and account settings must be one line. A check on CR and LF alone
lets NEL, U+2028 and the other separators through, to the e-mail library (which then refuses them
with a traceback) or to a mail client that does break a line on them. A login's password may hold
no CR, LF or NUL (:func:`login_password`).
"""

from __future__ import annotations

# LF, VT, FF, CR, FS, GS, RS, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
LINE_BREAKS = frozenset("\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(value: str) -> bool:
    return not LINE_BREAKS.isdisjoint(value)


# Bidirectional formatting characters (marks, embeddings, overrides, isolates). In a one-line value (a
# name, an address, a label) they carry no meaning and can make a list show text other than what is
# stored ("Trojan Source"-style spoofing); a message keeps them, where they order right-to-left text.
BIDI_FORMATTING = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = dict.fromkeys(map(ord, BIDI_FORMATTING))


def as_one_line(value: str) -> str:
    """``value`` as one line, to show or to store as a name: whitespace runs (line breaks too)
    become one space and no bidirectional formatting character is left to reorder what follows."""
    return " ".join(value.translate(_NO_BIDI).split())


def login_password(password: str) -> str | None:
    """A stored password as a login sends it: without the line breaks a tool kept around it (an
    Enter piped in with it); None when a CR, an LF or a NUL is inside: no IMAP or SMTP login
    carries one, and sent as is the rest would reach the server as a command of its own."""
    password = password.strip("\r\n")
    return None if any(c in password for c in "\r\n\0") else password
