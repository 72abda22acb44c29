"""Global options, `db`, `accounts list`, and commands of later releases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk import __version__
from tests.support.cli import Runner


def test_version(run: Runner) -> None:
    result = run("--version")
    assert result.code == 0
    assert result.out.strip() == f"leaddesk {__version__}"


def test_python_dash_m_runs_the_same_cli() -> None:
    result = subprocess.run([sys.executable, "-m", "leaddesk", "--version"], capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == f"leaddesk {__version__}"


def test_db_upgrade_creates_and_then_reports_up_to_date(run: Runner, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    first = run("--db", url, "db", "upgrade")
    assert first.code == 0
    assert "upgraded from schema empty to" in first.out
    second = run("--db", url, "db", "upgrade")
    assert "is up to date" in second.out
    status = run("--db", url, "db", "status")
    assert "up to date" in status.out


def test_default_database_lives_in_the_data_dir(run: Runner, tmp_path: Path) -> None:
    assert run("db", "upgrade").code == 0
    assert (tmp_path / "data" / "leaddesk.db").exists()


def test_corrupt_database_is_reported_and_untouched(run: Runner, tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(b"\x00garbage" * 100)
    result = run("--db", f"sqlite:///{path}", "list")
    assert result.code == 1
    assert "damaged" in result.err
    assert "Traceback" not in result.err
    assert path.read_bytes() == b"\x00garbage" * 100


@pytest.mark.parametrize(("url", "message"), [
    ("nonsense", "not a database URL"),
    ("mysql://u@h/db", "unsupported database"),
])
def test_bad_db_url_is_one_clear_line(run: Runner, url: str, message: str) -> None:
    result = run("--db", url, "list")
    assert result.code == 1
    assert message in result.err
    assert result.err.count("\n") == 1


def test_accounts_list_starts_empty(run: Runner, sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "accounts", "list")
    assert result.code == 0
    assert "no accounts yet" in result.err


def test_unknown_account_is_one_line(run: Runner, sqlite_url: str) -> None:
    result = run("--db", sqlite_url, "accounts", "test", "nobody")
    assert result.code == 1
    assert "no account named 'nobody'" in result.err
    assert result.err.count("\n") == 1


def test_usage_errors_exit_2(run: Runner) -> None:
    assert run("frobnicate").code == 2
    assert run("show", "abc").code == 2


@pytest.mark.parametrize("argv", [["gui"], [], ["demo"]])
def test_without_a_display_the_window_commands_say_so(run: Runner, argv: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    result = run(*argv)
    assert result.code == 1
    assert "no display" in result.err
    assert result.err.count("\n") == 1


def test_demo_without_the_window_fills_its_own_database(run: Runner, tmp_path: Path) -> None:
    first = run("demo", "--no-gui")
    assert first.code == 0, first.err
    assert "(50 new messages)" in first.out
    assert (tmp_path / "data" / "demo.db").exists()
    assert not (tmp_path / "data" / "leaddesk.db").exists()  # the user's own stays untouched
    again = run("demo", "--no-gui")
    assert "(0 new messages)" in again.out
    demo_url = f"sqlite:///{tmp_path / 'data' / 'demo.db'}"
    assert run("--db", demo_url, "list", "--count").out.strip() == "40"
    # The sidebar's topics are the team's topics: free-text subjects ("Question on your IMI
    # article") stay out; the leads without a topic field get their post's mapped topic.
    listed = run("--db", demo_url, "list", "--json", "--limit", "0").out
    rows = [json.loads(line) for line in listed.splitlines()]
    assert {row["topic"] for row in rows} == {
        "Patient engagement", "Speakers bureaus", "Micro-influencers", "Market access",
        "Medical education", "Public/private partnerships (IMI)", None}
