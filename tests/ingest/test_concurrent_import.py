"""Two `leaddesk import` processes of the same mailbox into one database at once (a cron import
beside the window's sync): both finish, exit 0, and between them store every message once."""

from __future__ import annotations

import mailbox
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from leaddesk.db import Database
from leaddesk.db.models import Contact, Submission
from tests.support.mail import notification

MESSAGES = 4000  # above the parse pool's threshold, so both processes run worker pools
VISITORS = 600  # visitors write more than once: contact upserts collide too
ADDED = re.compile(r"import: (\d+) added, (\d+) already there")


@pytest.fixture(scope="module")
def mbox_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("race") / "leads.mbox"
    box = mailbox.mbox(str(path))
    for n in range(MESSAGES):
        box.add(notification(n, email=f"visitor{n % VISITORS}@example.net"))
    box.flush()
    box.close()
    return path


def _start_import(url: str, mbox_path: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "LEADDESK_DB_URL": url}
    return subprocess.Popen([sys.executable, "-m", "leaddesk", "import", str(mbox_path)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_imports_at_once_both_finish_with_exact_counts(db_url: str, mbox_path: Path,
                                                           round_: int) -> None:
    first, second = _start_import(db_url, mbox_path), _start_import(db_url, mbox_path)
    outputs = [process.communicate(timeout=240) for process in (first, second)]
    added = 0
    for process, (out, err) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, err
        assert "Traceback" not in err, err
        assert "cannot join" not in err, err
        found = ADDED.search(out + err)  # the summary line goes to stderr, like progress
        assert found, out + err
        assert int(found[1]) + int(found[2]) == MESSAGES
        added += int(found[1])
    assert added == MESSAGES
    db = Database.open(db_url)
    try:
        with db.session() as s:
            assert s.execute(select(func.count()).select_from(Submission)).scalar_one() == MESSAGES
            assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == VISITORS
    finally:
        db.close()
