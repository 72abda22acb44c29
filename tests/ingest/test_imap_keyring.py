"""The real thing: a Secret Service (gnome-keyring in a private D-Bus session) holds the IMAP
password; `leaddesk accounts add` stores it there, `leaddesk sync` reads it back and logs in to a
real Dovecot, and the password appears in no file LeadDesk wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest.conftest import Mailbox
from tests.support.dovecot import PASSWORD
from tests.support.mail import notification

SCRIPT = r"""
set -euo pipefail
printf %s unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$PY" -c 'import keyring; print(type(keyring.get_keyring()).__module__)'
printf '%s\n' "$IMAP_PASSWORD" | "$PY" -m leaddesk --db "$DB" accounts add imap site \
    --host 127.0.0.1 --port "$PORT" --user alice --ca-file "$CA" --folder "$FOLDER" --password-stdin
"$PY" -m leaddesk --db "$DB" sync site
"$PY" -c 'import keyring; print(keyring.get_password("LeadDesk", "account:site") == "'"$IMAP_PASSWORD"'")'
"""


@pytest.fixture(scope="module")
def secret_service() -> None:
    if not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")):
        if os.environ.get("CI"):
            pytest.fail("gnome-keyring and dbus are not installed on CI")
        pytest.skip("gnome-keyring is not installed (apt-get install gnome-keyring)")


def test_password_round_trip_through_a_real_secret_service(secret_service: None, mailbox: Mailbox,
                                                           tmp_path: Path) -> None:
    mailbox.append(notification(1), notification(2))
    home = tmp_path / "home"
    home.mkdir()
    db_file = tmp_path / "leaddesk.db"
    env = {
        "PATH": os.environ["PATH"], "HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "LEADDESK_DATA_DIR": str(tmp_path / "data"), "LEADDESK_CONFIG_DIR": str(tmp_path / "cfg"),
        "PY": sys.executable, "DB": f"sqlite:///{db_file}", "PORT": str(mailbox.server.ssl_port),
        "CA": str(mailbox.server.cert), "FOLDER": mailbox.folder, "IMAP_PASSWORD": PASSWORD,
        # What a desktop without keyrings.alt (a test-only package) gets: the Secret Service.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    env.pop("DISPLAY", None)  # no display: an unlock prompt could never be answered
    result = subprocess.run(["dbus-run-session", "--", "bash", "-c", SCRIPT], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "keyring.backends.SecretService"
    assert "site: 2 new, 0 already there" in result.stdout
    assert lines[-1] == "True"
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "xdg" not in p.parts]
    assert db_file in written
    for path in written:  # the keyring's own files excepted, the password is nowhere
        assert PASSWORD.encode() not in path.read_bytes(), path
