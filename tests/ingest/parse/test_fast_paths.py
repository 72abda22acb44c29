"""The parser's shortcuts give what the slow, general code gives: the single-part MIME path, the HTML
tokenizer, the plain-address check, the one-mailbox header split, storable's printable check,
fold's ASCII case, the dashed-field pre-check and the URL pattern's first-letter class."""

from __future__ import annotations

import re
import unicodedata
from email.utils import getaddresses

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import html_text, mime, page
from leaddesk.ingest.parse.fieldlines import (
    _DASHED,
    _bare_label,
    _strip_marker,
    dashed_fields,
    is_footer,
    split_label_line,
)
from leaddesk.ingest.parse.headers import _pairs
from leaddesk.ingest.parse.text import _CONTROLS, _SURROGATES, fold, storable
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


def _fast_agrees_with_the_feed_parser(data: bytes) -> None:
    """For property tests (no fixtures there): the shortcut's Mail, when it takes ``data``, is read()'s
    without the shortcut."""
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


@settings(max_examples=500, deadline=None)
@given(mutated_fixture())
def test_the_fast_mime_path_agrees_on_damaged_mail(data: bytes) -> None:
    _fast_agrees_with_the_feed_parser(data)


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


@pytest.mark.parametrize("head", [
    b"Subject: a\r\n long\r\n\tfolded subject\r\nFrom: a@b.example\r\n",
    b"Subject:\n continued only\nFrom: a@b.example\n",
    b"From: a@b.example\nSubject: Gr\xc3\xbc\xc3\x9fe\nX-Empty:\n",
    b"From: a@b.example\nSubject: caf\xe9\n",
    b" From: a@b.example\nSubject: continuation first\n",
    b"From: a@b.example\nNot a header line\n",
    b"From : a@b.example\nSubject: spaced name\n",
    b"From: a@b.example\nSubject: one\nSubject: two\nTo: c@d.example\n",
])
def test_the_header_split_agrees_with_the_feed_parser(head: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    data = head + b"\nName: Jane\nEmail: jane@example.com\n"
    fast = mime._fast(data)
    if fast is not None:
        assert fast == _slow_read(data, monkeypatch)
    assert mime.read(data) == _slow_read(data, monkeypatch)


def _storable_by_patterns(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATES.sub("\ufffd", _CONTROLS.sub("", text))


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=())))
def test_storable_agrees_with_its_patterns(text: str) -> None:
    assert storable(text) == _storable_by_patterns(text)


@pytest.mark.parametrize("text", ["plain", "tab\there", "cr\rlf\r\n", "nul\x00", "del\x7f", "lone \ud800",
                                  "non-breaking\xa0space", "line\u2028separator", "\x85next line"])
def test_storable_on_the_characters_its_shortcut_skips(text: str) -> None:
    assert storable(text) == _storable_by_patterns(text)


# What page.URL stands for: http(s) links and www. hosts, as a plain alternation.
_URL_BY_ALTERNATION = re.compile(r"[hH][tT][tT][pP][sS]?://[^\s<>\"'()\[\]]+|\b[wW]{3}\.[^\s<>\"'()\[\]]+")


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="hHtTpPsSwW:/.-_aé1 \n<>\"'()[]x"))
def test_the_url_pattern_finds_what_the_alternation_finds(text: str) -> None:
    assert _spans(page.URL, text) == _spans(_URL_BY_ALTERNATION, text)


@pytest.mark.parametrize("text", [
    "see https://a.example/x and www.b.example.", "xwww.no.example awww.b wWw.c.example", "_www.x.example",
    "HTTPS://A.EXAMPLE http:/no hTtP://mixed.example", "éwww.accent.example", "www.", "http://",
])
def test_the_url_pattern_on_edges(text: str) -> None:
    assert _spans(page.URL, text) == _spans(_URL_BY_ALTERNATION, text)


def test_the_url_pattern_agrees_on_every_fixture() -> None:
    for data in RAWS:
        mail = mime.read(data)
        for text in (mail.text, mail.html):
            if text:
                assert _spans(page.URL, text) == _spans(_URL_BY_ALTERNATION, text)


def _fold_by_unicode(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fold_agrees_with_its_unicode_form(text: str) -> None:
    assert fold(text) == _fold_by_unicode(text)
    ascii_text = text.encode("ascii", "replace").decode("ascii")
    assert fold(ascii_text) == _fold_by_unicode(ascii_text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["--- Name ---", "-- Name --", "Jane", "", "--- E-mail ---", "a---b",
                                 "----", "---  x  ---", "- -- Name -- -"])).map("\n".join))
def test_dashed_fields_skips_only_text_its_pattern_cannot_match(text: str) -> None:
    if "---" not in text:
        assert _DASHED.search(text) is None
        assert dashed_fields(text) == []
    else:
        assert len(dashed_fields(text)) == len(_DASHED.findall(text))


def _alternative(body: str, boundary: str = "b1", head: str = "") -> bytes:
    return (f"From: a@b.example\nSubject: s\n{head}MIME-Version: 1.0\n"
            f"Content-Type: multipart/alternative; boundary=\"{boundary}\"\n\n{body}").encode(
                "utf-8", "surrogateescape")


_PLAIN = "Content-Type: text/plain; charset=utf-8\n\nName: Jane\nEmail: jane@example.com\n"
_HTML = "Content-Type: text/html; charset=utf-8\n\n<p>Name: Jane</p>\n"


@pytest.mark.parametrize(("data", "fast"), [
    (_alternative(f"preamble\n--b1\n{_PLAIN}--b1\n{_HTML}--b1--\nepilogue\n"), True),
    (_alternative(f"--b1  \r\n{_PLAIN}\r\n--b1\t\n{_HTML}--b1-- \n"), True),
    (_alternative(f"--b1\n{_PLAIN}--b1\n{_PLAIN}--b1\n{_HTML}--b1--"), True),
    (_alternative("--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n"
                  "TmFtZTogSmFuZQ==\n--b1--\n"), True),
    (_alternative("--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
                  "Caf=C3=A9 =\nau lait\n--b1--\n"), True),
    (_alternative(f"--b1\n{_PLAIN}--b1\n{_HTML}"), False),  # no closing boundary
    (_alternative(f"--b1\n{_PLAIN}--b1\n--b1\n{_HTML}--b1--\n"), False),  # an empty part
    (_alternative(f"--b1\nContent-Type: multipart/mixed; boundary=b2\n\n--b2\n{_PLAIN}--b2--\n--b1--\n"),
     False),
    (_alternative(f"--b1\n{_PLAIN}--b1\nContent-Type: text/plain\nContent-Disposition: attachment\n\nx\n"
                  f"--b1--\n"), False),
    (_alternative(f"--b1\n{_PLAIN}--b1x\nnot a boundary\n--b1--x\n--b1--\n"), True),
    (_alternative("--b1\nContent-Type: text/plain\n\nlone\rCR\n--b1--\n"), False),
    (_alternative("--b1\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nTmFtZ\n--b1--\n"),
     False),
    (_alternative(f"--<b1>\n{_PLAIN}--<b1>--\n", boundary="<b1>"), False),
    (_alternative(f"--b1--\n{_PLAIN}"), False),
    (_alternative("--b1\nName: Jane\n\nno content type\n--b1--\n"), False),
    (_alternative(f"--b1\n{_PLAIN}--b1--\n", head="Content-Transfer-Encoding: base64\n"), False),
    (_alternative("--b1\nContent-Type: text/plain; charset=iso-8859-1\n\nCaf\udce9\n--b1--\n"), True),
])
def test_the_fast_multipart_path_agrees_with_the_feed_parser(
        data: bytes, fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    found = mime._fast(data)
    assert (found is not None) == fast
    if found is not None:
        assert found == _slow_read(data, monkeypatch)
    assert mime.read(data) == _slow_read(data, monkeypatch)


def test_the_fast_path_reads_the_multipart_fixtures() -> None:
    taken = [data for data in RAWS if b"multipart/alternative" in data and mime._fast(data) is not None]
    assert len(taken) >= 10


_PIECES = ["--b1", "--b1--", "--b1 ", "--b1--\t", "--b1x", "-b1", "Content-Type: text/plain",
           "Content-Type: text/html", "--b1\nContent-Type: text/html\n",
           "--b1\r\nContent-Type: text/plain\r\n",
           "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: base64",
           "Content-Transfer-Encoding: quoted-printable", "Content-Disposition: attachment", " folded",
           "", "Name: Jane", "<p>x</p>", "TmFtZQ==", "caf=C3=A9=", "\udce9t\udce9", "x\r"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=16), st.sampled_from(["\n", "\r\n"]))
def test_the_fast_multipart_path_agrees_on_shuffled_parts(lines: list[str], newline: str) -> None:
    # Opened as a part and closed, so that many of the examples take the shortcut.
    _fast_agrees_with_the_feed_parser(
        _alternative(newline.join(["--b1", "Content-Type: text/plain", "", *lines, "--b1--"])))


@pytest.mark.parametrize("html", [
    "<table><tr><td CLASS='Label'>Name</td><td>Jane</td></tr></table>",
    "<table><tr><td width=20 data-class=label>Name</td><td>Jane</td></tr></table>",
    "<table><tr><th class=field-name>Email</th><td class=value>j@x.example</td></tr></table>",
    "<p><A HREF='https://x.example/page'>the page</A> <a name=top>top</a> <a href>empty</a></p>",
    "<p><span class=label>Name</span> <font color=red>Jane</font> <img src=x.png></p>",
])
def test_the_tokenizer_reads_the_attributes_the_renderer_needs(html: str) -> None:
    assert _items_with_tokenizer(html) == _items_with_html_parser(html)


@pytest.mark.parametrize("line", ["", " ", "\t", " \t ", "\xa0", "\u2003"])
def test_a_blank_line_is_neither_a_label_nor_a_footer(line: str) -> None:
    # What label_value_fields' shortcut for blank lines takes for granted.
    assert split_label_line(_strip_marker(line)) is None
    assert _bare_label(_strip_marker(line)) is None
    assert not is_footer(line)
