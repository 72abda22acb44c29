"""Folding quoted history: the part of an e-mail that repeats earlier messages.

A reply usually ends with the message it answers ("On 2 March, Ada wrote:" and ``>`` lines, or an
Outlook "-----Original Message-----" block). The timeline shows what is new and folds the rest,
so a conversation reads like one, not like the same text five times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The line that introduces a quote, in the languages the parser knows.
_ATTRIBUTION = re.compile(
    r"^(on .{5,200} wrote:|am .{5,200} schrieb .{1,120}:|le .{5,200} a [ée]crit ?:|"
    r"el .{5,200} escribi[oó]:|il .{5,200} ha scritto:|op .{5,200} schreef .{1,120}:|"
    r"em .{5,200} escreveu:|"
    r"-{2,} ?(original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|mensagem original) ?-{2,}|"
    r"from: .{3,200}\n(sent|date|gesendet|envoy[ée]): )",
    re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Folded:
    """An e-mail's text split into what it says and the history it quotes."""

    fresh: str
    quoted: str

    @property
    def has_quote(self) -> bool:
        return bool(self.quoted.strip())


def fold(text: str) -> Folded:
    """Split ``text`` at the first attribution line, else before a trailing block of ``>`` lines."""
    text = text.replace("\r\n", "\n")
    match = _ATTRIBUTION.search(text)
    if match is not None and text[:match.start()].strip():
        return Folded(text[:match.start()].rstrip(), text[match.start():].strip("\n"))
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and (lines[start - 1].startswith(">") or not lines[start - 1].strip()):
        start -= 1
    if start < end and "\n".join(lines[:start]).strip():
        return Folded("\n".join(lines[:start]).rstrip(), "\n".join(lines[start:end]).strip("\n"))
    return Folded(text.strip("\n"), "")
