"""The allowlist of the team's own sites: the only origins LeadDesk ever requests a page from.

A page URL on any other host is shown but never fetched, so a stranger's form submission cannot make
the app call arbitrary addresses on the team's network. A site may name a ``fetch_base`` (a staging
mirror, or the demo's loopback server): its pages are then requested there instead, and redirects
must stay within the origin or that base.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leaddesk.db.models import Post, Site
from leaddesk.errors import NotFoundError, ValidationError

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SiteInfo:
    origin: str
    name: str | None
    fetch_base: str | None
    added_at: datetime

    def as_json(self) -> dict[str, object]:
        return {"origin": self.origin, "name": self.name, "fetch_base": self.fetch_base,
                "added_at": self.added_at.isoformat()}


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of an http(s) URL, lower-cased, default port dropped; else None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in _DEFAULT_PORTS or not host or parts.username or parts.password:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{scheme}://{host}" + (f":{port}" if port and port != _DEFAULT_PORTS[scheme] else "")


def _clean_origin(url: str) -> str:
    origin = origin_of(url if "://" in url else f"https://{url}")
    if origin is None:
        raise ValidationError(f"{url!r} is not a web address; give one like https://www.example.com")
    return origin


def _clean_base(url: str) -> str:
    """A fetch base: an origin with an optional path prefix, no query, no trailing slash."""
    origin = _clean_origin(url)
    path = urlsplit(url).path.rstrip("/")
    return origin + path


class Allowlist:
    """The sites as loaded from the database: which URLs may be fetched, and from where."""

    def __init__(self, sites: dict[str, str | None]) -> None:
        self.sites = dict(sites)  # origin -> fetch base (None: the origin itself)

    @classmethod
    def load(cls, session: Session) -> Allowlist:
        return cls(dict(session.execute(select(Site.origin, Site.fetch_base)).all()))

    def allows(self, url: str) -> bool:
        return origin_of(url) in self.sites

    def fetch_url(self, url: str) -> str | None:
        """Where to request ``url`` (on an allowed origin); None when it must not be requested."""
        origin = origin_of(url)
        if origin is None or origin not in self.sites:
            return None
        base = self.sites[origin]
        if not base:
            return url
        parts = urlsplit(url)
        return base + urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def logical_url(self, fetched: str) -> str | None:
        """The site URL a fetched (or redirected-to) URL stands for; None when it is outside every
        allowed origin and fetch base, which is where a redirect must not lead."""
        for origin, base in self.sites.items():
            if base and (fetched == base or fetched.startswith((base + "/", base + "?"))):
                rest = fetched[len(base):] or "/"
                return origin + (rest if rest.startswith("/") else "/" + rest)
        # An allowed origin itself (for a mirrored site, a redirect naming the real origin is then
        # fetched through the mirror again).
        return fetched if origin_of(fetched) in self.sites else None


def list_sites(session: Session) -> list[SiteInfo]:
    return [SiteInfo(s.origin, s.name, s.fetch_base, s.added_at)
            for s in session.execute(select(Site).order_by(Site.origin)).scalars()]


def add_site(session: Session, url: str, *, name: str | None = None,
             fetch_base: str | None = None) -> SiteInfo:
    """Add (or update the name / fetch base of) a site; its posts become due for a lookup."""
    origin = _clean_origin(url)
    base = _clean_base(fetch_base) if fetch_base else None
    site = session.execute(select(Site).where(Site.origin == origin)).scalar_one_or_none()
    if site is None:
        site = Site(origin=origin, name=name, fetch_base=base)
        session.add(site)
    else:
        site.name = name or site.name
        site.fetch_base = base if fetch_base is not None else site.fetch_base
    session.flush()
    _make_due(session, origin)
    return SiteInfo(site.origin, site.name, site.fetch_base, site.added_at)


def remove_site(session: Session, url: str) -> None:
    origin = _clean_origin(url)
    site = session.execute(select(Site).where(Site.origin == origin)).scalar_one_or_none()
    if site is None:
        raise NotFoundError(f"{origin} is not on the sites list; `leaddesk sites list` shows it")
    session.delete(site)
    session.flush()


def _make_due(session: Session, origin: str) -> None:
    """Posts of a newly allowed origin are looked up on the next pass, whatever their backoff."""
    like = origin.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    session.execute(update(Post).where(Post.url.like(like + "/%", escape="\\"), Post.source.is_(None))
                    .values(next_fetch_at=None, attempts=0))
