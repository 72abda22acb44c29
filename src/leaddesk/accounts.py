"""Accounts: the sources LeadDesk reads (IMAP mailboxes, form APIs, local files) and SMTP identities.

An account row holds connection settings and a keyring reference, never a secret: the password or
token goes through :mod:`leaddesk.secrets` only. This module validates settings per kind and adds,
edits, lists and removes rows (each change audited); it never talks to a server
(:mod:`leaddesk.connection` does).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db.models import ACCOUNT_KINDS, STATUS_VALUES, Account, AuditEvent
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.lines import has_line_break
from leaddesk.secrets import secret_ref

SECURITY_MODES = ("ssl", "starttls", "plain")
DEFAULT_PORTS = {("imap", "ssl"): 993, ("imap", "starttls"): 143, ("imap", "plain"): 143,
                 ("smtp", "ssl"): 465, ("smtp", "starttls"): 587, ("smtp", "plain"): 25}
API_PRESETS = ("netlify", "formspree", "gravityforms", "hubspot", "typeform", "generic")
# What a sent reply does to the lead's status; "keep" leaves it alone.
AFTER_SEND_CHOICES = ("keep", *STATUS_VALUES)
DEFAULT_AFTER_SEND = "waiting"
# What a visitor's answer does to a waiting or done lead: reopen it, or keep its status.
ON_ANSWER_CHOICES = ("open", "keep")
KINDS_WITH_SECRET = ("imap", "smtp", "api")
_NAME = re.compile(r"^[\w.@+-]{1,120}$")
# Settings that are free text shown in headers or folder names: one line only.
_ONE_LINE = ("host", "user", "folder", "from_address", "from_name", "ca_file", "sent_folder",
             "sent_account", "base_url", "form")


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    kind: str
    settings: dict[str, Any]
    secret_ref: str | None
    enabled: bool

    def describe(self) -> str:
        """Where the account connects, for lists: ``user@host:port`` or the API preset."""
        s = self.settings
        if self.kind == "api":
            return str(s.get("base_url") or s.get("preset") or "")
        if not s.get("host"):
            return ""
        user = f"{s['user']} at " if s.get("user") else ""
        return f"{user}{s['host']}:{s.get('port', '')}"


def _info(account: Account) -> AccountInfo:
    return AccountInfo(account.id, account.name, account.kind, dict(account.settings),
                       account.secret_ref, account.enabled)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _one_line(settings: dict[str, Any]) -> None:
    for key in _ONE_LINE:
        value = settings.get(key)
        if isinstance(value, str) and has_line_break(value):
            raise ValidationError(f"the {key.replace('_', ' ')} must be one line")


def _server(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Host, security and port shared by IMAP and SMTP (default port per security mode)."""
    label = kind.upper()
    host = str(settings.get("host") or "").strip()
    if not host:
        raise ValidationError(f"an {label} account needs --host")
    security = settings.get("security") or "ssl"
    if security not in SECURITY_MODES:
        raise ValidationError(f"unknown security {security!r}; use one of {', '.join(SECURITY_MODES)}")
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
    return {**settings, "host": host, "port": port, "security": security,
            "user": str(settings["user"]).strip(), "ca_file": settings.get("ca_file") or None}


def check_imap_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Validate and complete IMAP settings (default port per security mode)."""
    checked = _server("imap", settings)
    on_answer = settings.get("on_answer") or ON_ANSWER_CHOICES[0]
    if on_answer not in ON_ANSWER_CHOICES:
        raise ValidationError(f"unknown answer handling {on_answer!r}; use "
                              f"{' or '.join(ON_ANSWER_CHOICES)}")
    return {**checked, "folder": settings.get("folder") or "INBOX",
            "sent_folder": settings.get("sent_folder") or None,
            "sent_sync": settings.get("sent_sync", True) is not False, "on_answer": on_answer}


def check_smtp_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Validate and complete an SMTP identity: server, From address and name, what a send does."""
    checked = _server("smtp", settings)
    sender = str(settings.get("from_address") or "").strip() or (
        checked["user"] if "@" in checked["user"] else "")
    if not sender:
        raise ValidationError("an SMTP account needs --from ADDRESS (the From of your replies)")
    try:
        sender = validate_email(sender, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"invalid From address {sender!r}: {exc}") from None
    after = settings.get("after_send") or DEFAULT_AFTER_SEND
    if after not in AFTER_SEND_CHOICES:
        raise ValidationError(f"unknown status after sending {after!r}; use one of "
                              f"{', '.join(AFTER_SEND_CHOICES)}")
    return {**checked, "from_address": sender,
            "from_name": str(settings.get("from_name") or "").strip() or None,
            "sent_account": settings.get("sent_account") or None,
            "sent_folder": settings.get("sent_folder") or None, "after_send": after}


def check_api_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """The generic part of a form-API source; the preset's own rules live in ``leaddesk.ingest.api``."""
    preset = settings.get("preset") or "generic"
    if preset not in API_PRESETS:
        raise ValidationError(f"unknown API preset {preset!r}; use one of {', '.join(API_PRESETS)}")
    _one_line(settings)
    config = settings.get("config")
    return {**settings, "preset": preset, "base_url": settings.get("base_url") or None,
            "form": settings.get("form") or None,
            "config": dict(config) if isinstance(config, dict) else {}}


def check_settings(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    if kind == "imap":
        return check_imap_settings(settings)
    if kind == "smtp":
        return check_smtp_settings(settings)
    if kind == "api":
        return check_api_settings(settings)
    return settings


def _row(session: Session, name: str) -> Account:
    account = session.execute(select(Account).where(Account.name == name)).scalar()
    if account is None:
        raise NotFoundError(f"no account named {name!r}; `leaddesk accounts list` shows them")
    return account


def _check_sent_account(session: Session, settings: dict[str, Any]) -> None:
    """An SMTP identity's copy of sent mail goes to one of our IMAP accounts: it must exist."""
    name = settings.get("sent_account")
    if name and _row(session, name).kind != "imap":
        raise ValidationError(f"the Sent copy needs an IMAP account, and {name!r} is not one")


def add_account(session: Session, name: str, kind: str, settings: dict[str, Any], *,
                actor: str) -> AccountInfo:
    if not _NAME.match(name):
        raise ValidationError(f"invalid account name {name!r}: use letters, digits, . _ @ + -")
    if kind not in ACCOUNT_KINDS:
        raise ValidationError(f"unknown account kind {kind!r}; use one of {', '.join(ACCOUNT_KINDS)}")
    if session.execute(select(Account.id).where(Account.name == name)).first():
        raise ValidationError(f"an account named {name!r} exists already")
    settings = check_settings(kind, settings)
    _check_sent_account(session, settings)
    account = Account(name=name, kind=kind, settings=settings,
                      secret_ref=secret_ref(name) if kind in KINDS_WITH_SECRET else None)
    session.add(account)
    session.flush()
    session.add(AuditEvent(actor=actor, action="account.add", entity="account",
                           entity_id=account.id, before=None,
                           after={"name": name, "kind": kind, "settings": settings}))
    return _info(account)


def edit_account(session: Session, name: str, changes: dict[str, Any], *, actor: str,
                 enabled: bool | None = None) -> AccountInfo:
    """Change some settings (a key given as None is cleared); validated as a whole, audited.

    The keyring reference does not change, so a renamed setting never orphans the secret.
    """
    account = _row(session, name)
    before = dict(account.settings)
    merged = {**before, **changes}
    # A new security mode with the old mode's default port is almost always a mistake.
    if (changes.get("security") and "port" not in changes and account.kind in ("imap", "smtp")
            and before.get("port") == DEFAULT_PORTS.get((account.kind, before.get("security", "")))):
        merged["port"] = None
    settings = check_settings(account.kind, merged)
    _check_sent_account(session, settings)
    account.settings = settings
    if enabled is not None:
        account.enabled = enabled
    session.flush()
    session.add(AuditEvent(actor=actor, action="account.edit", entity="account",
                           entity_id=account.id, before={"settings": before},
                           after={"settings": settings, "enabled": account.enabled}))
    return _info(account)


def remove_account(session: Session, name: str, *, actor: str) -> AccountInfo:
    """Delete the account row; its messages stay (their account becomes empty).

    The caller deletes the keyring entry after the transaction commits.
    """
    account = _row(session, name)
    info = _info(account)
    for other in session.execute(select(Account).where(Account.kind == "smtp")).scalars():
        if other.settings.get("sent_account") == name:
            raise ValidationError(f"the SMTP account {other.name!r} copies sent replies to {name!r}; "
                                  f"change it first (`leaddesk accounts edit {other.name} "
                                  f"--sent-copy none`)")
    session.delete(account)
    session.add(AuditEvent(actor=actor, action="account.remove", entity="account",
                           entity_id=info.id, before={"name": name, "kind": info.kind,
                                                      "settings": info.settings}, after=None))
    session.flush()
    return info


def get_account(session: Session, name: str) -> AccountInfo:
    return _info(_row(session, name))


def get_account_by_id(session: Session, account_id: int) -> AccountInfo:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError(f"no account with id {account_id}")
    return _info(account)


def list_accounts(session: Session, kind: str | None = None) -> list[AccountInfo]:
    stmt = select(Account).order_by(Account.name)
    if kind:
        stmt = stmt.where(Account.kind == kind)
    return [_info(a) for a in session.execute(stmt).scalars()]
