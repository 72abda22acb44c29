"""The form-system catalogue (:mod:`tests.ingest.parse.forms`): every system in every format it sends
is read with the expected visitor, fields, page and message, and never as spam or "not a submission"."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import parse_message
from tests.ingest.parse.forms import FORMS, Form, build, cases, checks


@pytest.mark.parametrize(("form", "fmt"), cases(), ids=[f"{f.key}-{fmt}" for f, fmt in cases()])
def test_form_system_is_read(form: Form, fmt: str) -> None:
    draft = parse_message(build(form, fmt))
    wrong = [(what, expected, found) for what, expected, found in checks(form, draft) if expected != found]
    assert not wrong, (draft.plugin, draft.fields)


def test_catalogue_covers_named_and_unnamed_systems() -> None:
    assert sum(form.named for form in FORMS) >= 20
    assert sum(not form.named for form in FORMS) >= 5
    assert {"plain", "html", "multipart"} <= {fmt for _, fmt in cases()}


def test_first_and_last_name_are_joined() -> None:
    from tests.ingest.parse.forms import EVEREST, HUBSPOT
    assert parse_message(build(EVEREST, "html")).visitor_name == "Julia Wagner"
    assert parse_message(build(HUBSPOT, "plain")).visitor_name == "Nora Kelly"


def test_admin_and_service_links_are_never_the_page() -> None:
    from tests.ingest.parse.forms import DRUPAL, NETLIFY, WIX
    for form, fmt in ((DRUPAL, "plain"), (NETLIFY, "multipart"), (WIX, "html")):
        assert parse_message(build(form, fmt)).page_url is None


def test_a_checkbox_group_as_a_list_is_one_topic_of_choices() -> None:
    from tests.ingest.parse.forms import SILVERSTRIPE
    assert parse_message(build(SILVERSTRIPE, "html")).topic == "Market access, Medical education"
