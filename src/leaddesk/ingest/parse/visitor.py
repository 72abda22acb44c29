"""Who wrote: normalising e-mail addresses and page URLs, and picking the visitor out of the fields
and headers of a notification without ever mistaking the site's own sender for them.

The order is the form's fields, then Reply-To, then the From display name. The From address of a
notification is the site (or the form service); a Reply-To that is the From again, one of the site's
known addresses or an automated "no-reply" mailbox is not the visitor either.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from email_validator import EmailNotValidError, validate_email

from leaddesk.ingest.parse.text import fold, one_line

# Query parameters that only say how the visitor was tracked to the page, never which page it is.
_TRACKING_PARAMS = frozenset({
    "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "fbclid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "_ga",
    "_gl", "vero_id", "vero_conv", "oly_enc_id", "oly_anon_id", "wickedid", "s_kwcid", "srsltid",
    "ef_id", "trk", "trkcampaign", "sc_cid", "rb_clickid", "epik", "pk_campaign", "pk_kwd", "pk_source",
    "pk_medium", "mtm_campaign", "mtm_source", "mtm_medium", "mtm_keyword",
})
_AUTOMATED_LOCAL_PARTS = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|wordpress|mailer-daemon|postmaster|notifications?|notify|"
    r"formresponses|no-reply-forms|forms?|bounces?|submissions?|mailer|alerts?|automated)([+.-].*)?$",
    re.IGNORECASE)
_SERVICE_NAMES = ("wordpress", "hubspot", "netlify", "formspree", "webflow", "elementor", "wpforms",
                  "gravity forms", "ninja forms", "contact form", "no-reply", "noreply", "notification",
                  "mailer", "website", "kontaktformular", "formulaire", "webseite", "sitio web", "sito web",
                  "site web", "web sitesi", "сайт", "网站", "ウェブサイト", "hjemmeside", "webbplats")
_URLISH = re.compile(r"^(https?://|www\.)|^[\w-]+(\.[\w-]+)+(/\S*)?$", re.IGNORECASE)
# "Jane Roe via Example Forms": a service sending in the name of the person it sends for (the
# convention of mailing lists and of form services that put the visitor's name in the sender).
_VIA = re.compile(r"^(?P<person>[^<>@]+?)\s+\(?(via|über|ueber|par|vía|tramite|door|através de)\s+\S.*$",
                  re.IGNORECASE)


# The everyday address, which email_validator would accept unchanged but for case: checked here
# without its cost (about a tenth of a parse). Anything else, IDN and quoted forms included, goes
# through email_validator.
_PLAIN_ADDRESS = re.compile(
    r"^[a-z0-9_+-]+(\.[a-z0-9_+-]+)*@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}$", re.IGNORECASE)
# What a display name is compared without (compiled once: is_site_name runs for every message).
_NOT_WORD = re.compile(r"\W+")
# Names email_validator refuses as special-use (RFC 6761 and the like), even without DNS checks.
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def _plain_address(candidate: str) -> bool:
    if len(candidate) > 254 or not _PLAIN_ADDRESS.match(candidate):
        return False
    local, _, domain = candidate.rpartition("@")
    return len(local) <= 64 and domain.rpartition(".")[2].lower() not in _SPECIAL_USE


def normalise_email(value: str) -> tuple[str, bool]:
    """(normalised address, True), or (the value as typed, False) when it is not a valid address.

    The whole address is lower-cased: mailbox providers ignore case in practice, and one contact per
    person matters more here than the letter of RFC 5321. No DNS look-up is made.
    """
    typed = one_line(value)
    # No address holds a zero-width joiner either: one pasted into an address only breaks it.
    candidate = typed.replace("\u200c", "").replace("\u200d", "") if not typed.isascii() else typed
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    candidate = candidate.strip().strip("<>").strip()
    if not candidate:
        return typed, False
    if _plain_address(candidate):
        return candidate.lower(), True
    try:
        checked = validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
    except (EmailNotValidError, ValueError, UnicodeError):
        return typed, False
    return checked.normalized.lower(), True


# A notification names its page URL in a field, in the text and in a footer: read it once.
@lru_cache(maxsize=4096)
def normalise_url(value: str) -> str | None:
    """The page URL without tracking parameters or fragment, with https added when the scheme is
    missing; None when ``value`` is not a web address."""
    text = one_line(value).strip("<>\"' ")
    if not text or " " in text:
        return None
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        if not re.match(r"^[\w-]+(\.[\w-]+)+(:\d+)?([/?#]|$)", text):
            return None
        text = "https://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme not in ("http", "https") or not host or ("." not in host and host != "localhost"):
        return None
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    # Filter the query as written: decoding and re-encoding it would change the URL's identity.
    query = "&".join(piece for piece in parts.query.split("&") if piece and not _is_tracking(piece))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def _is_tracking(piece: str) -> bool:
    key = unquote_plus(piece.partition("=")[0]).strip().lower()
    return key.startswith("utm_") or key in _TRACKING_PARAMS


def looks_like_url(value: str) -> bool:
    return bool(_URLISH.match(value.strip()))


def host_names(hosts: Iterable[str]) -> list[str]:
    """The names the site's hosts spell ("example-pharma-agency" for www.example-pharma-agency.com):
    a sender's display name that spells one is the site's, as when a form service sends in its name."""
    return [host.split(".")[-2] for host in hosts if host.count(".") >= 1]


def display_person(name: str) -> str:
    """The person a display name names: "Jane Roe via Example Forms", "'Jane Roe' via Leads" (a
    Google Group) and "Jane Roe (via Example Forms)" are "Jane Roe"."""
    via = _VIA.match(name.strip())
    return via.group("person").strip().strip("\"'").strip() if via is not None else name


def is_automated(address: str) -> bool:
    """True for a mailbox no person writes from: "no-reply@", "wordpress@", "forms@" ..."""
    return _AUTOMATED_LOCAL_PARTS.match(address.strip().lower().rpartition("@")[0]) is not None


@dataclass(frozen=True)
class Senders:
    """What is known about the site's side of a notification: addresses and names that are never
    the visitor."""

    addresses: frozenset[str]
    names: tuple[str, ...]

    @classmethod
    def of(cls, from_addresses: Iterable[tuple[str, str]], site_addresses: Collection[str],
           site_names: Iterable[str]) -> Senders:
        addresses = {address.strip().lower() for address in site_addresses if address.strip()}
        names = [name for name in site_names if name.strip()]
        for _, address in from_addresses:
            if address:
                addresses.add(address.strip().lower())
        return cls(frozenset(addresses), tuple(names))

    def is_site_address(self, address: str) -> bool:
        address = address.strip().lower()
        local, _, domain = address.rpartition("@")
        if address in self.addresses or is_automated(address):
            return True
        # "support+id123@desk.example" when From is support@desk.example: a help desk's or a form
        # service's reply address for this one message is still its own mailbox.
        base = local.partition("+")[0]
        return base != local and f"{base}@{domain}" in self.addresses

    def is_site_name(self, name: str, from_address: str) -> bool:
        """True when a display name is the site's or the form service's rather than a person's;
        "Jane Roe via Example Forms" is judged by "Jane Roe"."""
        name = display_person(name)
        squeezed = _NOT_WORD.sub("", fold(name))
        if not squeezed or "@" in name:
            return True
        if any(service in fold(name) for service in _SERVICE_NAMES):
            return True
        if any(squeezed == _NOT_WORD.sub("", fold(site)) for site in self.names):
            return True
        # A display name that repeats the mailbox ("Forms <forms@...>") names a role, not a person.
        local, _, domain = from_address.lower().rpartition("@")
        if squeezed == _NOT_WORD.sub("", fold(local)):
            return True
        domain_words = _NOT_WORD.sub("", fold(domain.split(".")[-2] if domain.count(".") else domain))
        if domain_words and (squeezed in domain_words or domain_words in squeezed):
            return True
        # "Example Pharma <support@examplepharma.zendesk.com>": a hosted service's subdomain spells the
        # site's name.
        return any(squeezed == _NOT_WORD.sub("", fold(label)) for label in domain.split(".")[:-2])


def visitor_reply_to(reply_to: Iterable[tuple[str, str]], senders: Senders) -> tuple[str, str] | None:
    """The first Reply-To (name, address) that is not the site's own."""
    for name, address in reply_to:
        if address and "@" in address and not senders.is_site_address(address):
            return name, address
    return None
