"""One-line values: the characters that break a line, as ``str.splitlines()`` knows them.

Mail headers, template subjects and account settings must be one line. A check on CR and LF alone
lets NEL, U+2028 and the other separators through, to the e-mail library (which then refuses them
with a traceback) or to a mail client that does break a line on them.
"""

from __future__ import annotations

# LF, VT, FF, CR, FS, GS, RS, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR.
LINE_BREAKS = frozenset("\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(value: str) -> bool:
    return not LINE_BREAKS.isdisjoint(value)
