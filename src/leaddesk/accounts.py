"""Accounts: the sources LeadDesk reads (IMAP mailboxes, form APIs, local files) and SMTP identities.

An account row holds connection settings and a keyring reference, never a secret: the password or
token goes through :mod:`leaddesk.secrets` only.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db.models import ACCOUNT_KINDS, Account, AuditEvent
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.secrets import secret_ref

SECURITY_MODES = ("ssl", "starttls", "plain")
DEFAULT_PORTS = {("imap", "ssl"): 993, ("imap", "starttls"): 143, ("imap", "plain"): 143}
_NAME = re.compile(r"^[\w.@+-]{1,120}$")


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    kind: str
    settings: dict[str, Any]
    secret_ref: str | None
    enabled: bool


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


def check_imap_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Validate and complete IMAP settings (default port per security mode)."""
    host = str(settings.get("host") or "").strip()
    if not host:
        raise ValidationError("an IMAP account needs --host")
    security = settings.get("security") or "ssl"
    if security not in SECURITY_MODES:
        raise ValidationError(f"unknown security {security!r}; use one of {', '.join(SECURITY_MODES)}")
    if security == "plain" and not is_loopback(host):
        raise ValidationError("plain (unencrypted) IMAP is only allowed to this machine (localhost); "
                              "use --security ssl or starttls")
    port = int(settings.get("port") or DEFAULT_PORTS[("imap", security)])
    if not 0 < port < 65536:
        raise ValidationError(f"invalid port {port}")
    if not settings.get("user"):
        raise ValidationError("an IMAP account needs --user")
    return {**settings, "host": host, "port": port, "security": security,
            "folder": settings.get("folder") or "INBOX"}


def add_account(session: Session, name: str, kind: str, settings: dict[str, Any], *,
                actor: str) -> AccountInfo:
    if not _NAME.match(name):
        raise ValidationError(f"invalid account name {name!r}: use letters, digits, . _ @ + -")
    if kind not in ACCOUNT_KINDS:
        raise ValidationError(f"unknown account kind {kind!r}; use one of {', '.join(ACCOUNT_KINDS)}")
    if session.execute(select(Account.id).where(Account.name == name)).first():
        raise ValidationError(f"an account named {name!r} exists already")
    if kind == "imap":
        settings = check_imap_settings(settings)
    account = Account(name=name, kind=kind, settings=settings,
                      secret_ref=secret_ref(name) if kind in ("imap", "smtp", "api") else None)
    session.add(account)
    session.flush()
    session.add(AuditEvent(actor=actor, action="account.add", entity="account",
                           entity_id=account.id, before=None,
                           after={"name": name, "kind": kind, "settings": settings}))
    return _info(account)


def get_account(session: Session, name: str) -> AccountInfo:
    account = session.execute(select(Account).where(Account.name == name)).scalar()
    if account is None:
        raise NotFoundError(f"no account named {name!r}; `leaddesk accounts list` shows them")
    return _info(account)


def list_accounts(session: Session, kind: str | None = None) -> list[AccountInfo]:
    stmt = select(Account).order_by(Account.name)
    if kind:
        stmt = stmt.where(Account.kind == kind)
    return [_info(a) for a in session.execute(stmt).scalars()]
