"""The command line loads per command only what that command needs, and still knows every command;
a failure nothing named is still one line, never a traceback."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk.cli import COMMAND_MODULES, MODULES, build_parser, modules_for
from leaddesk.db import Database
from tests.support.cli import Runner

# What `--version` and `list` must never import: the window, migrations, HTTP and the API presets.
HEAVY = ("PySide6", "alembic", "httpx", "leaddesk.ingest.api", "leaddesk.accounts", "leaddesk.ui")

PROBE = """
import json, sys
from leaddesk.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
json.dump({"code": code, "modules": sorted(sys.modules)}, sys.stderr)
"""


# `import` as a script runs it: what is loaded when its parse workers are started.
IMPORT_PROBE = """
import json, sys
from leaddesk.ingest import parallel
seen = []
start_early = parallel.start_early
def spy(*args, **kwargs):
    seen.append(sorted(sys.modules))
    return start_early(*args, **kwargs)
parallel.start_early = spy
from leaddesk.cli import main
code = main(sys.argv[1:])
json.dump({"code": code, "modules": seen[0] if seen else None}, sys.stderr)
"""


def _commands_of(parser_modules: tuple[str, ...]) -> set[str]:
    parser = build_parser(parser_modules)
    sub = parser._subparsers._group_actions[0]  # type: ignore[union-attr]
    return set(sub.choices)  # type: ignore[arg-type]


def test_the_command_table_names_exactly_the_commands_each_module_adds() -> None:
    for module in MODULES:
        assert _commands_of((module,)) == {c for c, m in COMMAND_MODULES.items() if m == module}
    assert _commands_of(MODULES) == set(COMMAND_MODULES)


@pytest.mark.parametrize(("argv", "expected"), [
    (["--version"], ()),
    (["list", "-n", "3"], ("browse",)),
    (["--db", "sqlite:///x.db", "--as", "ann", "-v", "show", "3"], ("browse",)),
    ([], ("gui_commands",)),
    (["--help"], MODULES),
    (["lsit"], MODULES),
    (["--db"], MODULES),
    (["--ver"], MODULES),
])
def test_only_the_commands_module_is_loaded_unless_the_command_is_unclear(
        argv: list[str], expected: tuple[str, ...]) -> None:
    assert modules_for(argv) == expected


def test_help_and_errors_are_those_of_the_full_command_line(
        capsys: pytest.CaptureFixture[str]) -> None:
    from leaddesk.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(command in listed for command in ("list", "accounts", "export", "team"))
    with pytest.raises(SystemExit):
        main(["lsit"])
    assert "invalid choice: 'lsit'" in capsys.readouterr().err


def _probe(argv: list[str], script: str = PROBE) -> tuple[object, list[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", script, *argv], capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    report = json.loads(done.stderr.splitlines()[-1] if done.stderr.endswith("}") else
                        done.stderr[done.stderr.rindex('{"code"'):])
    return report["code"], report["modules"]


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_version_loads_neither_the_database_nor_the_heavy_parts() -> None:
    code, modules = _probe(["--version"])
    assert code == 0
    assert _heavy(modules) == []
    assert "sqlalchemy" not in modules


def test_list_on_an_up_to_date_database_loads_none_of_the_heavy_parts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'up-to-date.db'}"
    Database.open(url).close()
    code, modules = _probe(["--db", url, "list"])
    assert code == 0
    assert _heavy(modules) == []
    # The plain inbox is read with sqlite3 alone (leaddesk.query.quick): no SQLAlchemy at all.
    assert "sqlalchemy" not in modules
    for options in (["--json", "-n", "3"], ["--count"], ["--all", "--offset", "2"]):
        code, modules = _probe(["--db", url, "list", *options])
        assert code == 0
        assert "sqlalchemy" not in modules


def test_import_starts_its_parse_before_the_database_code_and_the_sibling_commands_load(
        tmp_path: Path) -> None:
    mail = tmp_path / "one.eml"
    mail.write_bytes(b"From: a@example.com\r\nSubject: hello\r\n\r\nA message.\r\n")
    url = f"sqlite:///{tmp_path / 'imported.db'}"
    code, modules = _probe(["--db", url, "import", str(mail)], IMPORT_PROBE)
    assert code == 0
    assert modules is not None, "the import never started its parse workers"
    assert _heavy(modules) == []
    assert not [m for m in modules if m.split(".")[0] == "sqlalchemy"
                or m.startswith(("leaddesk.cli.ingest_commands", "leaddesk.ingest.parse",
                                 "leaddesk.ingest.store", "leaddesk.db"))]
    with Database.open(url).session() as session:
        from sqlalchemy import func, select

        from leaddesk.db.models import Submission
        assert session.execute(select(func.count()).select_from(Submission)).scalar_one() == 1


def test_an_unexpected_failure_is_one_line_and_its_traceback_only_with_v(
        run: Runner, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    from leaddesk.cli import browse

    def broken(*_: object) -> int:
        raise KeyError("a library's own words, https://api.example/?api_key=k-123")
    monkeypatch.setattr(browse, "run_list", broken)
    result = run("--db", sqlite_url, "list")
    assert result.code == 1
    assert result.err == ("leaddesk: unexpected failure (KeyError); what was saved before it is "
                          "kept. Run the command again with -v to see the details, and report "
                          "them\n")
    # The traceback is logged at INFO: what -v shows, and not a line more without it.
    caplog.set_level(logging.INFO)
    assert run("--db", sqlite_url, "-v", "list").code == 1
    (record,) = [r for r in caplog.records if r.exc_info]
    assert record.levelno == logging.INFO
    assert "Traceback" in caplog.text
