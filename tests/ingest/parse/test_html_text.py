"""The renderer's tokenizer reads attributes a run at a time without giving any back: it finds the
tokens its one-character form (the pattern it stands for) finds, on odd markup and on every fixture."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import html_text, mime
from tests.ingest.parse.eml import all_fixtures, raw
from tests.ingest.parse.forms import build, cases

# The pattern before its attributes were read a run at a time.
_ONE_CHARACTER = re.compile(
    r"<(/?)([a-zA-Z][^\s/<>]*)((?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*)>"
    r"|(<!--.*?(?:-->|\Z)|<[!?][^<>]*>?|[^<]+|<)",
    re.DOTALL)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="<>\"'/= \tab!-?\n&;", max_size=60))
def test_the_tokenizer_agrees_with_its_one_character_form(html: str) -> None:
    assert html_text._TOKEN.findall(html) == _ONE_CHARACTER.findall(html)
    assert [m.group(0) for m in html_text._TOKEN.finditer(html)] == [
        m.group(0) for m in _ONE_CHARACTER.finditer(html)]


def test_the_tokenizer_agrees_on_shapes_that_backtrack() -> None:
    for html in ['<a"x y">', '<a title="x>y">z', "<a b='c\"d'>", '<a "b>', '<a b="c<d">', "<a<b>",
                 '<td class="x" style=\'y\'/>', "<a href=x>y</a>", "<a " + "x " * 200 + "<b>",
                 '<a "' + "x" * 200 + "<", "<!-- <a> -->", "<?xml x?>", "<"]:
        assert html_text._TOKEN.findall(html) == _ONE_CHARACTER.findall(html), html


def test_the_tokenizer_agrees_on_every_fixture() -> None:
    raws = [raw(name) for name in all_fixtures()] + [build(form, fmt) for form, fmt in cases()]
    htmls = [mail.html for mail in map(mime.read, raws) if mail.html]
    assert len(htmls) > 50
    for html in htmls:
        assert html_text._TOKEN.findall(html) == _ONE_CHARACTER.findall(html)
