"""Property tests: whatever bytes arrive, parse_message returns a consistent draft and no internal
error is swallowed on the way (the catch-all in parse_message would hide a crash otherwise)."""

from __future__ import annotations

from datetime import UTC

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import SubmissionDraft, parse_message
from tests.ingest.parse.eml import all_fixtures, raw

FIXTURES = {name: raw(name) for name in all_fixtures()}
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Bytes that steer the MIME parser into its corners.
NASTY = [b"\r\n", b"\n\n", b"--", b"=?utf-8?b?", b"?=", b"=\r\n", b"=E9", b"\x00", b"\xff\xfe", b"<table>",
         b"<td>", b"</tr>", b"Content-Type: multipart/mixed; boundary=x\r\n", b"charset=x-unknown",
         b"Content-Transfer-Encoding: base64\r\n", b": ", b"\t", b"\xc3", b"<br>", b"-- \n"]


def check(draft: SubmissionDraft) -> None:
    assert isinstance(draft, SubmissionDraft)
    assert not any(problem.startswith("parser error") for problem in draft.problems), draft.problems
    for text in (draft.subject or "", draft.body_text, draft.full_text, draft.body_html or "",
                 *draft.fields, *draft.fields.values(), *draft.problems):
        text.encode("utf-8")
        assert "\x00" not in text
    for moment in (draft.sent_at, draft.submitted_at):
        assert moment is None or moment.tzinfo is UTC
    assert (draft.not_submission_reason is None) == draft.is_submission
    assert (draft.spam_reason is not None) == draft.is_spam


@SETTINGS
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    check(parse_message(data))


@st.composite
def mutated_fixture(draw: st.DrawFn) -> bytes:
    data = bytearray(FIXTURES[draw(st.sampled_from(sorted(FIXTURES)))])
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        match draw(st.sampled_from(["flip", "delete", "insert", "nasty", "truncate", "duplicate"])):
            case "flip":
                data[at] ^= draw(st.integers(1, 255))
            case "delete":
                del data[at:at + draw(st.integers(1, 64))]
            case "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=32))
            case "nasty":
                data[at:at] = draw(st.sampled_from(NASTY))
            case "truncate":
                del data[at:]
            case "duplicate":
                data[at:at] = data[at:at + draw(st.integers(1, 200))]
    return bytes(data)


@SETTINGS
@given(mutated_fixture())
def test_mutated_fixtures(data: bytes) -> None:
    check(parse_message(data))


@SETTINGS
@given(st.lists(st.sampled_from([*NASTY, b"Name: x", b"Email: a@b.example", b"From: ", b"Subject: "]),
                max_size=40).map(b"".join))
def test_structured_junk(data: bytes) -> None:
    check(parse_message(data))
