"""HTML bodies: rendered to text with table rows as "Label: value", sanitised for display."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.parse.fieldlines import ForcedLabel
from leaddesk.ingest.parse.html_text import render
from leaddesk.ingest.parse.sanitise import sanitise


def test_two_cell_rows_become_pairs() -> None:
    html = "<table><tr><td>Name:</td><td>Jan</td></tr><tr><td>Message:</td><td>Hi<br>there</td></tr></table>"
    rendered = render(html)
    assert rendered.pairs == [("Name", "Jan"), ("Message", "Hi\nthere")]
    assert rendered.text == "Name: Jan\nMessage: Hi\nthere"


def test_label_row_then_value_row_becomes_a_pair() -> None:
    html = ("<table><tr><td colspan=2><strong>Email</strong></td></tr>"
            "<tr><td width=20>&nbsp;</td><td><a href='mailto:a@b.example'>a@b.example</a></td></tr>"
            "<tr><th>Phone</th></tr><tr><td>+49 30 1</td></tr></table>")
    assert render(html).pairs == [("Email", "a@b.example"), ("Phone", "+49 30 1")]


def test_nested_layout_tables_do_not_merge_rows() -> None:
    html = ("<table><tr><td>Header text<table><tr><td>A</td><td>1</td></tr></table>after</td>"
            "<td>side</td></tr></table>")
    assert render(html).items == ("Header text", ("A", "1"), "after", "side")


def test_blocks_and_breaks_keep_lines_and_scripts_styles_titles_vanish() -> None:
    html = ("<html><head><title>T</title><style>p{color:red}</style></head><body>"
            "<p>First   paragraph\nstill first</p><div>Second</div>line<br/>break"
            "<script>alert(1)</script><pre>  keep\n  spacing</pre></body></html>")
    # <pre> keeps its line breaks (indentation is not kept: lines are trimmed everywhere).
    assert render(html).text == "First paragraph still first\n\nSecond\nline\nbreak\nkeep\nspacing"


def test_links_keep_their_target_when_the_text_hides_it() -> None:
    assert render('Page: <a href="https://x.example/post/">The post</a>').text == \
        "Page: The post (https://x.example/post/)"
    assert render('<a href="https://x.example/">https://x.example/</a>').text == "https://x.example/"
    assert render('<a href="mailto:a@b.example">a@b.example</a>').text == "a@b.example"


def test_broken_markup_is_rendered_anyway() -> None:
    assert render("<td>a<tr><td>b</td></p></p><!-- x").text
    assert render("<table><tr><td>").text == ""


def test_sanitise_removes_remote_resources_and_scripts() -> None:
    dirty = ('<html><head><link rel="stylesheet" href="https://evil.example/x.css"><style>a{}</style></head>'
             '<body style="background:url(https://evil.example/bg.png)">'
             '<img src="https://evil.example/p.gif"><p style="color:red" onclick="x()">Hi <b>there</b></p>'
             '<iframe src="https://evil.example"></iframe>'
             '<a href="javascript:alert(1)">js</a><a href="https://ok.example/">ok</a>'
             '<table><tr><td colspan="2" bgcolor="#fff">cell</td></tr></table>'
             '<form><input></form></body></html>')
    clean = sanitise(dirty)
    for gone in ("evil.example", "<img", "<link", "<style", "style=", "onclick", "<iframe", "javascript:",
                 "<form", "<input", "bgcolor"):
        assert gone not in clean
    assert "<p>Hi <b>there</b></p>" in clean
    assert '<a href="https://ok.example/" rel="noopener noreferrer nofollow">ok</a>' in clean
    assert '<td colspan="2">cell</td>' in clean


def test_html_only_mail_gets_full_text_from_the_html() -> None:
    draft = parse_message(b"From: Web <web@site.example>\nSubject: x\n"
                          b"Content-Type: text/html; charset=utf-8\n\n"
                          b"<p>Name: Jane</p><p>Email: jane@x.example</p><p>Message: Hello<br>World</p>")
    assert draft.full_text == "Name: Jane\n\nEmail: jane@x.example\n\nMessage: Hello\nWorld"
    assert draft.body_text == "Hello\nWorld"
    assert draft.body_html == "<p>Name: Jane</p><p>Email: jane@x.example</p><p>Message: Hello<br>World</p>"


def test_plain_part_is_preferred_to_html() -> None:
    data = (b'From: a@b.example\nSubject: x\nContent-Type: multipart/alternative; boundary="b"\n\n'
            b"--b\nContent-Type: text/plain\n\nName: Plain\nEmail: p@x.example\n"
            b"--b\nContent-Type: text/html\n\n<p>Name: Html</p>\n--b--\n")
    draft = parse_message(data)
    assert draft.full_text == "Name: Plain\nEmail: p@x.example"
    assert draft.body_html == "<p>Name: Html</p>"


def test_a_bold_line_inside_a_layout_cell_is_a_label() -> None:
    # Most notifications frame their content in a one-cell layout table (Typeform's questions).
    html = ("<table><tr><td style='padding:32px'><h1>Project enquiry</h1>"
            "<p><strong>What's your name?</strong></p><p>Sarah</p>"
            "<p><strong>And your email address?</strong></p><p>sarah@emerald.example</p></td></tr></table>")
    items = render(html).items
    assert ForcedLabel("What's your name?") in items
    assert [item for item in items if isinstance(item, ForcedLabel)] == ["What's your name?",
                                                                         "And your email address?"]
    assert "Sarah" in items
    assert "\ue000" not in render(html).text


def test_a_bold_line_inside_a_pair_cell_is_not_a_mark() -> None:
    html = "<table><tr><td>Message</td><td><p><b>Important</b></p><p>call me</p></td></tr></table>"
    assert render(html).pairs == [("Message", "Important\n\ncall me")]


def test_white_space_pre_keeps_line_breaks_and_crlf_is_one() -> None:
    html = ("<table><tr><td>message</td><td style=\"white-space: pre-wrap;\">Hello,\r\nwe need\r\n\r\nKwame"
            "</td></tr><tr><td>note</td><td><pre>a\r\nb</pre></td></tr></table>")
    assert render(html).pairs == [("message", "Hello,\nwe need\n\nKwame"), ("note", "a\nb")]


def test_two_line_breaks_in_a_block_leave_an_empty_line() -> None:
    html = "<strong>Message</strong><div>Hello,<br />\nfirst part.<br />\n<br />\nSecond part.</div>"
    assert render(html).items == (ForcedLabel("Message"), "Hello,", "first part.", "", "Second part.")


def test_the_mark_of_a_label_cannot_be_smuggled_in() -> None:
    assert render("<p>\ue000Name</p><p>x</p>").items == ("Name", "", "x")


def test_an_element_that_says_it_is_a_label_reads_as_one() -> None:
    html = ('<div><span class="field-label">Your full legal name</span> '
            '<span class="field-value">Jane Roe</span></div>'
            '<label>Contact e-mail</label><div>jane@roe.example</div>'
            '<div class="question">Anything else?</div><div class="answer">No</div>'
            '<div class="name">Jane Roe</div>')
    assert render(html).lines == ["Your full legal name: Jane Roe", "Contact e-mail:", "jane@roe.example",
                                  "Anything else?:", "No", "Jane Roe"]


def test_a_bold_label_with_its_value_on_the_line_is_a_field_not_a_label() -> None:
    # "<b>Lead Source:</b> Web" is bold for 80 % of its letters, but it carries its own value.
    rendered = render("<b>Name:</b> Priya Shah<br/><b>Lead Source:</b> Web<br/><b>Description:</b> Hi<br/>"
                      "<b>Topic</b><br/>Market access")
    assert [item for item in rendered.items if isinstance(item, ForcedLabel)] == ["Topic"]
    assert "Lead Source: Web" in rendered.lines


@pytest.mark.parametrize("hidden", [
    '<p style="display:none">', '<p style="visibility: hidden">', '<p style="opacity:0">',
    '<p style="font-size:0px">', '<p style="max-height:0; overflow:hidden">', "<p hidden>",
    '<p class="pre x">',
])
def test_text_a_mail_client_hides_is_not_rendered(hidden: str) -> None:
    html = ("<style>.pre { display: none } @media (max-width: 480px) { .wide { display: none } }</style>"
            f"{hidden}Email: bot@evil.example<p>inner</p></p><p class=\"wide\">Name: Jane</p>")
    assert render(html).text == "Name: Jane"
    # The same text, shown, is read.
    assert "Email: bot@evil.example" in render(html.replace(hidden, "<p>", 1)).text


def test_when_the_html_part_names_nobody_the_text_parts_fields_are_read() -> None:
    # The parts of an alternative differ: the HTML is a summary (form, date, a button), the text has
    # the answers. Reading the HTML alone would call the lead "not a submission".
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText
    mail = MIMEMultipart("alternative")
    mail.attach(MIMEText("Name: Jane Roe\nEmail: jane.roe@novagen.example\nMessage: Hello,\nwe need help.\n\n"
                         "Form: Contact\n", "plain", "utf-8"))
    mail.attach(MIMEText("<table><tr><td>Form</td><td>Contact</td></tr><tr><td>Submitted</td>"
                         "<td>27 Nov 2026</td></tr></table><a href='https://forms.example/s/1'>View</a>",
                         "html", "utf-8"))
    mail["From"], mail["Subject"] = "Forms <no-reply@forms.example>", "New submission"
    draft = parse_message(mail.as_bytes())
    assert (draft.visitor_name, draft.visitor_email) == ("Jane Roe", "jane.roe@novagen.example")
    assert draft.body_text == "Hello,\nwe need help."


def test_the_visible_html_keeps_what_is_shown_and_nests_like_the_renderer() -> None:
    from leaddesk.ingest.parse.html_text import visible
    html = ('<div style="display:none"><div>a</div><div/>b</div><p>shown<br/></p>'
            '<p hidden>x</p><img src="x" hidden><span>after</span>')
    assert visible(html) == '<p>shown<br/></p><img src="x" hidden><span>after</span>'


def test_a_table_laid_out_sideways_pairs_column_by_column() -> None:
    # A row of <th> labels over a row of values, as exports and some flows mail a response.
    html = ("<table><tr><th>Full name</th><th>Work email</th><th>Your question</th></tr>"
            "<tr><td>Laura Meier</td><td>laura@zurich.example</td><td>Hello, a question.</td></tr></table>")
    assert render(html).pairs == [("Full name", "Laura Meier"), ("Work email", "laura@zurich.example"),
                                  ("Your question", "Hello, a question.")]


def test_rows_of_th_cells_beside_values_are_read_as_before() -> None:
    # Label cells in <th> beside their values, one field a row: not a sideways table.
    html = ("<table><tr><th>Name</th><th>Jane Roe</th></tr><tr><th>Email</th><th>jane@x.example</th></tr>"
            "</table>")
    assert render(html).pairs == [("Name", "Jane Roe"), ("Email", "jane@x.example")]
    # A head row over rows of another width stays the text it was.
    html = "<table><tr><th>Name</th><th>Email</th></tr><tr><td>Jane Roe</td></tr></table>"
    assert ("Name", "Email") in render(html).pairs


def test_a_sideways_head_waits_for_its_own_tables_row() -> None:
    # A table nested in the next row's cell is read on its own, and a row that frames a nested table
    # is no row of values: the head is read as it was before sideways tables were.
    html = ("<table><tr><th>Full name</th><th>Work email</th></tr>"
            "<tr><td>Laura Meier</td><td><table><tr><td>laura@zurich.example</td></tr></table></td></tr>"
            "</table><p>after</p>")
    assert render(html).items == ("laura@zurich.example", ("Full name", "Work email"), "Laura Meier", "",
                                  "after")
    # Another table's row is not the head's values.
    html = ("<table><tr><th>Name</th><th>Email</th></tr></table>"
            "<table><tr><td>Jane Roe</td><td>jane@x.example</td></tr></table>")
    assert render(html).pairs == [("Name", "Email"), ("Jane Roe", "jane@x.example")]


def test_a_label_cell_beside_a_value_in_a_table_of_its_own_labels_that_value() -> None:
    # TYPO3's form mail puts each value in a one-cell table inside the value cell: the label cell
    # comes first and labels it, the rows are not read one field late.
    value = "<td><table><tr><td>{}</td></tr></table></td>"
    html = ("<table><tr><td>Name</td>" + value.format("Anna Schmid") + "</tr><tr><td>E-Mail</td>"
            + value.format("anna@alpen.example") + "</tr><tr><td>Nachricht</td>"
            + value.format("Guten Tag,<br />\nwir planen eine Kampagne.") + "</tr></table>")
    assert render(html).pairs == [("Name", "Anna Schmid"), ("E-Mail", "anna@alpen.example"),
                                  ("Nachricht", "Guten Tag,\nwir planen eine Kampagne.")]
    # A cell of text before a nested table is read before the table's rows.
    html = ("<table><tr><td>Hello, this is a long sentence.</td><td><table><tr><td>inner</td></tr></table>"
            "</td></tr></table>")
    items = render(html).items
    assert items.index("Hello, this is a long sentence.") < items.index("inner")
