"""Conditions compiled once per batch into plain tests on :class:`~leaddesk.rules.facts.Facts`.

How each field matches (case never matters):

- ``topic``, ``account``: equal; ``post``: the page URL or the post's title contains the value;
  ``site``: the page's host is the value or under it (``www.`` ignored; a URL names its host);
  ``form``: a "form"/"form name" field equals the value, or the notification's subject contains it;
- ``words``: any of the comma-separated words, whole words, in the subject or the message;
- ``domain``: the visitor's e-mail domain is one of the values, or under one;
- ``phone-prefix``: the visitor's phone, spaces and punctuation left out and ``00`` read as
  ``+``, starts with one of the country codes;
- ``contact``: ``new`` for a visitor's first lead, ``returning`` when an earlier one exists;
- ``hours`` and ``days``: when the lead arrived, in the rules' time zone; hours may wrap midnight.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from functools import lru_cache
from urllib.parse import urlsplit

from leaddesk.rules.facts import Facts
from leaddesk.rules.spec import Condition, parse_days, parse_hours, split_list

Test = Callable[[Facts], bool]
FORM_LABELS = frozenset({"form", "form name", "form_name", "formname", "form id", "form_id"})
_PHONE_NOISE = re.compile(r"[\s().\-/]")


@lru_cache(maxsize=4096)  # a batch's leads come from a few pages: each URL is split once
def _host(url: str | None) -> str:
    if not url:
        return ""
    text = url if "://" in url else f"//{url}"
    host = (urlsplit(text).hostname or "").casefold()
    return host.removeprefix("www.")


def _under(host: str, parent: str) -> bool:
    return bool(host) and (host == parent or host.endswith("." + parent))


def normalise_phone(phone: str | None) -> str:
    text = _PHONE_NOISE.sub("", phone or "")
    return "+" + text[2:] if text.startswith("00") else text


def compile_condition(condition: Condition, zone: tzinfo) -> Test:
    """The test for one condition (its value was checked when the rule was saved)."""
    value = condition.value.casefold()
    kind = condition.field
    if kind in ("topic", "account"):
        attr = kind
        return lambda f: (getattr(f, attr) or "").casefold() == value
    if kind == "post":
        return lambda f: value in (f.page_url or "").casefold() or \
            value in (f.post_title or "").casefold()
    if kind == "site":
        site = _host(condition.value)
        return lambda f: _under(_host(f.page_url), site)
    if kind == "form":
        return lambda f: value in f.subject.casefold() or any(
            str(label).strip().casefold() in FORM_LABELS and str(v).strip().casefold() == value
            for label, v in f.fields.items())
    if kind == "words":
        return _words_test(split_list(value))
    if kind == "domain":
        domains = split_list(value)
        # _under(host, d) for any d: the host is one of them or ends with ".d"
        exact, under = frozenset(domains), tuple(f".{d}" for d in domains)
        return lambda f: _in_domains(_domain(f.email), exact, under)
    if kind == "phone-prefix":
        prefixes = tuple(split_list(value))
        return lambda f: normalise_phone(f.phone).startswith(prefixes)
    if kind == "contact":
        returning = value == "returning"
        return lambda f: f.returning == returning
    if kind == "hours":
        start, end = parse_hours(value)
        return lambda f: _in_hours(_minute(f, zone), start, end)
    if kind == "days":
        days = parse_days(value)
        return lambda f: f.local(zone).weekday() in days
    raise AssertionError(f"unchecked condition field {kind!r}")  # parse_condition refuses it


def _words_test(words: list[str]) -> Test:
    """Any of ``words`` (case-folded), as a whole word, in the subject or the message.

    The expression below decides; for ASCII words, :attr:`Facts.folded_text` (made once per
    lead) first rules out every lead that holds none of them at all. When the subject and the
    message are ASCII too, the words are found there with ``str.find`` instead: ignoring case
    is lower-casing and a word character is a letter, a digit or "_", which is what the
    expression means by a whole word. A word never holds the line break that joins the two, so
    nothing is found across them.
    """
    pattern = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)",
                         re.IGNORECASE)

    def by_expression(f: Facts) -> bool:
        return pattern.search(f.subject) is not None or pattern.search(f.body) is not None
    if not all(w.isascii() and "\n" not in w for w in words):
        return by_expression
    plain = tuple(words)

    def holds(f: Facts) -> bool:
        text, ascii_only = f.folded_text
        for word in plain:
            if word in text:
                if not ascii_only:
                    return by_expression(f)
                if _whole_word_in(text, word):
                    return True
        return False
    return holds


def _whole_word_in(text: str, word: str) -> bool:
    """Whether ASCII ``word`` is in ASCII ``text`` with no letter, digit or "_" either side."""
    at, size, last = text.find(word), len(word), len(text)
    while at >= 0:
        end = at + size
        if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")) and (
                end == last or not (text[end].isalnum() or text[end] == "_")):
            return True
        at = text.find(word, at + 1)
    return False


def _in_domains(host: str, exact: frozenset[str], under: tuple[str, ...]) -> bool:
    return bool(host) and (host in exact or host.endswith(under))


def _domain(email: str | None) -> str:
    return (email or "").rpartition("@")[2].strip().casefold() if email and "@" in email else ""


def _minute(f: Facts, zone: tzinfo) -> int:
    local = f.local(zone)
    return local.hour * 60 + local.minute


def _in_hours(minute: int, start: int, end: int) -> bool:
    # 18-08 wraps midnight: from 18:00 to 23:59 and from 00:00 to 07:59.
    return start <= minute < end if start < end else minute >= start or minute < end


def shown_value(condition: Condition, f: Facts, zone: tzinfo) -> str:
    """What the lead has for a condition's field, for `rules test`."""
    kind = condition.field
    local = f.received_at.astimezone(zone)
    values = {
        "topic": f.topic, "account": f.account, "post": f.page_url or f.post_title,
        "site": _host(f.page_url), "form": f.subject, "words": f.subject,
        "domain": _domain(f.email), "phone-prefix": f.phone,
        "contact": "returning" if f.returning else "new",
        "hours": f"{local:%H:%M}", "days": f"{local:%a}".casefold(),
    }
    return values.get(kind) or "(none)"
