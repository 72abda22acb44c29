"""A text body's one look for control characters gives what the two general steps give: the share
of controls (a body of binary junk is said to be one) and the storable text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import charsets, mime
from leaddesk.ingest.parse.text import control_share, storable


def _general(data: bytes, charset: str) -> tuple[str, list[str]]:
    text, note = charsets.decode(data, charset)
    problems = [note] if note else []
    if control_share(text.replace("\r", "")) > 0.05:
        problems.append("the body looks like binary data, not text")
    return storable(text), problems


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from([b"a", b"\r", b"\n", b"\r\n", b"\x00", b"\x07", b"\x1b", b"\x7f", b"\t",
                                 "é".encode(), b"\xe9", b"\xed\xa0\x80", b"\xff", "日".encode(), b" "]),
                max_size=40),
       st.sampled_from(["utf-8", "latin-1", "cp1252"]))
def test_a_text_body_is_read_as_the_general_steps_read_it(pieces: list[bytes], charset: str) -> None:
    data = b"".join(pieces)
    problems: list[str] = []
    assert (mime._text_body(data, "8bit", charset, problems), problems) == _general(data, charset)
