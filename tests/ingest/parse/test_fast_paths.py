"""The parser's shortcuts give what the slow, general code gives: the single-part MIME path, the HTML
tokenizer, the plain-address check and the one-mailbox header split."""

from __future__ import annotations

from email.utils import getaddresses

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import html_text, mime
from leaddesk.ingest.parse.headers import _pairs
from leaddesk.ingest.parse.visitor import _plain_address
from tests.ingest.parse.eml import all_fixtures, raw
from tests.ingest.parse.forms import build, cases
from tests.ingest.parse.test_properties import mutated_fixture

RAWS = [raw(name) for name in all_fixtures()] + [build(form, fmt) for form, fmt in cases()]


def _slow_read(data: bytes, monkeypatch: pytest.MonkeyPatch) -> mime.Mail:
    with monkeypatch.context() as patch:
        patch.setattr(mime, "_fast", lambda _raw: None)
        return mime.read(data)


def test_the_fast_mime_path_is_taken_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = 0
    for data in RAWS:
        fast = mime._fast(data)
        if fast is not None:
            taken += 1
            assert fast == _slow_read(data, monkeypatch)
    assert taken >= 30  # the catalogue is mostly base64 and multipart, which the feed parser reads


@settings(max_examples=500, deadline=None)
@given(mutated_fixture())
def test_the_fast_mime_path_agrees_on_damaged_mail(data: bytes) -> None:
    try:
        fast = mime._fast(data)
    except Exception:
        return  # read() falls back to the feed parser
    if fast is not None:
        mime_fast, mime._fast = mime._fast, lambda _raw: None  # type: ignore[assignment]
        try:
            assert fast == mime.read(data)
        finally:
            mime._fast = mime_fast


def _items_with_html_parser(html: str) -> list[html_text.Item]:
    renderer = html_text._Renderer()
    renderer.feed(html)
    renderer.close()
    return renderer.items


def _items_with_tokenizer(html: str) -> list[html_text.Item]:
    renderer = html_text._Renderer()
    html_text._feed(renderer, html)
    renderer.close()
    return renderer.items


def test_the_tokenizer_renders_like_html_parser() -> None:
    htmls = [mail.html for mail in map(mime.read, RAWS) if mail.html]
    assert len(htmls) > 20
    for html in htmls:
        assert _items_with_tokenizer(html) == _items_with_html_parser(html)


@pytest.mark.parametrize("html", [
    "<p>a &amp; b</p>", "<a href='x?a=1&amp;b=2'>link</a>", "<br/>x<br />y", "<p>unclosed <b>bold",
    "<!-- c --><!DOCTYPE html><p>x</p>", "a < b and c > d", "<td class=\"label\">Name</td><td>Jane</td>",
])
def test_the_tokenizer_on_odd_markup(html: str) -> None:
    assert _items_with_tokenizer(html) == _items_with_html_parser(html)


def test_the_tokenizer_is_linear_on_unclosed_tags() -> None:
    html_text.render('<a "' * 20000 + "<p x='" * 20000)  # would take minutes if matches rescanned


_ADDRESS_CHARS = st.sampled_from(list("abcXYZ019._+-@'\"!#%&*/=?^`{|}~ ()<>,;:[]\\é"))


@settings(max_examples=500, deadline=None)
@given(st.text(_ADDRESS_CHARS, min_size=3, max_size=40))
def test_a_plain_address_is_one_email_validator_accepts(candidate: str) -> None:
    if _plain_address(candidate):
        try:
            checked = validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
        except EmailNotValidError as error:
            raise AssertionError(f"{candidate!r}: {error}") from None
        assert checked.normalized.lower() == candidate.lower()


@pytest.mark.parametrize("address", ["jane@novagen.example", "Jane.Doe+x@sub.novagen.co.uk"])
def test_plain_addresses_take_the_shortcut(address: str) -> None:
    assert _plain_address(address)


@pytest.mark.parametrize("address", ["a..b@x.com", "a@x.test", "a@localhost", "jane@novagen", "a@-x.com"])
def test_doubtful_addresses_go_to_email_validator(address: str) -> None:
    assert not _plain_address(address)


@settings(max_examples=500, deadline=None)
@given(st.text(st.sampled_from(list('ab "<>@,.;:()\\=?é\t')), max_size=30))
def test_the_one_mailbox_split_agrees_with_getaddresses(value: str) -> None:
    assert _pairs(value) == getaddresses([value])
