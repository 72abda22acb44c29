"""Every condition field, matching and not matching, on plain facts (no database)."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leaddesk.rules.facts import Facts
from leaddesk.rules.matching import compile_condition, normalise_phone, shown_value
from leaddesk.rules.spec import parse_condition

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Tuesday 2026-03-03 19:30 in Stockholm (18:30 UTC)
EVENING = datetime(2026, 3, 3, 18, 30, tzinfo=UTC)
# Tuesday 2026-03-03 10:00 in Stockholm
MORNING = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)


def facts(**overrides: object) -> Facts:
    base = Facts(id=1, received_at=MORNING, subject="New message from Send Us A Message",
                 body="Could you quote a price for a speakers bureau?", topic="Speakers bureaus",
                 page_url="https://www.example-pharma-agency.com/blog/white-paper-speakers/",
                 post_title="White paper: speakers bureaus", account="site",
                 email="anna@Gota-Biomed.se", phone="+46 31 555 21 80",
                 fields={"Form name": "Contact EU"}, returning=False, status="new",
                 is_submission=True, assignee=None)
    return replace(base, **overrides)  # type: ignore[arg-type]


def holds(condition: str, f: Facts) -> bool:
    return compile_condition(parse_condition(condition), STOCKHOLM)(f)


@pytest.mark.parametrize(("condition", "yes", "no"), [
    ("topic=speakers BUREAUS", {}, {"topic": "Market access"}),
    ("topic=speakers bureaus", {}, {"topic": None}),
    ("post=white-paper-speakers", {}, {"page_url": "https://x.example/other/", "post_title": None}),
    ("post=White paper: speakers", {"page_url": None}, {"post_title": "Market access"}),
    ("site=example-pharma-agency.com", {}, {"page_url": "https://evil.example/"}),
    ("site=https://example-pharma-agency.com/", {},
     {"page_url": "https://example-pharma-agency.com.evil.example/"}),
    ("form=Contact EU", {}, {"fields": {"Form name": "Contact US"}}),
    ("form=send us a message", {"fields": {}}, {"subject": "Website enquiry", "fields": {}}),
    ("account=SITE", {}, {"account": "api"}),
    ("words=price,quote", {}, {"body": "Priceless advice, quoted", "subject": "Hello"}),
    ("words=urgent", {"subject": "URGENT: call me"}, {"body": "not urgently"}),
    ("domain=gota-biomed.se", {}, {"email": "anna@gota-biomed.se.evil.example"}),
    ("domain=@biomed.se", {"email": "x@gota.biomed.se"}, {"email": None}),
    ("phone-prefix=+46", {}, {"phone": "+33 4 72 55 51 60"}),
    ("phone-prefix=+358,+46", {"phone": "0046 (31) 555-2180"}, {"phone": None}),
    ("contact=new", {}, {"returning": True}),
    ("contact=returning", {"returning": True}, {}),
    ("hours=18-08", {"received_at": EVENING}, {}),
    ("hours=9:30-17", {}, {"received_at": EVENING}),
    ("days=mon-fri", {}, {"received_at": SATURDAY}),
    ("days=sat,sun", {"received_at": SATURDAY}, {}),
    ("days=fri-mon", {"received_at": SATURDAY}, {}),
])
def test_each_field_matches_and_does_not(condition: str, yes: dict[str, object],
                                         no: dict[str, object]) -> None:
    assert holds(condition, facts(**yes))
    assert not holds(condition, facts(**no))


def test_hours_wrap_midnight_in_the_rules_time_zone() -> None:
    late = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)  # 00:30 in Stockholm
    early = datetime(2026, 3, 3, 6, 59, tzinfo=UTC)  # 07:59 in Stockholm
    eight = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm: office hours
    assert holds("hours=18-08", facts(received_at=late))
    assert holds("hours=18-08", facts(received_at=early))
    assert not holds("hours=18-08", facts(received_at=eight))
    # the same moment in UTC is 07:00: still "night" there, but not in Stockholm
    utc = compile_condition(parse_condition("hours=18-08"), UTC)
    assert utc(facts(received_at=eight))


def test_days_are_read_in_the_rules_time_zone() -> None:
    friday_night_utc = datetime(2026, 3, 6, 23, 30, tzinfo=UTC)  # Saturday in Stockholm
    assert holds("days=sat", facts(received_at=friday_night_utc))
    assert not compile_condition(parse_condition("days=sat"), UTC)(
        facts(received_at=friday_night_utc))


def test_words_are_whole_words_in_subject_or_message() -> None:
    assert holds("words=bureau", facts())
    assert not holds("words=bure", facts())
    assert holds("words=c++", facts(body="we use c++ daily"))


@pytest.mark.parametrize(("words", "subject", "body", "found"), [
    ("price,seo", "Hello", "Our PRICE list?", True),  # ASCII: the quick look lower-cases
    ("seo", "Hello", "Prices and a seo-friendly site", True),
    ("seo", "Hello", "Seoul office", False),  # the quick look passes; the expression decides
    ("seo", "Hi", "Rankings", False),  # the quick look alone rules it out
    ("seo", "Grüße", "\u017feo ranking", True),  # a long s: lower() keeps it, ignoring case not
    ("köln", "Grüße aus KÖLN", "", True),  # a non-ASCII word: the expression alone
    ("köln", "Hello from Koln", "", False),
])
def test_a_text_is_ruled_out_quickly_only_where_the_expression_would_agree(
        words: str, subject: str, body: str, found: bool) -> None:
    assert holds(f"words={words}", facts(subject=subject, body=body)) is found


def test_phone_numbers_are_read_without_punctuation() -> None:
    assert normalise_phone("0046 (31) 555-21.80") == "+46315552180"
    assert normalise_phone(None) == ""


def test_the_value_shown_by_rules_test() -> None:
    f = facts(received_at=EVENING)
    assert shown_value(parse_condition("hours=18-08"), f, STOCKHOLM) == "19:30"
    assert shown_value(parse_condition("days=mon"), f, STOCKHOLM) == "tue"
    assert shown_value(parse_condition("domain=x.se"), f, STOCKHOLM) == "gota-biomed.se"
    assert shown_value(parse_condition("topic=x"), facts(topic=None), STOCKHOLM) == "(none)"


def test_words_in_ascii_text_are_found_as_the_expression_finds_them() -> None:
    # ASCII leads are searched with str.find on one lower-cased text, others with the
    # expression after a look for the words in that text; all must say the same: whole words,
    # any case, subject or message, nothing found across the two.
    words = "price,quote,seo ranking,budget"
    expression = re.compile(r"(?<!\w)(?:price|quote|seo ranking|budget)(?!\w)", re.IGNORECASE)
    test = compile_condition(parse_condition(f"words={words}"), STOCKHOLM)
    pieces = ["price", "Price", "PRICING", "quote", "quoted", "_quote", "quote_", "2quote",
              "seo ranking", "SEO Ranking", "seo  ranking", "seo", "ranking", "budget", "x", "9",
              "-", " ", "\n", ".", "_", "é", "ß",
              # letters an expression ignoring case takes for ASCII ones: İ and ı for i, ſ for s
              "pr\u0130ce", "pr\u0131ce", "\u017feo ranking", "Budget\u212a"]
    rng = random.Random(22)
    found = 0
    for _ in range(3000):
        subject = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 5)))
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        expected = bool(expression.search(subject) or expression.search(body))
        found += expected
        assert test(facts(subject=subject, body=body)) == expected, (subject, body)
    assert 300 < found < 2700  # both answers were tried often
