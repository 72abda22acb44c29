"""The mutation run over the modules that guard data and safety (docs/MUTATION.md).

    python packaging/mutate.py modules [MODULE…]     the guarded modules, in priority order
    python packaging/mutate.py prepare MODULE        make .mutate/MODULE/, where mutmut runs
    python packaging/mutate.py report [MODULE…]      a table: killed, survived, equivalent, score
    python packaging/mutate.py survivors [MODULE…]   surviving mutants not judged equivalent
    python packaging/mutate.py scope MODULE          the mutant names to run (all when empty)

``bash packaging/dev.sh mutate [MODULE…]`` is the one command that uses these. Modules are named
like ``ingest.store`` (``leaddesk.`` and ``.py`` left out); they, their order and the tests that
may kill each one's mutants are ``[tool.leaddesk.mutate]`` in pyproject.toml, the options for
mutmut ``[tool.mutmut]``; ``[tool.leaddesk.mutate.scope]`` narrows a module that holds more than
its safeguard (the HTML view's loader sits in a module full of widgets) to the functions that are
the safeguard. mutmut reads its settings from the pyproject.toml of the directory it
runs in, so each module gets a directory of its own (.mutate/MODULE/, links to src/ and tests/
and a pyproject.toml naming that module and its tests): a mutant then runs only the module's own
tests that reached it, not every test of the suite that happens to pass through.

Mutants judged equivalent (no test can tell them from the original) are listed with the reason in
docs/MUTATION.md, one table row each starting with the mutant's name in backquotes; they count
neither as killed nor as missed.
"""

from __future__ import annotations

import fnmatch
import json
import re
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutate"
KILLED = {1, 3, 36, 24, -24, 152, 255, 37}  # a failing test, a crash, a timeout, the type checker
SURVIVED = {0}
NO_TESTS = {5, 33}
EQUIVALENT_ROW = re.compile(r"^\|\s*`(leaddesk\.[^`]+__mutmut_\d+)`")


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def _plan() -> dict[str, list[str]]:
    """module → its tests, in priority order."""
    tests: dict[str, list[str]] = _pyproject()["tool"]["leaddesk"]["mutate"]["tests"]
    return tests


def scope(module: str) -> list[str]:
    """Globs of the mutant names to run in ``module``; empty for all of them."""
    functions: list[str] = _pyproject()["tool"]["leaddesk"]["mutate"].get("scope", {}).get(module, [])
    return [f"leaddesk.{module}.{function}" for function in functions]


def _path(module: str) -> str:
    return "src/leaddesk/" + module.replace(".", "/") + ".py"


def _toml(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)  # TOML accepts JSON strings, numbers and arrays


def prepare(module: str) -> Path:
    """.mutate/MODULE/ with src and tests linked and mutmut's settings for this module alone."""
    here = WORK / module
    here.mkdir(parents=True, exist_ok=True)
    for name in ("src", "tests"):
        link = here / name
        if not link.is_symlink():
            link.symlink_to(ROOT / name, target_is_directory=True)
    settings = dict(_pyproject()["tool"]["mutmut"])
    settings["only_mutate"] = [_path(module)]
    settings["pytest_add_cli_args_test_selection"] = _plan()[module]
    lines = ["# Written by packaging/mutate.py from the checkout's pyproject.toml; do not edit.",
             "[tool.mutmut]"]
    lines += [f"{key} = {_toml(value)}" for key, value in settings.items()]
    (here / "pyproject.toml").write_text("\n".join(lines) + "\n", "utf-8")
    return here


def equivalent() -> set[str]:
    text = (ROOT / "docs" / "MUTATION.md").read_text("utf-8")
    return {m.group(1) for line in text.splitlines() if (m := EQUIVALENT_ROW.match(line))}


def results(module: str) -> dict[str, int | None]:
    """Exit code by mutant name, for the mutants in the module's scope."""
    meta = WORK / module / "mutants" / (_path(module) + ".meta")
    if not meta.exists():
        return {}
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    globs = scope(module)
    return {name: code for name, code in codes.items()
            if not globs or any(fnmatch.fnmatchcase(name, g) for g in globs)}


def _order(name: str) -> tuple[str, int]:
    function, number = name.rsplit("__mutmut_", 1)
    return function, int(number)


def survivors(module: str) -> list[str]:
    skip = equivalent()
    return sorted((name for name, code in results(module).items()
                   if (code in SURVIVED or code in NO_TESTS) and name not in skip), key=_order)


def report(names: list[str]) -> None:
    skip = equivalent()
    print("| module | mutants | killed | survived | no tests | equivalent | not run | score |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for module in names:
        codes = results(module)
        counted = {n: c for n, c in codes.items() if n not in skip}
        killed = sum(1 for c in counted.values() if c in KILLED)
        survived = sum(1 for c in counted.values() if c in SURVIVED)
        untested = sum(1 for c in counted.values() if c in NO_TESTS)
        not_run = sum(1 for c in counted.values() if c is None)
        judged = killed + survived + untested
        score = f"{100 * killed / judged:.1f} %" if judged else "–"
        print(f"| {module} | {len(codes)} | {killed} | {survived} | {untested} "
              f"| {len(codes) - len(counted)} | {not_run} | {score} |")


def main(argv: list[str]) -> int:
    commands = ("modules", "prepare", "report", "survivors", "scope")
    if not argv or argv[0] not in commands:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    known = list(_plan())
    wanted = argv[1:] or known
    unknown = [m for m in wanted if m not in known]
    if unknown:
        print(f"mutate: not a guarded module: {', '.join(unknown)}; choose from {', '.join(known)}",
              file=sys.stderr)
        return 2
    if argv[0] == "modules":
        print("\n".join(wanted))
    elif argv[0] == "prepare":
        print("\n".join(str(prepare(m)) for m in wanted))
    elif argv[0] == "scope":
        print("\n".join(name for m in wanted for name in scope(m)))
    elif argv[0] == "report":
        report(wanted)
    else:
        print("\n".join(name for module in wanted for name in survivors(module)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
