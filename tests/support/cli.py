"""Run the real `leaddesk` entry point in-process and capture what it prints (fixture `run`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from leaddesk.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    def invoke(*argv: str) -> Result:
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors and --version
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return invoke


def show_json(run: Runner, url: str, ident: int) -> dict[str, object]:
    """`leaddesk show ID --json` on the database at ``url``, parsed."""
    result = run("--db", url, "show", str(ident), "--json")
    assert result.code == 0, result.err
    data: dict[str, object] = json.loads(result.out)
    return data
