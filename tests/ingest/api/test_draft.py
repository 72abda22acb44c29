"""build_draft: taught labels and the page URL reach an API record's draft as they reach a mail's."""

from __future__ import annotations

from leaddesk.ingest.api.draft import RecordFields, build_draft

PAGE = "https://www.example-pharma-agency.com/blog/speakers/"


def test_taught_labels_win_over_the_synonyms() -> None:
    record = RecordFields(fields={"Name": "Jane Roe", "Area": "Oncology", "Message": "Hello"})
    assert build_draft(record, plugin="generic").topic is None
    assert build_draft(record, plugin="generic", label_map={"area": "topic"}).topic == "Oncology"


def test_the_page_url_is_not_counted_as_a_visitor_link() -> None:
    message = f"See {PAGE} and https://a.example https://b.example https://c.example"
    record = RecordFields(fields={"Name": "Jane Roe", "Message": message}, page_url=PAGE)
    draft = build_draft(record, plugin="generic")
    assert not draft.is_spam, draft.spam_reason
    record.fields["Message"] = message + " https://d.example"
    assert build_draft(record, plugin="generic").spam_reason == "4 links in the message"
