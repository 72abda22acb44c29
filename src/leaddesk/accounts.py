"""Accounts: the sources LeadDesk reads (IMAP mailboxes, form APIs, local files) and SMTP identities.

An account row holds connection settings and a keyring reference, never a secret: the password or
token goes through :mod:`leaddesk.secrets` only. This module validates settings per kind and adds,
edits, lists and removes rows (each change audited); it never talks to a server
(:mod:`leaddesk.connection` does).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import secrets
from leaddesk.account_settings import (
    AFTER_SEND_CHOICES,
    API_PRESETS,
    DEFAULT_AFTER_SEND,
    DEFAULT_PORTS,
    ON_ANSWER_CHOICES,
    SECURITY_MODES,
    AccountSettings,
    ApiSettings,
    ImapSettings,
    SmtpSettings,
    check,
    is_loopback,
    parse,
)
from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from leaddesk.db.models import ACCOUNT_KINDS, Account, AuditEvent
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.secrets import secret_ref

__all__ = ["AFTER_SEND_CHOICES", "API_PRESETS", "DEFAULT_AFTER_SEND", "DEFAULT_PORTS",
           "KINDS_WITH_SECRET", "ON_ANSWER_CHOICES", "SECURITY_MODES", "AccountInfo", "add_account",
           "check_settings", "delete_account", "edit_account", "get_account", "get_account_by_id",
           "is_loopback", "list_accounts", "remove_account", "save_account"]

KINDS_WITH_SECRET = ("imap", "smtp", "api")
_S = TypeVar("_S", ImapSettings, SmtpSettings, ApiSettings)
_NAME = re.compile(r"^[\w.@+-]{1,120}$")


@dataclass(frozen=True)
class AccountInfo:
    id: int
    name: str
    kind: str
    settings: dict[str, Any]  # as stored; read them typed through ``typed``
    secret_ref: str | None
    enabled: bool

    @property
    def typed(self) -> AccountSettings | None:
        """The settings as the kind's typed record (validated), None for local files."""
        return parse(self.kind, self.settings)

    def _typed_as(self, wanted: type[_S], what: str) -> _S:
        typed = self.typed
        if not isinstance(typed, wanted):
            raise ValidationError(f"{self.name} is an {self.kind} account, not {what}")
        return typed

    @property
    def imap(self) -> ImapSettings:
        return self._typed_as(ImapSettings, "an IMAP mailbox")

    @property
    def smtp(self) -> SmtpSettings:
        return self._typed_as(SmtpSettings, "an SMTP identity")

    @property
    def api(self) -> ApiSettings:
        return self._typed_as(ApiSettings, "a form API")

    @property
    def change(self) -> Change:
        return Change.of(Kind.ACCOUNT, [self.id])

    def describe(self) -> str:
        """Where the account connects, for lists: ``user@host:port`` or the API preset."""
        try:
            typed = self.typed
        except ValidationError:  # a row written by hand or by an older LeadDesk: still listed
            return ""
        if isinstance(typed, ApiSettings):
            return typed.base_url or typed.preset
        return "" if typed is None else f"{typed.user} at {typed.where}"


def _info(account: Account) -> AccountInfo:
    return AccountInfo(account.id, account.name, account.kind, dict(account.settings),
                       account.secret_ref, account.enabled)


def check_settings(kind: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Validate and complete a ``kind`` account's settings (see leaddesk.account_settings)."""
    return check(kind, settings)


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
    settings = check(kind, settings)
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
    settings = check(account.kind, merged)
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


# ------------------------------------------------------------------ with the keyring

def save_account(db: Database, name: str, settings: dict[str, Any], *, actor: str,
                 kind: str | None = None, secret: str | None = None,
                 enabled: bool | None = None) -> AccountInfo:
    """Add an account (``kind`` given) or edit one (``kind`` None), and store its secret.

    The one way the CLI and both dialogs set up an account. The keyring write runs inside the
    database transaction: a keyring that refuses rolls the account back, so an account is never
    left without its password.
    """
    with db.session() as session:
        if kind is not None:
            info = add_account(session, name, kind, settings, actor=actor)
        elif settings or enabled is not None:
            info = edit_account(session, name, settings, actor=actor, enabled=enabled)
        else:
            info = get_account(session, name)
        if secret is not None:
            if info.kind not in KINDS_WITH_SECRET:
                raise ValidationError(f"a {info.kind} account has no password or token")
            _refuse_secret_in_settings(info, secret)
            secrets.set_secret(info.secret_ref or secret_ref(info.name), secret)
    return info


def _refuse_secret_in_settings(info: AccountInfo, secret: str) -> None:
    """The settings are stored in the database, which must never hold the secret: one written
    into them too (a URL, a user name field, a --config file) is refused, and nothing is saved.
    A very short secret is not looked for (it could be any word of the settings)."""
    if len(secret) >= 6 and secret in json.dumps(info.settings, ensure_ascii=False):
        raise ValidationError(f"the password or token of {info.name} also appears in its "
                              f"settings, which are stored in the database; take it out of them "
                              f"(the keyring alone keeps it). Nothing was saved")


def delete_account(db: Database, name: str, *, actor: str) -> AccountInfo:
    """Remove an account, then its keyring entry (after the commit: a keyring that fails now
    leaves an orphan entry, never an account without its secret)."""
    with db.session() as session:
        info = remove_account(session, name, actor=actor)
    if info.secret_ref:
        secrets.delete_secret(info.secret_ref)
    return info
