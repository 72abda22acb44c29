"""The .eml fixtures of the parser tests, read and parsed."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from leaddesk.ingest.parse import SubmissionDraft, parse_message

FIXTURES = Path(__file__).parent / "fixtures"


def raw(name: str) -> bytes:
    return (FIXTURES / f"{name}.eml").read_bytes()


def parse(name: str, site_addresses: Collection[str] = ()) -> SubmissionDraft:
    return parse_message(raw(name), site_addresses=site_addresses)


def all_fixtures() -> list[str]:
    return sorted(path.stem for path in FIXTURES.glob("*.eml"))
