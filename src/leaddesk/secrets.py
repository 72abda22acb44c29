"""The only module that touches the OS keyring: passwords and tokens live there and nowhere else.

The database and config files hold only a reference (``secret_ref``). Every keyring call runs with
a timeout, because a locked Secret Service with a display can block forever on an invisible
unlock prompt. No secret value ever appears in an exception message or a log line.

A keyring that would keep the secret in plain text (keyrings.alt's file backend, which the keyring
library picks silently on a box without a Secret Service) or throw it away (the null backend) is
refused with the same message as no keyring at all, unless the user chose it explicitly with
``PYTHON_KEYRING_BACKEND``: there is never a silent plain-text fallback.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.errors

from leaddesk.errors import LeadDeskError

SERVICE = "LeadDesk"
TIMEOUT_SECONDS = 10.0

log = logging.getLogger(__name__)
_T = TypeVar("_T")

FIX_HINT = ("start or unlock a Secret Service such as GNOME Keyring or KWallet (on Windows and "
            "macOS the system keyring works as is)")


class KeyringUnavailableError(LeadDeskError):
    """Raised when no usable keyring exists, it is locked, or it did not answer in time."""


class SecretMissingError(LeadDeskError):
    """Raised when the keyring holds no secret for an account (never stored, or deleted)."""


# Backends that store secrets unencrypted in a file, or not at all.
NOT_SAFE = frozenset({"keyrings.alt.file.PlaintextKeyring", "keyring.backends.null.Keyring"})


def secret_ref(account_name: str) -> str:
    """The keyring username under which an account's secret is stored (service ``LeadDesk``)."""
    return f"account:{account_name}"


def _qualified(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _refuse_unsafe_backend(what: str) -> None:
    """Raise unless the keyring that would receive the secret keeps it safe (or was chosen)."""
    backend = keyring.get_keyring()
    # The chainer writes to the first of its backends (highest priority first).
    chained = getattr(backend, "backends", None)
    writer = chained[0] if isinstance(chained, list) and chained else backend
    name = _qualified(writer)
    if name in NOT_SAFE and os.environ.get("PYTHON_KEYRING_BACKEND") != name:
        raise KeyringUnavailableError(
            f"no secure keyring is available to {what} (only {name}, which keeps passwords in "
            f"plain text or not at all); {FIX_HINT}")


def _call(what: str, function: Callable[[], _T]) -> _T:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            # Backend discovery talks to D-Bus too: it runs under the same timeout.
            _refuse_unsafe_backend(what)
            outcome["value"] = function()
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="keyring", daemon=True)
    worker.start()
    worker.join(TIMEOUT_SECONDS)
    if worker.is_alive():
        raise KeyringUnavailableError(
            f"the keyring did not answer within {TIMEOUT_SECONDS:.0f} s while trying to {what} "
            f"(it may be waiting to be unlocked); {FIX_HINT}")
    error = outcome.get("error")
    if isinstance(error, keyring.errors.NoKeyringError):
        raise KeyringUnavailableError(f"no keyring is available to {what}; {FIX_HINT}") from None
    if isinstance(error, keyring.errors.KeyringLocked):
        raise KeyringUnavailableError(f"the keyring is locked, cannot {what}; {FIX_HINT}") from None
    if isinstance(error, keyring.errors.InitError | keyring.errors.KeyringError | RuntimeError):
        # Messages from backends never include the secret, but may be long: keep the first line.
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise KeyringUnavailableError(f"the keyring failed to {what} ({detail}); {FIX_HINT}") from None
    if isinstance(error, BaseException):
        raise error
    return outcome["value"]  # type: ignore[return-value]


def set_secret(ref: str, value: str) -> None:
    if not value:
        raise LeadDeskError("an empty password or token cannot be stored")
    _call("store the password", lambda: keyring.set_password(SERVICE, ref, value))
    log.info("keyring entry written for %s", ref)


def get_secret(ref: str) -> str:
    value = _call("read the password", lambda: keyring.get_password(SERVICE, ref))
    if not value:
        name = ref.removeprefix("account:")
        raise SecretMissingError(
            f"the keyring holds no password for {name}; set it again with "
            f"`leaddesk accounts edit {name} --password-stdin` (--token-stdin for a form API)")
    return value


def delete_secret(ref: str) -> None:
    def delete() -> None:
        # Already gone is fine: deleting is idempotent.
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, ref)

    _call("delete the password", delete)
