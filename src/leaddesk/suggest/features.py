"""What the suggestion model sees of a lead: a small set of named features.

A feature is a short string with a one-letter kind prefix, so the model, the reasons and the
tests can tell them apart: ``w:invoice`` (a word of the subject or message), ``f:budget=10k``
(a short form field, name=value), ``p:example.com/blog/speakers`` (the post or page the visitor
wrote from) and ``d:acme.com`` (the visitor's e-mail domain). Each feature counts once per lead
(binary): a word written five times says no more about the topic than once, and long messages
would otherwise drown the post and the domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

WORD, FIELD, POST, DOMAIN = "w", "f", "p", "d"
KIND_NAMES = {WORD: "word", FIELD: "field", POST: "post", DOMAIN: "domain"}

# Only the start of a message: the topic shows early, and a pasted essay must not cost more
# than a few milliseconds to read.
TEXT_LIMIT = 4000
MAX_WORDS = 120
_FIELD_VALUE_LIMIT = 40  # longer values are free text, not a choice from a list
_FIELD_WORDS_LIMIT = 4

# Two or more characters, starting with a letter; inner apostrophes and hyphens kept.
_TOKEN = re.compile(r"[^\W\d_][\w'-]*[^\W_]")

# English and German filler words, and words every contact form contains.
_STOP_TEXT = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why will with would you your yours yourself yourselves i'm i've i'd it's don't we're
hello hi dear thanks thank regards best kind please cheers sincerely would like also get got
message name email e-mail phone subject sent form contact website via us one know let want
der die das und oder ist ein eine einen einem einer nicht mit für von zu im in den dem des auf
ich sie wir es hallo danke grüße gruß bitte mfg freundlichen viele vielen
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

# Field labels that name the person or carry free text: never a feature (they identify the
# visitor or repeat the message, and would make the model remember people, not habits).
_PERSONAL_LABELS = re.compile(
    r"name|mail|phone|tel|mobile|message|nachricht|comment|address|street|zip|postcode|"
    r"url|page|website|consent|privacy|gdpr|date|time|ip|agent|referrer|captcha|token",
    re.IGNORECASE)


@dataclass(frozen=True)
class LeadText:
    """The parts of a lead the model reads (plain values; built from a row or a generator)."""

    subject: str | None = None
    message: str | None = None
    fields: Mapping[str, Any] | None = None
    page_url: str | None = None
    email: str | None = None


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` without stop words, in order, each once."""
    folded = text[:TEXT_LIMIT].casefold().replace("’", "'")
    kept = dict.fromkeys(t for t in _TOKEN.findall(folded) if t not in STOP_WORDS)
    return list(kept)[:MAX_WORDS]


def _field_features(fields: Mapping[str, Any]) -> Iterable[str]:
    for label, value in fields.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        text = " ".join(str(value).split()).casefold()
        if (not text or len(text) > _FIELD_VALUE_LIMIT
                or len(text.split()) > _FIELD_WORDS_LIMIT or "@" in text
                or _PERSONAL_LABELS.search(str(label))):
            continue
        name = " ".join(str(label).split()).casefold()[:40]
        yield f"{FIELD}:{name}={text}"


def page_key(url: str | None) -> str | None:
    """The post or page as host/path, without scheme, query or trailing slash."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").casefold().removeprefix("www.")
    path = parts.path.rstrip("/")
    key = f"{host}{path}"
    return key[:300] or None


def email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().casefold().rstrip(".>")
    return domain or None


def features(lead: LeadText) -> list[str]:
    """The lead's features, each once, in a stable order."""
    found: dict[str, None] = {}
    text = " ".join(part for part in (lead.subject, lead.message) if part)
    for word in words(text):
        found.setdefault(f"{WORD}:{word}", None)
    for feature in _field_features(lead.fields or {}):
        found.setdefault(feature, None)
    page = page_key(lead.page_url)
    if page:
        found.setdefault(f"{POST}:{page}", None)
    domain = email_domain(lead.email)
    if domain:
        found.setdefault(f"{DOMAIN}:{domain}", None)
    return list(found)


def describe(feature: str) -> tuple[str, str]:
    """(kind name, value) of a feature, e.g. ``("word", "invoice")``."""
    kind, _, value = feature.partition(":")
    return KIND_NAMES.get(kind, kind), value
