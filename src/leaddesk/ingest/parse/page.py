"""The page the visitor came from, and which links belong to the notification rather than the visitor.

Candidates come from a field the synonym table calls a page ("Page URL", "Source URL", "Contact Form
URL", "Referer" ...), from what a layout knows (Elementor's meta block, Formspree's subject), and from
the sentences notifications close with: "This form submitted at: URL", "Submitted on/from URL", "Sent
from ... <URL>", and the same in German, French and Spanish. Where several remain, one on the site's
own host wins. An admin, dashboard, edit, unsubscribe or privacy link is never the page, and neither
is a form service's own site or a bare home page named in a footer.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit

from leaddesk.ingest.parse.repeated import per_value
from leaddesk.ingest.parse.visitor import normalise_url

# "http(s)://..." or "www. ..." (after a word boundary), in any case. Letter classes rather than
# IGNORECASE: the flag makes Python's engine several times slower here. The pattern opens with one
# class of first letters so that the engine skips every other position at C speed (the plain
# alternation it stands for, in tests/ingest/parse/test_fast_paths.py, tries both branches at each
# character, which made the URL scan cost three times as much).
URL = re.compile(r"[hHwW](?:(?<=[hH])[tT][tT][pP][sS]?://|(?<=\b[wW])[wW]{2}\.)[^\s<>\"'()\[\]]+")
_TRAILING = ".,;:!?)]}>'\""
_HOME = re.compile(r"^(https?://|www\.)[^/?#\s]+/?$", re.IGNORECASE)
# Sentences that name the page the form was on, the URL on the same line after them; matched against
# lower-cased text, which is several times faster than a case-insensitive pattern.
_PAGE_SENTENCE = re.compile(
    r"(this form (was )?submitted (at|on|from)|form submitted (at|on|from)|submitted (on|from|at|via)|"
    r"submitted (your|the|a) form (on|at|from)|(new )?submission (on|from|at|via)|has submitted|"
    r"sent (from|via)|was sent from|submitted on page|page submitted on|referr?er|(from|on) the page|"
    r"url of the page|auf der seite|sur la page|en la p[aá]gina|contact form at|form on page|"
    r"gesendet (von|über|ueber)|abgesendet (von|auf|über)|eingereicht (auf|über|von)|von der seite|"
    r"envoy[ée] (depuis|de|à partir de)|soumis (depuis|sur|à partir de)|depuis la page|"
    r"enviado (desde|en)|remitido desde|desde la p[aá]gina|enviado a trav[eé]s de)")
# Links that are the site's or a service's machinery, never the visitor's page.
_MACHINERY = re.compile(
    r"/wp-admin\b|/wp-login|[?&]action=edit\b|/(post|admin)\.php|unsubscribe|opt-?out|"
    r"/(admin|administrator|dashboard|edit|login|signin|manage|preferences|settings|entries)(/|$|[?#])|"
    r"/(privacy|datenschutz|privacidad|confidentialit)[\w-]*", re.IGNORECASE)
# Hosts of form services and mail tools: their links are the notification's, never the visitor's page.
SERVICE_HOSTS = ("hubspot.com", "hubspotemail.net", "netlify.com", "formspree.io", "webflow.com",
                 "wix.com", "www.squarespace.com", "account.squarespace.com", "typeform.com", "jotform.com",
                 "google.com", "gstatic.com", "wordpress.org", "wpforms.com", "gravityforms.com",
                 "elementor.com", "ninjaforms.com", "jetpack.com", "fluentforms.com", "wpmanageninja.com",
                 "formidableforms.com", "wpmudev.com", "elegantthemes.com", "kadencewp.com",
                 "mailchimp.com", "sendgrid.net", "mailgun.org", "w3.org", "schema.org", "gravatar.com",
                 "web3forms.com", "formsubmit.co", "getform.io", "usebasin.com", "tally.so", "zoho.com",
                 "zoho.eu", "zohoforms.com", "zohoforms.eu", "shopify.com", "everestforms.net",
                 "drupal.org", "forms.office.com", "forms.gle", "squarespace.info", "wixsiteautomations.com",
                 "manage.wix.com", "cognitoforms.com", "123formbuilder.com", "paperform.co", "framer.com",
                 "godaddy.com", "hostinger.com", "salesforce.com", "force.com", "formcarry.com",
                 "formkeep.com", "happyforms.io", "themeisle.com", "wpspectra.com", "quform.com",
                 "weformspro.com", "processwire.com", "silverstripe.org", "brevo.com", "sendinblue.com")


# The site's home page closes every notification of a site, and its page URLs come back too: each
# is split once (urlsplit costs a few microseconds). Longer ones are split each time, not kept.
_URL = 2048


@per_value(longest=_URL)
def host_of(url: str) -> str:
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def _bare(host: str) -> str:
    return host[4:] if host.startswith("www.") else host


def _suffixes(host: str) -> list[str]:
    """"www.a.example.com" -> ["a.example.com", "example.com", "com"]: the host and its parents."""
    labels = _bare(host).split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def same_site(host: str, hosts: Collection[str]) -> bool:
    """True when ``host`` is one of ``hosts`` or a subdomain of one (``www.`` ignored)."""
    if not host or not hosts:
        return False
    bare = {_bare(h) for h in hosts if h}
    return any(suffix in bare for suffix in _suffixes(host))


_SERVICES = frozenset(_bare(h) for h in SERVICE_HOSTS)


def is_service(host: str) -> bool:
    return any(suffix in _SERVICES for suffix in _suffixes(host))


# The same notification links come back in message after message.
@lru_cache(maxsize=4096)
def is_machinery(url: str) -> bool:
    """True for an admin, dashboard, edit, unsubscribe or privacy link, or a form service's."""
    return bool(_MACHINERY.search(url)) or is_service(host_of(url))


def urls_in(text: str) -> list[str]:
    if "://" not in text and "www." not in text and "WWW." not in text:
        return []
    return [match.group(0).rstrip(_TRAILING) for match in URL.finditer(text)]


@per_value(longest=_URL)
def is_home(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.path in ("", "/") and not parts.query


@dataclass(frozen=True)
class Candidate:
    url: str  # normalised
    named: bool  # given by a field or a layout, not found in a sentence


def from_value(value: str) -> str | None:
    """The web address in a field value: "Post title (URL)", "URL", "www.site/page"."""
    found = urls_in(value)
    for url in found:
        normalised = normalise_url(url)
        if normalised is not None:
            return normalised
    return normalise_url(value) if not found else None


class Found(NamedTuple):
    """A web address in the text, and where it starts. A named tuple: one is made for every link of
    every message, and a frozen dataclass costs several times as much to build."""

    start: int
    url: str


def scan(text: str) -> list[Found]:
    """Every web address in ``text``, in order: read once per message, used for the page and hosts."""
    if "://" not in text and "www." not in text and "WWW." not in text:
        return []
    return [Found(match.start(), match.group(0).rstrip(_TRAILING)) for match in URL.finditer(text)]


def sentence_urls(text: str, found: list[Found] | None = None) -> list[str]:
    """URLs that closing sentences name as the page: "This form submitted at: URL", or the URL
    alone on the line below "... sent from the page:"."""
    urls: list[str] = []
    for item in scan(text) if found is None else found:
        line_start = text.rfind("\n", 0, item.start) + 1
        before = text[line_start:item.start]
        if _PAGE_SENTENCE.search(before.lower()):
            urls.append(item.url)
        elif not before.strip() and line_start > 0:
            previous = text[text.rfind("\n", 0, line_start - 1) + 1:line_start - 1].rstrip()
            if previous.endswith(":") and _PAGE_SENTENCE.search(previous.lower()):
                urls.append(item.url)
    return urls


def site_hosts(known: Iterable[str], urls: Iterable[str]) -> set[str]:
    """The site's own hosts: the ones given, and the hosts of home pages the notification names
    ("a contact form on Example (https://www.example.com)")."""
    hosts = {_bare(h.lower()) for h in known if h}
    for url in urls:
        if not _HOME.match(url):
            continue
        normalised = normalise_url(url)
        if normalised is not None and is_home(normalised) and not is_service(host_of(normalised)):
            hosts.add(_bare(host_of(normalised)))
    return hosts


def choose(named: Iterable[str | None], text: str, hosts: Collection[str],
           found: list[Found] | None = None) -> str | None:
    """The page URL: named candidates first, then closing sentences; a URL on the site's host wins;
    never machinery, never a bare home page from a sentence. ``found`` is :func:`scan` of ``text``
    when the caller has it."""
    candidates: list[Candidate] = []
    for value in named:
        if value:
            url = from_value(value)
            if url is not None and not is_machinery(url):
                candidates.append(Candidate(url, True))
    for raw in sentence_urls(text, found):
        url = normalise_url(raw)
        if url is not None and not is_machinery(url) and not is_home(url):
            candidates.append(Candidate(url, False))
    if not candidates:
        return None
    if hosts:
        for candidate in candidates:
            if same_site(host_of(candidate.url), hosts):
                return candidate.url
    return candidates[0].url
