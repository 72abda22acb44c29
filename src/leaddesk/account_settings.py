"""Account settings as typed records, one per kind, validated in one place.

An account row stores its settings as JSON; everything that reads them goes through
:func:`parse` (or :attr:`leaddesk.accounts.AccountInfo.typed`) and gets an :class:`ImapSettings`,
:class:`SmtpSettings` or :class:`ApiSettings`, never a dict read by string. :func:`parse` is also
the validation: the CLI, both dialogs and the store all call it, so a rule (plain text only to
localhost, a From address that is an address, one-line header fields) is written once. The API
presets' own needs (a form id, a base URL) are checked by the preset (``leaddesk.ingest.api``).
Secrets are never here: they live in the keyring (leaddesk.secrets).
"""

from __future__ import annotations

import ipaddress
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from leaddesk.db.models import STATUS_VALUES
from leaddesk.errors import ValidationError
from leaddesk.lines import has_line_break

SECURITY_MODES = ("ssl", "starttls", "plain")
DEFAULT_PORTS = {("imap", "ssl"): 993, ("imap", "starttls"): 143, ("imap", "plain"): 143,
                 ("smtp", "ssl"): 465, ("smtp", "starttls"): 587, ("smtp", "plain"): 25}
API_PRESETS = ("netlify", "formspree", "gravityforms", "hubspot", "typeform", "generic")
# What a sent reply does to the lead's status; "keep" leaves it alone.
AFTER_SEND_CHOICES = ("keep", *STATUS_VALUES)
DEFAULT_AFTER_SEND = "waiting"
# What a visitor's answer does to a waiting or done lead: reopen it, or keep its status.
ON_ANSWER_CHOICES = ("open", "keep")
# Settings that are free text shown in headers or folder names: one line only.
_ONE_LINE = ("host", "user", "folder", "from_address", "from_name", "ca_file", "sent_folder",
             "sent_account", "base_url", "form")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Query parameter names that carry a credential: settings are stored in the database, which
# must never hold one (the keyring does, given with --token-stdin).
# Exact names, not patterns: "page_token" or "sort_key" are a cursor and a column.
_CREDENTIAL_NAMES = frozenset({
    "key", "apikey", "api_key", "api-key", "x-api-key", "hapikey", "token", "access_token",
    "auth_token", "private_token", "secret", "client_secret", "password", "passwd", "pwd", "pass",
    "signature", "sig", "auth", "authorization", "credential", "credentials"})
SECRET_HINT = ("LeadDesk keeps secrets only in the keyring: give it with --token-stdin (a key "
               "sent in the query: auth type \"query\" with its name in --config)")


def credential_names(names: Any) -> list[str]:
    """The names among ``names`` that look like they carry a password, key or token."""
    return sorted(str(n) for n in names if str(n).strip().lower() in _CREDENTIAL_NAMES)


def check_web_address(url: str, *, name: str, expected: str = "start with https://") -> None:
    """``url`` is http(s) with a host, and plain http only to this machine (a token would cross
    the network in clear text); and it carries no password or key (it is stored as given)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(f"{name} must {expected} (got {url!r})")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValidationError(f"{name} must use https:// (plain http is only allowed to this "
                              f"machine, localhost)")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(f"{name} must not hold a user name or password (user@…); "
                              f"{SECRET_HINT}")
    keys = credential_names(k for k, _ in parse_qsl(parts.query, keep_blank_values=True))
    if keys:
        raise ValidationError(f"{name} must not carry a key in its query ({', '.join(keys)}); "
                              f"{SECRET_HINT}")


def _one_line(settings: dict[str, Any]) -> None:
    for key in _ONE_LINE:
        value = settings.get(key)
        if isinstance(value, str) and has_line_break(value):
            raise ValidationError(f"the {key.replace('_', ' ')} must be one line")


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


@dataclass(frozen=True)
class _Server:
    """Host, port, security and login shared by IMAP and SMTP."""

    host: str
    port: int
    security: str
    user: str
    ca_file: str | None = None

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @staticmethod
    def _check(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
        label = kind.upper()
        host = str(settings.get("host") or "").strip()
        if not host:
            raise ValidationError(f"an {label} account needs --host")
        security = settings.get("security") or "ssl"
        if security not in SECURITY_MODES:
            raise ValidationError(f"unknown security {security!r}; use one of "
                                  f"{', '.join(SECURITY_MODES)}")
        if security == "plain" and not is_loopback(host):
            raise ValidationError(f"plain (unencrypted) {label} is only allowed to this machine "
                                  f"(localhost); use --security ssl or starttls")
        try:
            port = int(settings.get("port") or DEFAULT_PORTS[(kind, security)])
        except (TypeError, ValueError):
            raise ValidationError(f"invalid port {settings.get('port')!r}") from None
        if not 0 < port < 65536:
            raise ValidationError(f"invalid port {port}")
        if not str(settings.get("user") or "").strip():
            raise ValidationError(f"an {label} account needs --user")
        _one_line(settings)
        return {"host": host, "port": port, "security": security,
                "user": str(settings["user"]).strip(), "ca_file": settings.get("ca_file") or None}


@dataclass(frozen=True)
class ImapSettings(_Server):
    folder: str = "INBOX"
    since: date | None = None  # the first sync reads mail from this day on
    sent_folder: str | None = None  # where the team's own replies are read from (else found)
    sent_sync: bool = True  # read the Sent folder for replies sent from any mail client
    on_answer: str = ON_ANSWER_CHOICES[0]

    @classmethod
    def parse(cls, settings: dict[str, Any]) -> ImapSettings:
        since = settings.get("since")
        try:
            when = since if isinstance(since, date) else (
                date.fromisoformat(str(since)) if since else None)
        except ValueError:
            raise ValidationError(f"invalid start date {since!r}; use YYYY-MM-DD") from None
        on_answer = settings.get("on_answer") or ON_ANSWER_CHOICES[0]
        if on_answer not in ON_ANSWER_CHOICES:
            raise ValidationError(f"unknown answer handling {on_answer!r}; use "
                                  f"{' or '.join(ON_ANSWER_CHOICES)}")
        return cls(**cls._check("imap", settings), folder=settings.get("folder") or "INBOX",
                   since=when, sent_folder=settings.get("sent_folder") or None,
                   sent_sync=settings.get("sent_sync", True) is not False, on_answer=on_answer)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "since": self.since.isoformat() if self.since else None}


@dataclass(frozen=True)
class SmtpSettings(_Server):
    from_address: str = ""
    from_name: str | None = None
    sent_account: str | None = None  # the IMAP account whose Sent folder gets a copy
    sent_folder: str | None = None
    after_send: str = DEFAULT_AFTER_SEND

    @classmethod
    def parse(cls, settings: dict[str, Any]) -> SmtpSettings:
        server = cls._check("smtp", settings)
        sender = str(settings.get("from_address") or "").strip() or (
            server["user"] if "@" in server["user"] else "")
        if not sender:
            raise ValidationError("an SMTP account needs --from ADDRESS (the From of your replies)")
        from email_validator import EmailNotValidError, validate_email  # only to check one
        try:
            sender = validate_email(sender, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationError(f"invalid From address {sender!r}: {exc}") from None
        after = settings.get("after_send") or DEFAULT_AFTER_SEND
        if after not in AFTER_SEND_CHOICES:
            raise ValidationError(f"unknown status after sending {after!r}; use one of "
                                  f"{', '.join(AFTER_SEND_CHOICES)}")
        return cls(**server, from_address=sender, from_name=_text(settings.get("from_name")),
                   sent_account=settings.get("sent_account") or None,
                   sent_folder=settings.get("sent_folder") or None, after_send=after)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ApiSettings:
    preset: str = "generic"
    base_url: str | None = None
    form: str | None = None
    config: dict[str, Any] = field(default_factory=dict)  # preset options (per_page, site, …)

    @classmethod
    def parse(cls, settings: dict[str, Any]) -> ApiSettings:
        preset = settings.get("preset") or "generic"
        if preset not in API_PRESETS:
            raise ValidationError(f"unknown API preset {preset!r}; use one of "
                                  f"{', '.join(API_PRESETS)}")
        _one_line(settings)
        base_url = _text(settings.get("base_url"))
        if base_url is not None:
            base_url = base_url.rstrip("/")
            check_web_address(base_url, name="--base-url",
                              expected="be a web address starting with https://")
        config = settings.get("config")
        return cls(preset, base_url, _text(settings.get("form")),
                   dict(config) if isinstance(config, dict) else {})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


AccountSettings = ImapSettings | SmtpSettings | ApiSettings
_KINDS: dict[str, type[ImapSettings] | type[SmtpSettings] | type[ApiSettings]] = {
    "imap": ImapSettings, "smtp": SmtpSettings, "api": ApiSettings}


def parse(kind: str, settings: dict[str, Any]) -> AccountSettings | None:
    """The typed settings of a ``kind`` account, validated; None for kinds without settings
    (local files)."""
    typed = _KINDS.get(kind)
    return typed.parse(settings) if typed is not None else None


def check(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Validated settings as they are stored (unknown keys of the kind are kept)."""
    typed = parse(kind, settings)
    return settings if typed is None else {**settings, **typed.to_dict()}
