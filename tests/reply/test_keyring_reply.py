"""The real thing: gnome-keyring in a private D-Bus session holds the SMTP password;
`leaddesk accounts add smtp` stores it there, `accounts test` and `reply` read it back and log in
to a real aiosmtpd server, and the password appears in no file LeadDesk wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk.db import Database
from tests.reply.conftest import ServerFactory
from tests.support import smtp as smtp_support
from tests.support.factories import make_submission

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SCRIPT = r"""
set -euo pipefail
printf %s unlock-pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
printf '%s\n' "$SMTP_PASSWORD" | "$PY" -m leaddesk --db "$DB" accounts add smtp replies \
    --host 127.0.0.1 --port "$PORT" --security starttls --user "$SMTP_USER" --ca-file "$CA" \
    --from team@example-agency.com --password-stdin
"$PY" -m leaddesk --db "$DB" accounts test replies
printf 'Hello Zoë\n' > "$WORK/body.txt"
"$PY" -m leaddesk -v --db "$DB" reply 1 --body-file "$WORK/body.txt" 2>>"$WORK/log.txt"
"$PY" -c 'import keyring; print(type(keyring.get_keyring()).__module__)'
"""


def test_smtp_password_round_trip_through_a_real_secret_service(
        smtp_server: ServerFactory, tmp_path: Path) -> None:
    if not (shutil.which("gnome-keyring-daemon") and shutil.which("dbus-run-session")):
        if os.environ.get("CI"):
            pytest.fail("gnome-keyring and dbus are not installed on CI")
        pytest.skip("gnome-keyring is not installed (apt-get install gnome-keyring)")
    server = smtp_server("starttls")
    db_file = tmp_path / "leaddesk.db"
    db = Database.open(f"sqlite:///{db_file}")
    with db.session() as s:
        make_submission(s, id=1, visitor_name="Zoë", visitor_email="zoe@example.net")
    db.close()
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ["PATH"], "HOME": str(home), "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "LEADDESK_DATA_DIR": str(tmp_path / "data"), "LEADDESK_CONFIG_DIR": str(tmp_path / "cfg"),
        "PY": sys.executable, "DB": f"sqlite:///{db_file}", "PORT": str(server.port),
        "CA": str(server.cert), "SMTP_USER": smtp_support.USER,
        "SMTP_PASSWORD": smtp_support.PASSWORD, "WORK": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.SecretService.Keyring",
    }
    result = subprocess.run(["dbus-run-session", "--", "bash", "-c", SCRIPT], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "replies: OK, logged in to 127.0.0.1" in result.stdout
    assert "sent reply to zoe@example.net via replies" in result.stdout
    assert result.stdout.splitlines()[-1] == "keyring.backends.SecretService"
    assert server.logins == [smtp_support.USER, smtp_support.USER]
    (got,) = server.received
    assert got.message.get_content().startswith("Hello Zoë")
    assert smtp_support.PASSWORD not in result.stdout + result.stderr
    written = [p for p in tmp_path.rglob("*") if p.is_file() and "xdg" not in p.parts]
    assert db_file in written
    assert tmp_path / "log.txt" in written
    for path in written:  # the keyring's own files excepted, the password is nowhere
        assert smtp_support.PASSWORD.encode() not in path.read_bytes(), path
