"""The structural reader (:mod:`leaddesk.ingest.parse.fieldlines`): each shape of label and value, and
where a free-text message ends."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.parse.fieldlines import ForcedLabel, is_footer, label_value_fields

CF7_CUSTOM = (
    "From: Hanna Lind <hanna.lind@nordpharma.example>\nSubject: Speakers bureaus\n\nMessage Body:\n"
    "{message}\n\nPage URL: https://www.example-pharma-agency.com/blog/speakers/\nDate: November 27, 2026\n"
    "IP: 203.0.113.9\n\n-- \nThis e-mail was sent from a contact form on Example Pharma Agency "
    "(https://www.example-pharma-agency.com)\n")


def _mail(body: str, subject: str = "Contact") -> bytes:
    return (f"From: Example Pharma Agency <wordpress@example-pharma-agency.com>\r\n"
            f"To: leads@example-pharma-agency.com\r\nSubject: {subject}\r\n"
            "Date: Fri, 27 Nov 2026 10:00:00 +0000\r\nMessage-ID: <r1@example-pharma-agency.com>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + body.replace("\n", "\r\n")).encode()


def test_cf7_message_body_then_trailing_metadata() -> None:
    message = "We need a speakers bureau.\nNote: two congresses.\nSee https://a.example https://b.example"
    draft = parse_message(_mail(CF7_CUSTOM.format(message=message), 'Example Pharma Agency "Speakers"'))
    assert draft.plugin == "contact-form-7"
    assert draft.body_text == message
    assert draft.page_url == "https://www.example-pharma-agency.com/blog/speakers/"
    assert draft.fields["Date"] == "November 27, 2026"
    assert draft.fields["IP"] == "203.0.113.9"
    assert not draft.is_spam, draft.spam_reason


_TRAILERS = ["Page URL: https://www.example-pharma-agency.com/blog/post/", "Date: November 27, 2026",
             "IP: 203.0.113.9", "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
             "Remote IP: 198.51.100.4", "Time: 10:32 am", "Referer: https://www.example-pharma-agency.com/"]
_MESSAGE_LINE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                        max_size=60).filter(lambda line: line.strip() == line)


@settings(max_examples=200, deadline=None)
@given(st.lists(_MESSAGE_LINE, min_size=1, max_size=8).filter(lambda lines: any(lines)),
       st.lists(st.sampled_from(_TRAILERS), min_size=1, max_size=4, unique=True), st.booleans())
def test_trailing_metadata_never_joins_the_message(lines: list[str], trailers: list[str],
                                                   blank: bool) -> None:
    text = "\n".join(["Name: Jane Roe", "Email: jane@novagen.example", "Message:", *lines,
                      *([""] if blank else []), *trailers])
    fields, _ = label_value_fields(text)
    labels = [label for label, _ in fields]
    message = dict(fields).get("Message", "")
    for trailer in trailers:
        label, _, value = trailer.partition(": ")
        assert trailer not in message
        assert label in labels
        assert dict(fields)[label].startswith(value)


@settings(max_examples=200, deadline=None)
@given(st.lists(_MESSAGE_LINE, min_size=1, max_size=8).filter(lambda lines: any(lines)),
       st.lists(st.sampled_from(_TRAILERS), min_size=1, max_size=4, unique=True))
def test_trailing_metadata_never_joins_a_cf7_message_body(lines: list[str], trailers: list[str]) -> None:
    message = "\n".join(lines)
    body = CF7_CUSTOM.replace("{message}", message).replace(
        "Page URL: https://www.example-pharma-agency.com/blog/speakers/\nDate: November 27, 2026\n"
        "IP: 203.0.113.9\n", "\n".join(trailers) + "\n")
    draft = parse_message(_mail(body, 'Example Pharma Agency "Speakers"'))
    for trailer in trailers:
        assert trailer not in draft.body_text
        label, _, value = trailer.partition(": ")
        assert draft.fields.get(label, "").startswith(value), (label, draft.fields)


def test_message_keeps_its_own_colon_lines_but_not_a_closing_block() -> None:
    text = ("Name: Jane Roe\nEmail: jane@novagen.example\nMessage: Hello\nNote: we need 200 speakers\n"
            "Thanks\n\nBudget: 50k\nTimeline: Q3")
    fields = dict(label_value_fields(text)[0])
    assert fields["Message"] == "Hello\nNote: we need 200 speakers\nThanks"
    assert fields["Budget"] == "50k"
    assert fields["Timeline"] == "Q3"


@pytest.mark.parametrize("line", [
    "Privacy: please keep this confidential, the product is unreleased.",
    "Terms: we usually pay net 30.", "File: two videos of 3 minutes each.",
    "Attachment: the brief follows by post.", "Datenschutz: bitte vertraulich."])
def test_a_consent_or_file_label_ends_a_message_only_where_the_visitors_text_ends(line: str) -> None:
    # A consent box or a file field after the message ends it; the same label as the visitor's own
    # heading, with more of the message after it, is part of the message (as parser 7 read it).
    head = "Name: Jane Roe\nEmail: jane@novagen.example\nMessage: Hello,\n"
    within = dict(label_value_fields(f"{head}{line}\nWe would like a proposal by Friday.\n"
                                     "Page URL: https://example.com/contact/")[0])
    assert within["Message"] == f"Hello,\n{line}\nWe would like a proposal by Friday."
    label, _, value = line.partition(": ")
    after = dict(label_value_fields(f"{head}We would like a proposal.\n{line}\n"
                                    "Page URL: https://example.com/contact/")[0])
    assert (after["Message"], after[label]) == ("Hello,\nWe would like a proposal.", value)


def test_one_closing_colon_line_stays_in_the_message() -> None:
    text = "Name: Jane Roe\nEmail: jane@novagen.example\nMessage: Hello\n\nPS: call me"
    assert dict(label_value_fields(text)[0])["Message"] == "Hello\n\nPS: call me"


def test_label_on_its_own_line() -> None:
    fields = dict(label_value_fields("Name\nJane Roe\nEmail\njane@novagen.example\nMessage\nHi\nthere")[0])
    assert fields == {"Name": "Jane Roe", "Email": "jane@novagen.example", "Message": "Hi\nthere"}


def test_unknown_bare_line_is_not_a_label() -> None:
    fields = dict(label_value_fields("Name: Jane\nMessage: Hi\nWeather\nis fine")[0])
    assert fields["Message"] == "Hi\nWeather\nis fine"


def test_numbered_and_bulleted_lists() -> None:
    numbered = dict(label_value_fields("1. *Name*\nJane\n2. *Email*\njane@novagen.example")[0])
    assert numbered == {"Name": "Jane", "Email": "jane@novagen.example"}
    bulleted = dict(label_value_fields("- Name: Jane\n• Email: jane@novagen.example\n* Company: Novagen")[0])
    assert bulleted == {"Name": "Jane", "Email": "jane@novagen.example", "Company": "Novagen"}


def test_forced_labels_from_html_blocks() -> None:
    lines = [ForcedLabel("Budget range"), "10-50k", ForcedLabel("Email"), "jane@novagen.example"]
    assert dict(label_value_fields(lines)[0]) == {"Budget range": "10-50k", "Email": "jane@novagen.example"}


def test_dashed_blocks() -> None:
    fields = dict(label_value_fields("--- Name ---\n\nJane\n\n--- Comment ---\n\nHi\nthere\n")[0])
    assert fields == {"Name": "Jane", "Comment": "Hi\nthere"}


def test_footer_sentence_ends_a_field() -> None:
    text = "Name: Jane\nContact Form URL: https://x.example/p/\nSent by an unverified visitor to your site."
    assert dict(label_value_fields(text)[0])["Contact Form URL"] == "https://x.example/p/"


def test_html_label_shapes() -> None:
    html = ("<h3>Name</h3><p>Jane Roe</p><p><strong>E-mail</strong></p><div>jane@novagen.example</div>"
            "<dl><dt>Company</dt><dd>Novagen</dd></dl><b>Message:</b><br>Hello<br>there")
    raw = (b"From: Site <site@example-pharma-agency.com>\r\nSubject: Contact\r\nDate: Fri, 27 Nov 2026 "
           b"10:00:00 +0000\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode())
    draft = parse_message(raw)
    assert (draft.visitor_name, draft.visitor_email, draft.visitor_company) == (
        "Jane Roe", "jane@novagen.example", "Novagen")
    assert draft.body_text == "Hello\nthere"


def test_label_map_wins_over_the_synonyms() -> None:
    body = "Name: Jane Roe\nEmail: jane@novagen.example\nArea: Oncology\nSubject: Hi\nMessage: Hello"
    assert parse_message(_mail(body)).topic is None
    draft = parse_message(_mail(body), label_map={"area": "topic", "name": "company"})
    assert draft.topic == "Oncology"
    assert draft.visitor_company == "Jane Roe"


def test_a_label_known_by_a_keyword_starts_a_field_only_where_one_can_start() -> None:
    text = "The sender's name\nHugo Lambert\n\nThe sender's email\nhugo@belgo.example\n\nMessage\nHello"
    assert dict(label_value_fields(text)[0]) == {
        "The sender's name": "Hugo Lambert", "The sender's email": "hugo@belgo.example", "Message": "Hello"}
    inside = "Name: Jane\nMessage: Hello\n\nThe sender's name\nis Jane, as above"
    assert dict(label_value_fields(inside)[0])["Message"] == (
        "Hello\n\nThe sender's name\nis Jane, as above")


_WORDS = st.sampled_from(["we", "need", "a", "speakers", "bureau", "for", "our", "launch", "in", "spring",
                          "please", "call", "me", "about", "patient", "engagement", "and", "the",
                          "congress", "budget", "thanks"])
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=12).map(" ".join)
_SHAPES = {
    "lines": lambda pairs: "\n".join(f"{label}: {value}" for label, value in pairs),
    "bare": lambda pairs: "\n\n".join(f"{label}\n{value}" for label, value in pairs),
    "list": lambda pairs: "\n".join(f"{i}. *{label}*\n{value}" for i, (label, value) in enumerate(pairs, 1)),
    "table": lambda pairs: "<table>" + "".join(f"<tr><td>{label}</td><td>{value.replace(chr(10), '<br>')}"
                                               f"</td></tr>" for label, value in pairs) + "</table>",
    "bold": lambda pairs: "".join(f"<p><strong>{label}</strong></p><p>{value.replace(chr(10), '<br>')}</p>"
                                  for label, value in pairs),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(_SHAPES)), st.sampled_from(["Name", "Full name", "Your Name", "Nom"]),
       st.sampled_from(["Email", "E-mail", "Your email", "Courriel"]),
       st.sampled_from(["Message", "Your message", "Comments", "How can we help?", "Nachricht"]),
       st.lists(_SENTENCE, min_size=1, max_size=4))
def test_a_plain_lead_in_any_shape_is_read_and_never_hidden(shape: str, name_label: str, email_label: str,
                                                            message_label: str, sentences: list[str]) -> None:
    message = "\n".join(sentences)
    pairs = [(name_label, "Jane Roe"), (email_label, "jane.roe@novagen.example"), (message_label, message)]
    body = _SHAPES[shape](pairs)
    ctype = "html" if shape in ("table", "bold") else "plain"
    raw = _mail(body).replace(b"text/plain", f"text/{ctype}".encode())
    draft = parse_message(raw)
    assert draft.is_submission, draft.not_submission_reason
    assert not draft.is_spam, draft.spam_reason
    assert (draft.visitor_name, draft.visitor_email) == ("Jane Roe", "jane.roe@novagen.example")
    assert draft.body_text == message


def test_marked_html_labels_win_over_a_keyword_guess() -> None:
    # "Project enquiry" (the form's title) names a message by a keyword; the HTML marks the real labels.
    lines = ["Project enquiry", "", "You have a new response.", "", ForcedLabel("What's your name?"),
             "Sarah", "", ForcedLabel("And your email?"), "sarah@emerald.example"]
    fields, _ = label_value_fields(lines)
    assert fields == [("What's your name?", "Sarah"), ("And your email?", "sarah@emerald.example")]


def test_an_introduction_to_the_fields_is_not_a_field() -> None:
    fields, _ = label_value_fields("Submitted values are:\nName: Ana\nEmail: ana@lusomed.example\nWebsite:\n")
    assert fields == [("Name", "Ana"), ("Email", "ana@lusomed.example"), ("Website", "")]
    fields, _ = label_value_fields("Die Angaben lauten:\n\nName: Jan\nTelefon: 030 1234")
    assert fields == [("Name", "Jan"), ("Telefon", "030 1234")]


@pytest.mark.parametrize("line", [
    "Made with Typeform.", "See all responses (https://admin.typeform.com/form/x/results)",
    "View submission", "© Example Pharma Agency Powered by FluentForm.", "© 2026 Example Pharma Agency",
    "Voir l'entrée", "Ver envío", "Eintrag ansehen", "(Sent via Example Pharma Agency)",
    "Does this submission look like spam? Report it here.", "Manage Submissions",
    "________________________________",
])
def test_service_credits_and_dashboard_links_are_footers(line: str) -> None:
    assert is_footer(line)


@pytest.mark.parametrize("line", ["©", "See you soon", "Made in Germany", "View from the office is great",
                                  "Sign here: ________", "___", "Does this look like a plan to you?"])
def test_lines_of_a_message_are_not_footers(line: str) -> None:
    assert not is_footer(line)


def test_a_table_in_text_is_read_row_by_row() -> None:
    # A Markdown table, or an HTML table as a mail client writes it into the text part.
    fields, _ = label_value_fields("| Field | Value |\n|---|---|\n| Name | Jane Roe |\n"
                                   "| Page | https://www.example-pharma-agency.com/a/ |\n")
    assert fields == [("Name", "Jane Roe"), ("Page", "https://www.example-pharma-agency.com/a/")]


def test_key_value_and_tab_lines_need_a_label_the_table_knows() -> None:
    fields, _ = label_value_fields("name=Jane Roe\nemail=jane@roe.example\n"
                                   "Contact email\tjane.roe@roe.example\nx=1\nFavourite colour\tblue")
    assert fields[:3] == [("name", "Jane Roe"), ("email", "jane@roe.example"),
                          ("Contact email", "jane.roe@roe.example\nx=1\nFavourite colour\tblue")]


def test_a_one_line_value_does_not_go_on_after_an_empty_line() -> None:
    fields, _ = label_value_fields("Email: jane@roe.example\n\nSubmission details\nForm: Contact us\n"
                                   "Notes: first paragraph\n\nsecond paragraph")
    assert fields == [("Email", "jane@roe.example"), ("Form", "Contact us"),
                      ("Notes", "first paragraph\n\nsecond paragraph")]


def test_labels_named_by_a_keyword_alternating_with_values_are_fields() -> None:
    # Table rows of a label and a value each, no empty lines between, no bold to say which is which.
    fields, _ = label_value_fields(["Your full legal name", "Jane Roe", "Contact email", "jane@roe.example",
                                    "Your company name", "Roe Ltd"])
    assert fields == [("Your full legal name", "Jane Roe"), ("Contact email", "jane@roe.example"),
                      ("Your company name", "Roe Ltd")]
    # Inside a message the same lines stay the visitor's.
    fields, _ = label_value_fields(["Message:", "We make vaccines.", "Our company name", "is Roe Ltd"])
    assert fields == [("Message", "We make vaccines.\nOur company name\nis Roe Ltd")]


def test_a_label_underlined_by_dashes_is_a_label() -> None:
    # Quform's plain-text e-mail: the label, a row of dashes, the value; a row of dashes after an empty
    # line (Elementor's separator before its metadata) or after a sentence is no underline.
    text = ("Name\n------------------------\nBeatriz Almeida\n\nMessage\n------------------------\n"
            "Olá,\npodemos falar?\n\nThanks.\n---\nForm URL\n========\nhttps://x.example/contact/\n")
    fields = dict(label_value_fields(text)[0])
    assert fields["Name"] == "Beatriz Almeida"
    assert fields["Message"] == "Olá,\npodemos falar?\n\nThanks."  # the rule under it is no text
    assert fields["Form URL"] == "https://x.example/contact/"
    assert dict(label_value_fields("Name: Jane\n\n---\n\nDate: today\n")[0]) == {"Name": "Jane",
                                                                               "Date": "today"}


def test_a_dash_separates_a_known_label_from_its_value() -> None:
    # Spectra's form block writes "<strong>Label</strong> - value"; a colon later on is the value's.
    fields = dict(label_value_fields(["Name - Lars Eriksen", "Areas Of Interest - Digital campaigns",
                                      "Message - Hello, Note: launch in Q3.", "Pricing - ask us"])[0])
    assert fields == {"Name": "Lars Eriksen", "Areas Of Interest": "Digital campaigns",
                      "Message": "Hello, Note: launch in Q3.\nPricing - ask us"}
    # A dash in a sentence of the message is no label.
    assert label_value_fields(["Message:", "We met in Basel - great talk.", "Regards - Tom"])[0] == [
        ("Message", "We met in Basel - great talk.\nRegards - Tom")]


def test_a_raw_array_input_name_is_a_label() -> None:
    # Hosted backends (Basin, Formspree, FormSubmit) show a checkbox group by its posted name.
    fields = dict(label_value_fields("company: Lyon Santé\ninterests[]: Market access, Digital\n")[0])
    assert fields == {"company": "Lyon Santé", "interests": "Market access, Digital"}


@pytest.mark.parametrize("sentence", [
    "To unsubscribe patients from SMS reminders we need a new consent flow.",
    "To stop receiving paper reports, our reps want a dashboard.",
    "Powered by our new CRM, we want to run campaigns.",
    "Sent by courier last week, the samples never arrived.",
    "You received our proposal in May; here is the update.",
    "See the results of our survey at https://survey.example/2026",
])
def test_a_footer_like_sentence_of_the_visitor_does_not_cut_the_message(sentence: str) -> None:
    for message in (f"Hello,\n{sentence}\nCan you help?\nJane", f"Hello,\n\n{sentence}\n\nThanks,\nJane"):
        fields = dict(label_value_fields(f"Name: Jane Roe\nMessage: {message}\n")[0])
        assert fields["Message"] == message


@pytest.mark.parametrize("footer", [
    "-- \nThis e-mail was sent from a contact form on Example (https://example.com)",
    "This form was submitted at 09:42 AM UTC - 27 November 2026.",
    "(Sent via Example Pharma Agency)",
    "You received this email because your address is set in the form settings on Example",
    "To unsubscribe from these notifications, click here.",
    "Powered by Formspree",
    "Manage Submissions\n\nDoes this submission look like spam? Report it here.",
    "Does this submission look like spam? Report it here. (https://www.squarespace.com/report/1)",
])
def test_a_notifications_footer_still_ends_the_message(footer: str) -> None:
    fields = dict(label_value_fields(f"Name: Jane Roe\nMessage: Hello,\nwe need help.\n\n{footer}\n")[0])
    assert fields["Message"] == "Hello,\nwe need help."


@pytest.mark.parametrize("credit", ["Sent from Example Pharma Agency", "Powered by Formspree",
                                    "(Sent via Example Pharma Agency)", "View Submission",
                                    "Manage Submissions"])
def test_a_short_credit_right_under_the_message_ends_it(credit: str) -> None:
    # An HTML block after the message cell renders on the next line, with no empty line between.
    fields = dict(label_value_fields(["Name: Jane Roe", "Message: Hello,", "we need help.", credit])[0])
    assert fields["Message"] == "Hello,\nwe need help."


def test_an_optional_field_left_empty_does_not_take_the_next_field() -> None:
    # Labels the table does not know ("Budżet", "Termin"): the next "Label: value" line is a field of
    # its own, as the lines above it were; a message label left empty still takes the lines below.
    fields = label_value_fields("Imię: Ola\nBudżet:\nTermin: maj 2027\nUwagi:\nProszę o telefon.\n")[0]
    assert fields == [("Imię", "Ola"), ("Budżet", ""), ("Termin", "maj 2027"), ("Uwagi", "Proszę o telefon.")]
    assert dict(label_value_fields("Name: Ola\nMessage:\nNote: call me.\nThanks\n")[0])["Message"] == (
        "Note: call me.\nThanks")


def test_a_value_indented_under_its_label_loses_the_layouts_indentation() -> None:
    text = ("name\n    Arjun Mehta\n\nmessage\n    Hello,\n      indented by the visitor\n\n    Thanks\n\n"
            "View it at https://formkeep.example/entries\n")
    fields = dict(label_value_fields(text)[0])
    assert fields["message"] == "Hello,\n  indented by the visitor\n\nThanks"
    # A value begun on its label's line keeps the lines below as they are.
    assert dict(label_value_fields("Message: Hello,\n  see below\n")[0])["Message"] == "Hello,\n  see below"


@pytest.mark.parametrize("text", [
    "Name.......: Jane Roe\nE-mail.....: jane@roe.example\nTel.: +44 20 5555 0101\n",
    "Name => Jane Roe\nE-mail => jane@roe.example\nTel. => +44 20 5555 0101\n",
    "[Name] Jane Roe\n[E-mail] jane@roe.example\n[Tel.] +44 20 5555 0101\n",
])
def test_leaders_arrows_and_bracketed_labels(text: str) -> None:
    assert label_value_fields(text)[0] == [("Name", "Jane Roe"), ("E-mail", "jane@roe.example"),
                                           ("Tel.", "+44 20 5555 0101")]


def test_a_full_width_colon_separates_a_label() -> None:
    fields = label_value_fields("お名前：山田 花子\nメールアドレス：hanako.yamada@sakura.example\n")[0]
    assert fields == [("お名前", "山田 花子"), ("メールアドレス", "hanako.yamada@sakura.example")]


def test_a_value_aligned_in_a_column_loses_the_columns_indentation() -> None:
    # Formstack's plain text: labels padded so that every value starts in one column, a multi-line
    # value continued under that column.
    text = ("Name:        Jamal Idris\nComments:    Hello,\n             we need a campaign.\n"
            "               Two lines indented by the visitor.\n")
    fields = dict(label_value_fields(text)[0])
    assert fields["Name"] == "Jamal Idris"
    assert fields["Comments"] == "Hello,\nwe need a campaign.\n  Two lines indented by the visitor."
    # Continuation lines not under the value's column keep what the visitor typed.
    assert dict(label_value_fields("Comments:    Hello,\n  see below\n")[0])["Comments"] == (
        "Hello,\n  see below")


def test_a_question_before_its_colon_is_a_label_however_long() -> None:
    # RSForm!Pro's default form: seven words and a question mark, right before the colon.
    text = ("Full Name: Luca Bianchi\nHow should we contact you?: E-mail\n"
            "When would you like to be contacted?: Morning\nMessage: Hello\n")
    assert label_value_fields(text)[0] == [
        ("Full Name", "Luca Bianchi"), ("How should we contact you?", "E-mail"),
        ("When would you like to be contacted?", "Morning"), ("Message", "Hello")]
    # A sentence that merely ends in a question mark, a colon later on the line, is not one.
    fields = dict(label_value_fields("Message: Hello,\nwhy not meet in May? Options: 3 or 4\n")[0])
    assert fields["Message"] == "Hello,\nwhy not meet in May? Options: 3 or 4"


def test_a_question_may_open_with_an_inverted_mark() -> None:
    fields = dict(label_value_fields("Nombre: Lucía\n¿En qué podemos ayudarle?: Hola,\nuna campaña.\n")[0])
    assert fields["¿En qué podemos ayudarle?"] == "Hola,\nuna campaña."


def test_a_section_heading_after_a_one_line_value_is_not_more_of_it() -> None:
    # WS Form's text e-mail: "* Section *" between a label-over-value field and the next one.
    text = "Phone\n+46 8 555 010 20\n\n* Your enquiry *\n\nInquiry\nHello,\nwe need help.\n"
    fields = dict(label_value_fields(text)[0])
    assert fields["Phone"] == "+46 8 555 010 20"
    assert fields["Inquiry"] == "Hello,\nwe need help."


@pytest.mark.parametrize("closing", [
    "View contact (https://app.service.example/contacts/1)", "View lead", "Open record",
    "You're receiving this email because you chose to be notified of new form submissions.",
])
def test_a_service_link_or_notice_after_the_message_ends_it(closing: str) -> None:
    fields = dict(label_value_fields(f"Name: Jane Roe\nMessage: Hello,\nwe need help.\n\n{closing}\n")[0])
    assert fields["Message"] == "Hello,\nwe need help."


def test_an_arrow_between_a_known_label_and_its_value() -> None:
    fields = label_value_fields("Name -> Grace Liu\nEmail → grace@harbour.example\n")[0]
    assert fields == [("Name", "Grace Liu"), ("Email", "grace@harbour.example")]
    # An arrow after words the table does not know is the visitor's writing, not a label.
    fields = label_value_fields("Message: Hello,\nStep 1 -> step 2\n")[0]
    assert fields == [("Message", "Hello,\nStep 1 -> step 2")]


def test_a_rule_of_underscores_separates_fields_and_is_no_value() -> None:
    # FormSubmit's fields as a mail client renders them to text: each label over its value, a rule of
    # underscores between fields, an optional field left empty, then the service's own lines.
    rule = "_" * 32
    text = (f"name:\n\nJane Roe\n\n{rule}\nwebsite:\n\n{rule}\nmessage:\n\nHello,\nwe need help.\n\n"
            f"{rule}\n\nSubmitted at Mon, Dec 7, 2026 7:38 AM (UTC)\n\nYour friends from,\n\n"
            "FormSubmit Team\n")
    fields = dict(label_value_fields(text)[0])
    assert fields == {"name": "Jane Roe", "website": "", "message": "Hello,\nwe need help."}


@pytest.mark.parametrize("line", [
    "SMS Consent: I agree to receive text messages from Example Pharma Agency. Reply STOP to opt out.",
    "How did you hear about us?: Google search",
    "Wie haben Sie von uns erfahren?: Empfehlung",
])
def test_a_consent_or_how_did_you_hear_question_after_the_message_ends_it(line: str) -> None:
    # A text-message consent box and the "how did you hear about us" question follow the message on
    # many hosted forms (Squarespace, Wix): after an empty line they are fields of their own.
    text = f"Name: Jane Roe\nEmail: jane@novagen.example\nMessage: Hello,\nwe need help.\n\n{line}\n"
    fields = dict(label_value_fields(text)[0])
    label, _, value = line.partition(": ")
    assert (fields["Message"], fields[label]) == ("Hello,\nwe need help.", value)


def test_a_consent_sentence_after_the_message_ends_it() -> None:
    # Kadence Blocks' plain text: a consent box labelled by a whole sentence, then a hidden page field.
    text = ("Nombre: Lucía\n\nMensaje: Hola,\n\nqueremos una propuesta.\n\n"
            "He leído y acepto la Política de privacidad: Aceptar\n\nPágina: https://x.example/es/\n")
    fields = dict(label_value_fields(text)[0])
    assert fields["Mensaje"] == "Hola,\n\nqueremos una propuesta."
    assert fields["He leído y acepto la Política de privacidad"] == "Aceptar"
    # The same words with more of the visitor's text after them are the visitor's.
    text = "Message: Hello,\n\nI accept your terms and conditions: all of them.\nSee you in May.\n"
    assert dict(label_value_fields(text)[0])["Message"] == (
        "Hello,\n\nI accept your terms and conditions: all of them.\nSee you in May.")


def test_a_consent_label_over_its_answer_ends_the_message() -> None:
    # Jetpack Forms' HTML as text: each label over its value; a consent box answered "Yes" after the
    # message, then the mail's buttons.
    lines = ["Votre message", "", "Bonjour,", "nous visons le printemps.",
             "J’accepte d’être recontacté(e)", "", "Yes", "Mark as spam (https://x.example/wp-admin/)",
             "View in dashboard (https://x.example/)"]
    fields = dict(label_value_fields(lines)[0])
    assert fields["Votre message"] == "Bonjour,\nnous visons le printemps."
    assert fields["J’accepte d’être recontacté(e)"] == "Yes"
    # A sentence of consent in the message, followed by more than an answer, stays in it.
    lines = ["Message", "Hello,", "I agree with your white paper", "on most points.", "Thanks"]
    assert dict(label_value_fields(lines)[0])["Message"] == (
        "Hello,\nI agree with your white paper\non most points.\nThanks")


def test_a_dashboard_button_is_a_footer() -> None:
    assert is_footer("Mark as spam")
    assert is_footer("View in dashboard (https://x.example/wp-admin/)")
    assert not is_footer("We would like to view it in the dashboard you built.")


def test_a_closing_line_in_other_languages_ends_the_message() -> None:
    # Forminator's default admin e-mail, translated: a rule, then "This message was sent from <site>".
    text = ("Messaggio: Buongiorno,\nvorremmo una proposta.\nCordiali saluti\n\n---\n"
            "Questo messaggio è stato inviato da https://x.example.\n")
    assert dict(label_value_fields(text)[0])["Messaggio"] == (
        "Buongiorno,\nvorremmo una proposta.\nCordiali saluti")
    assert is_footer("Deze e-mail is verzonden via het contactformulier van https://x.example")
    # A phone's signature is the visitor's, as "Sent from my iPhone" is.
    assert not is_footer("Inviato dal mio iPhone")
    assert not is_footer("Verzonden vanaf mijn iPhone")


def test_a_question_asked_before_its_colon_starts_a_field_after_the_message() -> None:
    # Wagtail's form mail: "label: value" lines, the message's lines as typed, then a question label
    # ("?:" is the form's writing, not a sentence's), French spacing before the question mark.
    text = ("Nom: Claire\nVotre message: Bonjour,\nnous voulons une offre.\nCordialement,\nClaire\n"
            "Comment nous avez-vous connus ?: Salon professionnel")
    fields, _ = label_value_fields(text)
    assert dict(fields)["Votre message"].endswith("Cordialement,\nClaire")
    assert dict(fields)["Comment nous avez-vous connus ?"] == "Salon professionnel"


@pytest.mark.parametrize("line", [
    "To view all of this form's submissions, visit https://www.example.com/dashboard/reports/forms/view/12",
    "View survey summary", "View 3 more responses", "See all submissions"])
def test_a_dashboard_link_ends_the_message(line: str) -> None:
    fields, _ = label_value_fields(f"Name: Jane\nMessage: Hello,\nwe need a proposal.\n\n{line}\n")
    assert dict(fields)["Message"] == "Hello,\nwe need a proposal."
