"""One-line values refuse every character ``str.splitlines()`` breaks a line on, and only those."""

from __future__ import annotations

import sys

import pytest

from leaddesk import accounts
from leaddesk.db import Database
from leaddesk.errors import ValidationError
from leaddesk.lines import LINE_BREAKS, has_line_break
from leaddesk.reply import templates
from leaddesk.reply.compose import no_line_breaks


def test_the_set_is_exactly_what_splitlines_knows() -> None:
    breaking = {chr(c) for c in range(sys.maxunicode + 1)
                if not 0xD800 <= c <= 0xDFFF and len(f"a{chr(c)}b".splitlines()) > 1}
    assert breaking == set(LINE_BREAKS)


@pytest.mark.parametrize("char", sorted(LINE_BREAKS))
def test_each_line_break_is_refused_in_a_header(char: str) -> None:
    assert has_line_break(f"Hello{char}Bcc: victim@example.org")
    with pytest.raises(ValidationError, match="contains a line break"):
        no_line_breaks(f"Hello{char}Bcc: victim@example.org", "subject")


def test_ordinary_text_is_one_line() -> None:
    assert not has_line_break("Zoë Müller — «Re: white paper» \t 😀")
    assert no_line_breaks("Re: white paper", "subject") == "Re: white paper"


@pytest.mark.parametrize("char", ["\u2028", "\x85", "\x0b"])
def test_a_template_subject_and_an_account_setting_refuse_them_too(db: Database, char: str) -> None:
    with db.session() as s, pytest.raises(ValidationError, match="one line"):
        templates.add_template(s, "t", "Hi", subject=f"Your paper{char}Bcc: x@y.org", actor="Ada")
    with db.session() as s, pytest.raises(ValidationError, match="one line"):
        accounts.add_account(s, "replies", "smtp", {
            "host": "127.0.0.1", "security": "ssl", "user": "ada", "from_address": "team@example-agency.com",
            "from_name": f"Ada{char}Bcc: x@y.org"}, actor="tester")
