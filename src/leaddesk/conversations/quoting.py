"""Folding quoted history: the part of an e-mail that repeats earlier messages.

A reply usually ends with the message it answers ("On 2 March, Ada wrote:" and ``>`` lines, or an
Outlook "-----Original Message-----" block). The timeline shows what is new and folds the rest,
so a conversation reads like one, not like the same text five times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The line that introduces a quote, in the languages the parser knows. Gmail and Apple Mail wrap
# a long attribution ("On Mon, 2 Mar 2026 at 10:00, Ada Lovelace <ada@example.com> wrote:") at
# about 76 characters, so one line break (never a blank line) may fall inside it. Outlook's
# header block starts with "From:" (or its translation) followed by a "Sent:"/"Date:" line.
_ANY = r"[^\n]{3,200}?(?:\n[^\n]{1,160}?)?"
_ATTRIBUTION = re.compile(
    rf"^(on {_ANY} wrote:|am {_ANY} schrieb[^\n]{{0,120}}:|le {_ANY} a [ée]crit ?:|"
    rf"el {_ANY} escribi[oó]:|il {_ANY} ha scritto:|op {_ANY} schreef[^\n]{{0,120}}:|"
    rf"em {_ANY} escreveu:|den {_ANY} skrev[^\n]{{0,120}}:|w dniu {_ANY} napisa[łl]\(?a?\)?:|"
    rf"{_ANY} kirjoitti[^\n]{{0,120}}:|{_ANY} (?:написал|написала)\(?а?\)?:|"
    r"-{2,} ?(original message|ursprüngliche nachricht|message d'origine|mensaje original|"
    r"messaggio originale|oorspronkelijk bericht|mensagem original|forwarded message) ?-{2,}|"
    r"_{10,}\n(from|von|de|da|van|från|od) ?: |"
    r"(from|von|de|da|van|från|od) ?: .{3,200}\n(sent|date|gesendet|datum|envoy[ée]|enviado|"
    r"inviato|verzonden|skickat|wysłano) ?: )",
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
