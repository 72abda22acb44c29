"""Splitting the one name a contact form gives into the first and last name a CRM asks for.

A form has a single "Your name" field; HubSpot and Salesforce want first and last name apart, and
Salesforce requires a last name. The rules are deliberately simple and predictable:

* "Last, First" (a comma) is honoured: "van der Berg, Anna" is Anna van der Berg; a comma followed
  only by a suffix ("Anna Berg, PhD") is not a "Last, First" name.
* Honorifics in front ("Dr.", "Prof. Dr.", "Frau") become the salutation; suffixes at the end
  ("Jr.", "PhD") are dropped from both parts.
* The last word is the last name, together with the particles in front of it ("Anna van der Berg",
  "Siobhán Ní Bhriain"); everything before it is the first name ("Anna Maria Rossi").
* A single word is a first name ("Cher"), unless an honorific stood in front ("Dr. Müller"): that
  is how people write a surname.

Names in other orders ("Müller Zoë") cannot be told apart from the text and stay as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# Compared in lower case without dots, so "Dr", "dr." and "DR." are one honorific.
_HONORIFICS = frozenset({
    "dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame", "herr", "frau", "mme", "mlle",
    "monsieur", "madame", "sig", "sra", "sr", "señor", "señora", "dott", "dipling", "ing", "mag",
})
# Academic parts that follow "Dr." in German-speaking countries ("Dr. med. Hans Meier").
_DEGREE_PARTS = frozenset({"med", "rer", "nat", "phil", "jur", "dent", "vet", "hc", "habil"})
_SUFFIXES = frozenset({
    "jr", "sr", "ii", "iii", "iv", "phd", "md", "mba", "msc", "bsc", "ma", "ba", "esq", "dds",
    "rn", "mph", "pharmd", "dphil",
})
# Lower-case words that belong to the surname that follows them.
_PARTICLES = frozenset({
    "van", "von", "vom", "zu", "zum", "zur", "der", "den", "de", "del", "della", "dello", "degli",
    "di", "da", "dal", "du", "des", "la", "le", "lo", "ten", "ter", "te", "dos", "das", "do", "af",
    "av", "bin", "binti", "ibn", "al", "el", "ní", "nic", "ó", "ui", "mac", "st", "st.", "y", "e",
})
# Conjunctions joining two surnames; they count only in lower case: "Anna E Smith" has an initial.
_CASE_SENSITIVE = frozenset({"y", "e"})
# Salesforce's default Salutation picklist, keyed like the honorifics above.
_SALESFORCE_SALUTATIONS = {"mr": "Mr.", "ms": "Ms.", "mrs": "Mrs.", "dr": "Dr.", "prof": "Prof."}


@dataclass(frozen=True)
class SplitName:
    first: str
    last: str
    salutation: str = ""


def _key(word: str) -> str:
    return word.lower().replace(".", "").replace("-", "")


def _take_honorifics(words: list[str]) -> list[str]:
    """Remove honorifics (and Dr.'s degree parts) from the front of ``words``; return them."""
    taken: list[str] = []
    while len(words) > 1:
        key = _key(words[0])
        if key in _HONORIFICS or (taken and key in _DEGREE_PARTS):
            taken.append(words.pop(0))
        else:
            break
    return taken


def _drop_suffixes(words: list[str]) -> None:
    while len(words) > 1 and _key(words[-1]).rstrip(",") in _SUFFIXES:
        words.pop()
    if words:
        words[-1] = words[-1].rstrip(",")


def _is_particle(word: str) -> bool:
    lower = word.lower()
    return lower in _PARTICLES and (lower not in _CASE_SENSITIVE or word == lower)


@lru_cache(maxsize=8192)  # visitors write again and again: a bounded cache, not a growing dict
def split_name(name: str | None) -> SplitName:
    """First name, last name and salutation of a name as a visitor typed it."""
    text = " ".join((name or "").split())
    if not text:
        return SplitName("", "")
    if "," in text:
        before, after = (part.strip() for part in text.split(",", 1))
        after_words = after.replace(",", " ").split()
        if after_words and all(_key(w) in _SUFFIXES for w in after_words):
            text = before
        elif before and after:
            words = after.split()
            salutation = _take_honorifics(words)
            if not salutation:
                lead = before.split()
                salutation = _take_honorifics(lead)
                before = " ".join(lead)
            return SplitName(" ".join(words), before, " ".join(salutation))
        else:
            text = before or after
    words = text.split()
    salutation = _take_honorifics(words)
    _drop_suffixes(words)
    if len(words) == 1:
        if salutation:
            return SplitName("", words[0], " ".join(salutation))
        return SplitName(words[0], "", "")
    start = len(words) - 1
    while start > 1 and _is_particle(words[start - 1]):
        start -= 1
        if words[start] in _CASE_SENSITIVE and start > 1:  # "García y Vega": two joined surnames
            start -= 1
    return SplitName(" ".join(words[:start]), " ".join(words[start:]), " ".join(salutation))


def salesforce_salutation(salutation: str) -> str:
    """The first honorific that Salesforce's default Salutation picklist knows, else ''."""
    for word in salutation.split():
        found = _SALESFORCE_SALUTATIONS.get(_key(word))
        if found:
            return found
    return ""
