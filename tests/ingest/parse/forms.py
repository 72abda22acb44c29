"""A catalogue of form notifications, one per form system and format, with what the parser must read.

Each :class:`Form` is modelled on the template a form system really sends (the source of each is in
``fixtures/README.md``, section "The form-system catalogue"); :func:`build` renders it as raw bytes in
the formats that system sends: ``plain`` (text/plain), ``html`` (text/html) or ``multipart``
(multipart/alternative with both). The tests read every (form, format) pair and check each expected
value; ``bench/bench_parse.py`` scores the same checks as the accuracy figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate

from leaddesk.ingest.parse import SubmissionDraft

SITE = "https://www.example-pharma-agency.com"
MICRO = SITE + "/blog/focus-on-micro-influencers/"
SPEAKERS = SITE + "/blog/white-paper-speakers-bureaus/"
PATIENT = SITE + "/blog/white-paper-patient-engagement/"
IMI = SITE + "/blog/imi-public-private-partnerships/"
WP = "WordPress <wordpress@example-pharma-agency.com>"
TO = "leads@example-pharma-agency.com"


@dataclass(frozen=True)
class Form:
    """One notification: its headers, its bodies and the values the parser must find."""

    key: str
    system: str
    subject: str
    sender: str
    plain: str | None
    html: str | None
    expected: dict[str, str | None]
    reply_to: str | None = None
    formats: tuple[str, ...] = ()
    named: bool = True  # a system the issue names; False for the unnamed ones (generalisation)
    extra_headers: dict[str, str] = field(default_factory=dict)

    def all_formats(self) -> tuple[str, ...]:
        if self.formats:
            return self.formats
        found = [name for name, body in (("plain", self.plain), ("html", self.html)) if body]
        return (*found, "multipart") if len(found) == 2 else tuple(found)


def build(form: Form, fmt: str) -> bytes:
    """The raw message of ``form`` in ``fmt`` ("plain", "html" or "multipart")."""
    if fmt == "multipart":
        assert form.plain is not None
        assert form.html is not None
        message: MIMEMultipart | MIMEText = MIMEMultipart("alternative")
        message.attach(MIMEText(form.plain, "plain", "utf-8"))
        message.attach(MIMEText(form.html, "html", "utf-8"))
    else:
        body = form.plain if fmt == "plain" else form.html
        assert body is not None
        message = MIMEText(body, fmt, "utf-8")
    message["From"] = form.sender
    message["To"] = TO
    message["Subject"] = form.subject
    message["Date"] = formatdate(1796000000 + len(form.key) * 3600, usegmt=True)
    message["Message-ID"] = f"<{form.key}.{fmt}@mail.example-pharma-agency.com>"
    if form.reply_to:
        message["Reply-To"] = form.reply_to
    for name, value in form.extra_headers.items():
        message[name] = value
    return message.as_bytes()


def _rows(pairs: list[tuple[str, str]], row: str) -> str:
    return "".join(row.format(label=label, value=value.replace("\n", "<br>")) for label, value in pairs)


def _lines(pairs: list[tuple[str, str]], line: str = "{label}: {value}\n") -> str:
    return "".join(line.format(label=label, value=value) for label, value in pairs)


def _expect(name: str | None, email: str | None, *, phone: str | None = None,
            company: str | None = None, topic: str | None = None, page: str | None = None,
            message: str | None = None) -> dict[str, str | None]:
    return {"visitor_name": name, "visitor_email": email, "visitor_phone": phone,
            "visitor_company": company, "topic": topic, "page_url": page, "message_starts": message}


MSG = "Hello,\nwe would like to discuss a campaign for our new product.\nNote: launch is in Q3.\nThanks"
MSG_HTML = MSG.replace("\n", "<br>")

# ----------------------------------------------------------------- WordPress plugins

CF7_TRAILING = Form(
    "cf7_trailing", "Contact Form 7 (customised: Message Body then [_url], [_date], [_remote_ip])",
    'Example Pharma Agency "Speakers bureaus"', "Example Pharma Agency <wordpress@example-pharma-agency.com>",
    "From: Hanna Lind <hanna.lind@nordpharma.example>\nSubject: Speakers bureaus\n\nMessage Body:\n"
    "We need a speakers bureau for two congresses.\nDeadline: end of March.\nSee "
    "https://www.example-pharma-agency.com/services/ and https://congress.example/2027\n\n"
    f"Page URL: {SPEAKERS}?utm_source=newsletter\nPost: New White Paper on Building Speakers Bureaus\n"
    "Date: November 27, 2026\nTime: 3:04 pm\nIP: 203.0.113.9\n"
    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) https://browser.example/\n\n-- \n"
    "This e-mail was sent from a contact form on Example Pharma Agency (https://www.example-pharma-agency.com)",
    None, _expect("Hanna Lind", "hanna.lind@nordpharma.example", page=SPEAKERS,
                  message="We need a speakers bureau for two congresses.\nDeadline: end of March."),
    reply_to="hanna.lind@nordpharma.example")

CF7_HTML = Form(
    "cf7_html", "Contact Form 7 (custom template, HTML content type)",
    "[Example Pharma Agency] Contact", "Example Pharma Agency <wordpress@example-pharma-agency.com>", None,
    "<p>Name: Tomas Berg<br>Email: tomas.berg@balticbio.example<br>Company: Baltic Bio<br>"
    "Topic: Market access<br>Message:<br>" + MSG_HTML + "</p><p>Page: <a href=\"" + IMI + "\">"
    "Europe's IMI Sets Pace</a><br>Date: 27/11/2026<br>IP: 198.51.100.7</p><p>-- <br>This e-mail was sent "
    "from a contact form on Example Pharma Agency (https://www.example-pharma-agency.com)</p>",
    _expect("Tomas Berg", "tomas.berg@balticbio.example", company="Baltic Bio", topic="Market access",
            page=IMI, message="Hello,\nwe would like to discuss"),
    reply_to="tomas.berg@balticbio.example")

_WPF = [("Name", "Olivia Brandt"), ("Email", "olivia.brandt@helvepharm.example"),
        ("Phone", "+41 44 555 01 02"),
        ("Topic of interest", "Patient engagement"), ("Comment or Message", MSG)]
WPFORMS = Form(
    "wpforms", "WPForms (plain dashed template, modern HTML template)", "New Entry: Send Us A Message",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>",
    _lines(_WPF, "--- {label} ---\n\n{value}\n\n") + f"--- Page URL ---\n\n{PATIENT}\n\n",
    "<table class=\"body wpforms\"><tr><td><table class=\"container\">"
    + _rows([*_WPF, ("Page URL", PATIENT)],
            '<tr class="field-name"><td><strong>{label}</strong></td></tr>'
            '<tr class="field-value"><td>{value}</td></tr>')
    + '</table></td></tr><tr><td class="footer">Sent from <a href="' + SITE + '">Example Pharma Agency</a>'
    "</td></tr></table>",
    _expect("Olivia Brandt", "olivia.brandt@helvepharm.example", phone="+41 44 555 01 02",
            topic="Patient engagement", page=PATIENT, message="Hello,\nwe would like"),
    reply_to="olivia.brandt@helvepharm.example")

_GF = [("Name", "Lea Novak"), ("Email", "lea.novak@adriagen.example"), ("Company", "Adriagen d.o.o."),
       ("I'm interested in", "Medical education"), ("Message", MSG)]
GRAVITY = Form(
    "gravity", "Gravity Forms ({all_fields} HTML and text, {embed_url})", "New submission from Contact",
    "WordPress <wordpress@example-pharma-agency.com>",
    _lines(_GF) + f"\nSource URL: {PATIENT}\n",
    '<table width="99%" border="0" cellpadding="1" cellspacing="0" bgcolor="#EAEAEA"><tr><td>'
    '<table width="100%" border="0" cellpadding="5" cellspacing="0" bgcolor="#FFFFFF">'
    + _rows(_GF, '<tr bgcolor="#EAF2FA"><td colspan="2"><font style="font-family: sans-serif; '
            'font-size:12px;"><strong>{label}</strong></font></td></tr><tr bgcolor="#FFFFFF"><td width="20">'
            '&nbsp;</td><td><font style="font-family: sans-serif; font-size:12px;">{value}</font></td></tr>')
    + f"</table></td></tr></table><p>Source URL: {PATIENT}</p>",
    _expect("Lea Novak", "lea.novak@adriagen.example", company="Adriagen d.o.o.", topic="Medical education",
            page=PATIENT, message="Hello,\nwe would like"))

ELEMENTOR_PLAIN = Form(
    "elementor_plain", "Elementor Pro (plain content type, metadata on)", 'New message from "Example Pharma"',
    "Example Pharma <admin@example-pharma-agency.com>",
    "Name: Marta Ruiz\nEmail: marta.ruiz@iberfarma.example\nCompany: Iberfarma\nTopic: Micro-influencers\n"
    f"Message: {MSG}\n\n---\n\nDate: November 27, 2026\nTime: 4:07 pm\nPage URL: {MICRO}\n"
    "User Agent: Mozilla/5.0\nRemote IP: 192.0.2.10\nPowered by: Elementor\n", None,
    _expect("Marta Ruiz", "marta.ruiz@iberfarma.example", company="Iberfarma", topic="Micro-influencers",
            page=MICRO, message="Hello,\nwe would like"),
    reply_to="marta.ruiz@iberfarma.example")

NINJA_CONTACT_ME = Form(
    "ninja_contact_me", "Ninja Forms (default 'Contact Me' template)", "New message from Pieter Claes",
    WP, None, "<p>" + MSG_HTML + "</p><p>-Pieter Claes ( pieter.claes@flandria.example )</p>",
    _expect("Pieter Claes", "pieter.claes@flandria.example", message="Hello,\nwe would like"),
    reply_to="pieter.claes@flandria.example")

JETPACK = Form(
    "jetpack", "Jetpack contact form (current, HTML)", "[Example Pharma Agency] Focus on Micro-Influencers",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>", None,
    "<b>Name:</b> Ingrid Haug<br /><br /><b>Email:</b> ingrid.haug@fjordmed.example<br /><br />"
    "<b>Website:</b> https://fjordmed.example<br /><br /><b>Message:</b> " + MSG_HTML + "<br /><br />"
    "<br /><hr />Time: November 27, 2026 at 10:32 am<br />IP Address: 203.0.113.77<br />"
    f"Source URL: {MICRO}<br />Sent by an unverified visitor to your site.<br />"
    '<a href="https://www.example-pharma-agency.com/wp-admin/edit.php?post_type=feedback">View all '
    "responses</a>",
    _expect("Ingrid Haug", "ingrid.haug@fjordmed.example", page=MICRO, message="Hello,\nwe would like"),
    reply_to="Ingrid Haug <ingrid.haug@fjordmed.example>")

JETPACK_LEGACY = Form(
    "jetpack_legacy", "Jetpack / Grunion contact form (legacy, plain)",
    "[Example Pharma Agency] New White Paper on Patient Engagement", WP,
    "Name: Jonas Weber\nEmail: jonas.weber@alpenbio.example\nWebsite: \nComment: " + MSG + "\n\n"
    f"Time: November 27, 2026 at 10:32 am\nIP Address: 203.0.113.78\nContact Form URL: {PATIENT}\n"
    "Sent by an unverified visitor to your site.\n", None,
    _expect("Jonas Weber", "jonas.weber@alpenbio.example", page=PATIENT, message="Hello,\nwe would like"),
    reply_to="Jonas Weber <jonas.weber@alpenbio.example>")

_FF = [("Name", "Chiara Greco"), ("Email", "chiara.greco@medilatium.example"),
       ("Phone", "+39 06 555 0101"), ("Subject", "Market access"), ("Message", MSG)]
FLUENT = Form(
    "fluent", "Fluent Forms ({all_data} and 'This form submitted at')", "New Form Submission",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>", None,
    '<p><table class="ff_all_data" width="600" cellpadding="0" cellspacing="0"><tbody>'
    + _rows(_FF, '<tr class="field-label"><th style="padding: 6px 12px; background-color: #f8f8f8; '
            'text-align: left;"><strong>{label}</strong></th></tr><tr class="field-value">'
            '<td style="padding: 6px 12px 12px 12px;">{value}</td></tr>')
    + f"</tbody></table></p><p>This form submitted at: {IMI}</p>",
    _expect("Chiara Greco", "chiara.greco@medilatium.example", phone="+39 06 555 0101", page=IMI,
            message="Hello,\nwe would like"))

_FRM = [("Name", "Sven Olsen"), ("Email", "sven.olsen@nordcare.example"), ("Company", "Nordcare AS"),
        ("Message", MSG)]
FORMIDABLE = Form(
    "formidable", "Formidable Forms ([default-message] with user information)",
    "[Example Pharma Agency] Contact Us Form received", WP,
    "\n".join(f"{label}: {value}" for label, value in _FRM)
    + "\n\nUser-Agent (Browser/OS): Mozilla/5.0 (Macintosh) Safari\n"
    + f"Referrer: {SPEAKERS}\n",
    '<table cellspacing="0" style="font-size:12px;line-height:135%; border-bottom:1px solid #dddddd;"><tbody>'
    + _rows([*_FRM, ("User-Agent (Browser/OS)", "Mozilla/5.0 (Macintosh) Safari"), ("Referrer", SPEAKERS)],
            '<tr style="background-color:#ffffff;"><th style="text-align:left;">{label}</th>'
            '<td style="text-align:left;">{value}</td></tr>')
    + "</tbody></table>",
    _expect("Sven Olsen", "sven.olsen@nordcare.example", company="Nordcare AS", page=SPEAKERS,
            message="Hello,\nwe would like"),
    reply_to="sven.olsen@nordcare.example")

_FMN = [("Name", "Amelie Faure"), ("Email Address", "amelie.faure@provence-sante.example"),
        ("Phone Number", "+33 4 91 55 01 01"), ("Topic", "Digital campaigns"), ("Message", MSG)]
FORMINATOR = Form(
    "forminator", "Forminator (default admin e-mail, {all_fields} as a numbered list)",
    "New Form Entry #42 for Contact Us", WP,
    "You have a new website form submission:\n\n"
    + "".join(f"   {i}. *{label}*\n   {value}\n" for i, (label, value) in enumerate(_FMN, 1))
    + "\n---\nThis message was sent from https://www.example-pharma-agency.com.\n",
    "You have a new website form submission: <br/> <ol>"
    + _rows(_FMN, "<li><b>{label}</b><br/>{value}</li>")
    + "</ol> <br/>---<br/> This message was sent from https://www.example-pharma-agency.com.",
    _expect("Amelie Faure", "amelie.faure@provence-sante.example", phone="+33 4 91 55 01 01",
            topic="Digital campaigns", message="Hello,\nwe would like"))

DIVI = Form(
    "divi", "Divi contact form module (default message pattern)",
    "New Message From Example Pharma Agency - Contact",
    '"Karl Huber" <mail@example-pharma-agency.com>',
    MSG + "\r\nPhone: +43 1 555 0101\r\nCompany: Huber Pharma",
    None, _expect("Karl Huber", "karl.huber@huberpharma.example", phone="+43 1 555 0101",
                  company="Huber Pharma", message="Hello,\nwe would like"),
    reply_to='"Karl Huber" <karl.huber@huberpharma.example>')

KADENCE = Form(
    "kadence", "Kadence Blocks advanced form", "[Example Pharma Agency] New form submission",
    WP, None,
    "<p><strong>Name:</strong> Eva Lindqvist</p><p><strong>Email:</strong> eva.lindqvist@sveamed.example</p>"
    "<p><strong>Company:</strong> Sveamed AB</p><p><strong>Message:</strong> " + MSG_HTML + "</p>"
    f'<p>This e-mail was sent from a form on <a href="{MICRO}">Focus on Micro-Influencers</a> '
    f"({MICRO}).</p>",
    _expect("Eva Lindqvist", "eva.lindqvist@sveamed.example", company="Sveamed AB", page=MICRO,
            message="Hello,\nwe would like"),
    reply_to="eva.lindqvist@sveamed.example")

# ----------------------------------------------------------------- hosted services

HUBSPOT = Form(
    "hubspot_html", "HubSpot form notification (HTML and text)",
    "New form submission on Send Us A Message", "HubSpot <noreply@notifications.hubspot.com>",
    "Someone filled out Send Us A Message on your website.\n\nFirst name: Nora\nLast name: Kelly\n"
    "Email: nora.kelly@liffeybio.example\nCompany name: Liffey Bio\nMessage: " + MSG + "\n\n"
    f"Page submitted on: Focus on Micro-Influencers ({MICRO})\n\n"
    "View contact: https://app.hubspot.com/contacts/123/contact/456\n",
    "<p>Someone filled out <b>Send Us A Message</b> on your website.</p><table>"
    "<tr><td>First name:</td><td>Nora</td></tr><tr><td>Last name:</td><td>Kelly</td></tr>"
    "<tr><td>Email:</td><td>nora.kelly@liffeybio.example</td></tr><tr><td>Company name:</td>"
    "<td>Liffey Bio</td></tr><tr><td>Message:</td><td>" + MSG_HTML + "</td></tr></table>"
    f'<p>Page submitted on: <a href="{MICRO}">Focus on Micro-Influencers</a></p>'
    '<p><a href="https://app.hubspot.com/contacts/123/contact/456">View contact</a></p>',
    _expect("Nora Kelly", "nora.kelly@liffeybio.example", company="Liffey Bio", page=MICRO,
            message="Hello,\nwe would like"))

NETLIFY = Form(
    "netlify_html", "Netlify Forms", "[Netlify] New form submission from contact",
    "Netlify Forms <formresponses@netlify.com>",
    "Your form contact on example-pharma-agency got a new submission.\n\nname: Finn Murphy\n"
    "email: finn.murphy@corkpharm.example\ncompany: Corkpharm\nmessage: " + MSG + "\n\n"
    "You can view all submissions at https://app.netlify.com/sites/example-pharma/forms\n",
    "<p>Your form <b>contact</b> got a new submission.</p><dl><dt>name</dt><dd>Finn Murphy</dd>"
    "<dt>email</dt><dd>finn.murphy@corkpharm.example</dd><dt>company</dt><dd>Corkpharm</dd>"
    "<dt>message</dt><dd>" + MSG_HTML + "</dd></dl><p><a href=\"https://app.netlify.com/sites/"
    "example-pharma/forms\">View all submissions</a></p>",
    _expect("Finn Murphy", "finn.murphy@corkpharm.example", company="Corkpharm",
            message="Hello,\nwe would like"),
    reply_to="finn.murphy@corkpharm.example")

FORMSPREE = Form(
    "formspree_html", "Formspree", "New submission from www.example-pharma-agency.com/blog/focus-on-micro-"
    "influencers/", "Formspree <noreply@formspree.io>",
    "Someone just submitted your form on www.example-pharma-agency.com. Here's what they had to say:\n\n"
    "name:\nAoife Byrne\n\nemail:\naoife.byrne@shannonhealth.example\n\nmessage:\n" + MSG + "\n\n"
    "This form was submitted at 09:42 AM UTC - 27 November 2026.\n",
    "<p>Someone just submitted your form on www.example-pharma-agency.com. Here's what they had to say:</p>"
    "<table><tr><th>name</th><td>Aoife Byrne</td></tr><tr><th>email</th>"
    "<td>aoife.byrne@shannonhealth.example</td></tr><tr><th>message</th><td>" + MSG_HTML + "</td></tr>"
    "</table><p>This form was submitted at 09:42 AM UTC - 27 November 2026.</p>"
    '<p><a href="https://formspree.io/forms/abc/submissions">See all submissions</a> · '
    '<a href="https://formspree.io/unsubscribe/abc">Unsubscribe</a></p>',
    _expect("Aoife Byrne", "aoife.byrne@shannonhealth.example", page=MICRO, message="Hello,\nwe would like"),
    reply_to="aoife.byrne@shannonhealth.example")

WEBFLOW = Form(
    "webflow_html", "Webflow", "New form submission on Example Pharma Agency",
    "Webflow <no-reply-forms@webflow.com>",
    "Your site Example Pharma Agency has a new form submission from Contact Form.\n\nName: Mateo Silva\n"
    "Email: mateo.silva@lusopharma.example\nCompany: Lusopharma\nMessage: " + MSG + "\n\n"
    "View all submissions: https://webflow.com/dashboard/sites/example-pharma/forms\n",
    "<p>Your site <b>Example Pharma Agency</b> has a new form submission from <b>Contact Form</b>.</p>"
    "<p><strong>Name</strong><br>Mateo Silva</p><p><strong>Email</strong><br>mateo.silva@lusopharma.example"
    "</p><p><strong>Company</strong><br>Lusopharma</p><p><strong>Message</strong><br>" + MSG_HTML + "</p>"
    '<p><a href="https://webflow.com/dashboard/sites/example-pharma/forms">View all submissions</a></p>',
    _expect("Mateo Silva", "mateo.silva@lusopharma.example", company="Lusopharma",
            message="Hello,\nwe would like"))

_SQS = [("Name", "Ella Schmidt"), ("Email Address", "ella.schmidt@rheinmed.example"),
        ("Subject", "Patient engagement"), ("Message", MSG_HTML)]


def _squarespace_fields(pad: str) -> str:
    return "".join(f"{pad}<p>\n{pad}  <b>{label}:</b>\n{pad}  <span>{value}</span>\n{pad}</p>\n"
                   for label, value in _SQS)


# Squarespace writes every answer twice in its HTML, first in a hidden preview block, and closes both
# formats with a spam-report line (real notifications: see fixtures/README.md).
SQUARESPACE = Form(
    "squarespace", "Squarespace form block", "Form Submission - Contact - Send Us A Message",
    "\"Squarespace\" <form-submission@squarespace.info>",
    "Sent via form submission from Example Pharma Agency\n\nName: Ella Schmidt\n\n"
    "Email Address: ella.schmidt@rheinmed.example\n\nSubject: Patient engagement\n\nMessage: " + MSG + "\n\n"
    "Manage Submissions\n\nDoes this submission look like spam? Report it here.\n",
    "<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <title>Form Submission - Contact - Send Us A Message"
    "</title>\n  </head>\n  <body class=\"no-mail-styles\">\n    <div style=\"display:none;font-size:1px;"
    "line-height:1px;max-height:0px;max-width:0px;opacity:0;overflow:hidden;\">\n"
    + _squarespace_fields("      ") + "    </div>\n    <p>Sent via form submission from <i><a href=\""
    + SITE + "\">Example Pharma Agency</a></i></p>\n" + _squarespace_fields("    ")
    + "    <p>Does this submission look like spam? <a href=\"https://www.squarespace.com/report/abc\">"
    "Report it here.</a></p></body></html>\n",
    _expect("Ella Schmidt", "ella.schmidt@rheinmed.example", message="Hello,\nwe would like"),
    reply_to="ella.schmidt@rheinmed.example")

WIX = Form(
    "wix", "Wix Forms", "New form submission: Contact Us", "Wix Forms <no-reply@crm.wix.com>", None,
    "<div><h2>You got a new form submission</h2></div><div>Form: Contact Us</div>"
    "<div>First Name</div><div>Lukas</div><div>Last Name</div><div>Meier</div><div>Email</div>"
    "<div>lukas.meier@zurimed.example</div><div>Phone</div><div>+41 43 555 0101</div>"
    "<div>Message</div><div>" + MSG_HTML + "</div>"
    '<div><a href="https://manage.wix.com/dashboard/abc/contacts">View Submission</a></div>',
    _expect("Lukas Meier", "lukas.meier@zurimed.example", phone="+41 43 555 0101",
            message="Hello,\nwe would like"))

TYPEFORM = Form(
    "typeform", "Typeform response notification", "New response for Send Us A Message",
    "Typeform <notifications@typeform.io>",
    "Send Us A Message has a new response\n\nWhat's your name?\nSara Conti\n\n"
    "What's your email address?\nsara.conti@lombardia-bio.example\n\nWhich company do you work for?\n"
    "Lombardia Bio\n\nWhich topic are you interested in?\nSpeakers bureaus\n\nHow can we help?\n"
    + MSG + "\n",
    "<h2>Send Us A Message has a new response</h2><p><strong>What's your name?</strong></p><p>Sara Conti</p>"
    "<p><strong>What's your email address?</strong></p><p>sara.conti@lombardia-bio.example</p>"
    "<p><strong>Which company do you work for?</strong></p><p>Lombardia Bio</p>"
    "<p><strong>Which topic are you interested in?</strong></p><p>Speakers bureaus</p>"
    "<p><strong>How can we help?</strong></p><p>" + MSG_HTML + "</p>"
    '<p><a href="https://admin.typeform.com/form/abc/results">See all responses</a></p>',
    _expect("Sara Conti", "sara.conti@lombardia-bio.example", company="Lombardia Bio",
            topic="Speakers bureaus", message="Hello,\nwe would like"))

# ----------------------------------------------------------------- systems the issue does not name

DRUPAL = Form(
    "drupal_webform", "Drupal Webform (default e-mail)", "Webform submission from: Contact",
    "Example Pharma Agency <admin@example-pharma-agency.com>",
    "Submitted on Fri, 11/27/2026 - 10:12\nSubmitted by: Anonymous\nSubmitted values are:\n\n"
    "Your Name: Nils Berg\nYour Email: nils.berg@oslomed.example\nSubject: Market access\nMessage:\n"
    + MSG + "\n\n\nThe results of this submission may be viewed at:\n"
    "https://www.example-pharma-agency.com/admin/structure/webform/manage/contact/submission/12\n",
    None, _expect("Nils Berg", "nils.berg@oslomed.example", message="Hello,\nwe would like"), named=False)

EVEREST = Form(
    "everest", "Everest Forms ({all_fields})", "New Form Entry Contact", WP, None,
    "<strong>First Name</strong><br/>Julia<br/><br/><strong>Last Name</strong><br/>Wagner<br/><br/>"
    "<strong>Email</strong><br/>julia.wagner@donaupharm.example<br/><br/><strong>Message</strong><br/>"
    + MSG_HTML + "<br/><br/>",
    _expect("Julia Wagner", "julia.wagner@donaupharm.example", message="Hello,\nwe would like"),
    named=False)

JOTFORM = Form(
    "jotform", "Jotform (table e-mail)", "Re: Send Us A Message - Lisa Park",
    "Jotform <noreply@jotform.com>", None,
    '<table class="mailTable"><tr><td class="questionColumn">Full Name</td><td class="valueColumn">Lisa Park'
    '</td></tr><tr><td class="questionColumn">E-mail</td><td class="valueColumn">lisa.park@seoulbio.example'
    '</td></tr><tr><td class="questionColumn">Organisation</td><td class="valueColumn">Seoul Bio</td></tr>'
    '<tr><td class="questionColumn">Your Message</td><td class="valueColumn">' + MSG_HTML + "</td></tr>"
    "</table><p>Submission URL: " + MICRO + "</p>",
    _expect("Lisa Park", "lisa.park@seoulbio.example", company="Seoul Bio", page=MICRO,
            message="Hello,\nwe would like"),
    reply_to="lisa.park@seoulbio.example", named=False)

GERMAN = Form(
    "german_sentence", "A German PHP mailer (label on its own line, 'Gesendet von')",
    "Neue Anfrage über das Kontaktformular", "Website <website@example-pharma-agency.com>",
    "Vorname:\nKlara\n\nNachname:\nFischer\n\nE-Mail:\nklara.fischer@elbmed.example\n\n"
    "Firma:\nElbmed GmbH\n\n"
    "Nachricht:\nGuten Tag,\nwir planen eine Kampagne.\nHinweis: Start im Mai.\n\n"
    f"Gesendet von der Seite {PATIENT}\n",
    None, _expect("Klara Fischer", "klara.fischer@elbmed.example", company="Elbmed GmbH", page=PATIENT,
                  message="Guten Tag,\nwir planen eine Kampagne.\nHinweis: Start im Mai."), named=False)

FRENCH = Form(
    "french_bullets", "A French mailer (bulleted list, 'Envoyé depuis')", "Nouveau message du site",
    "Site <noreply@example-pharma-agency.com>",
    "Nouveau message :\n\n- Nom : Lucie Bernard\n- Courriel : lucie.bernard@lyonpharma.example\n"
    "- Téléphone : +33 4 72 55 01 01\n- Société : Lyonpharma\n"
    "- Message : Bonjour, nous préparons un congrès.\n\n"
    f"Envoyé depuis {MICRO}\n", None,
    _expect("Lucie Bernard", "lucie.bernard@lyonpharma.example", phone="+33 4 72 55 01 01",
            company="Lyonpharma", page=MICRO, message="Bonjour, nous préparons un congrès."), named=False)

SPANISH = Form(
    "spanish_dl", "A Spanish HTML mailer (definition list, 'Enviado desde')",
    "Nuevo mensaje desde el formulario", "Formulario <formulario@example-pharma-agency.com>", None,
    "<h2>Nuevo mensaje</h2><dl><dt>Nombre</dt><dd>Pablo</dd><dt>Apellidos</dt><dd>García López</dd>"
    "<dt>Correo electrónico</dt><dd>pablo.garcia@madridfarma.example</dd>"
    "<dt>Empresa</dt><dd>Madrid Farma</dd>"
    "<dt>Mensaje</dt><dd>Hola, queremos un programa de formación.</dd></dl>"
    f'<p>Enviado desde <a href="{SPEAKERS}">{SPEAKERS}</a></p>'
    '<p><a href="https://www.example-pharma-agency.com/politica-de-privacidad/">Privacidad</a></p>',
    _expect("Pablo García López", "pablo.garcia@madridfarma.example", company="Madrid Farma", page=SPEAKERS,
            message="Hola, queremos un programa de formación."), named=False)

VISITOR_FROM = Form(
    "visitor_from", "A mailer that sends from the visitor's own address",
    "Contact form: Bram Peeters", "Bram Peeters <bram.peeters@gentbio.example>",
    "Name: Bram Peeters\nEmail: bram.peeters@gentbio.example\nCompany: Gent Bio\nMessage: " + MSG + "\n",
    None,
    _expect("Bram Peeters", "bram.peeters@gentbio.example", company="Gent Bio",
            message="Hello,\nwe would like"),
    reply_to="bram.peeters@gentbio.example", named=False)

FORMSUBMIT = Form(
    "formsubmit", "FormSubmit-style table with a 'Name | Value' head row", "New submission from Contact",
    "FormSubmit <submissions@formsubmit.example>", None,
    "<h2>Someone just submitted your form</h2><table><tr><th>Name</th><th>Value</th></tr>"
    "<tr><td>name</td><td>Ana Costa</td></tr><tr><td>email</td><td>ana.costa@portomed.example</td></tr>"
    "<tr><td>message</td><td>" + MSG_HTML + "</td></tr></table>",
    _expect("Ana Costa", "ana.costa@portomed.example", message="Hello,\nwe would like"), named=False)

TALLY = Form(
    "tally", "Tally-style questions as bold paragraphs", "New Tally form submission",
    "Tally <notifications@tally.example>", None,
    "<p><strong>What is your name?</strong></p><p>Emil Varga</p><p><strong>Your email</strong></p>"
    "<p>emil.varga@budamed.example</p><p><strong>Tell us about your project</strong></p><p>" + MSG_HTML
    + "</p>",
    _expect("Emil Varga", "emil.varga@budamed.example", message="Hello,\nwe would like"), named=False)

ZOHO = Form(
    "zoho", "Zoho-style plain text ('Label : value', tab-separated rows)", "Contact form entry",
    "Zoho Forms <notification@zohoforms.example>",
    "Name : Ravi Kumar\nEmail\travi.kumar@indipharm.example\nContact Number : +91 22 5550 0101\n"
    "Service : Market access\nDescribe your request : " + MSG + "\n", None,
    _expect("Ravi Kumar", "ravi.kumar@indipharm.example", phone="+91 22 5550 0101", topic="Market access",
            message="Hello,\nwe would like"), named=False)

MARKDOWN = Form(
    "markdown_bot", "A bot or mail client writing Markdown ('**Name:** value')", "New lead",
    "Leads Bot <bot@example-pharma-agency.com>",
    "**Name:** Mia Hoffmann\n**Email:** mia.hoffmann@spreemed.example\n**Company:** Spreemed\n"
    "**Message:**\n" + MSG + "\n", None,
    _expect("Mia Hoffmann", "mia.hoffmann@spreemed.example", company="Spreemed",
            message="Hello,\nwe would like"), named=False)

SIGNED = Form(
    "signed_message", "A template that puts the message first, then the name and address",
    "Website message", "Leo Martin <wordpress@example-pharma-agency.com>",
    MSG + "\n\n--\nLeo Martin\nleo.martin@gallia-sante.example\n", None,
    _expect("Leo Martin", "leo.martin@gallia-sante.example", message="Hello,\nwe would like"),
    reply_to="leo.martin@gallia-sante.example", named=False)

DRUPAL_CONTACT = Form(
    "drupal_contact", "Drupal core contact form (site-wide form, default mail)",
    "[Example Pharma Agency] Campaign question", "Example Pharma Agency <admin@example-pharma-agency.com>",
    "Hugo Lambert (hugo.lambert@belgopharm.example) sent a message using the contact form at "
    f"{SITE}/contact/feedback.\n\nThe sender's name\nHugo Lambert\n\nThe sender's email\n"
    "hugo.lambert@belgopharm.example\n\nSubject\nCampaign question\n\nMessage\n" + MSG + "\n", None,
    _expect("Hugo Lambert", "hugo.lambert@belgopharm.example", page=SITE + "/contact/feedback",
            message="Hello,\nwe would like"),
    reply_to="hugo.lambert@belgopharm.example", named=False)

SHOPIFY = Form(
    "shopify", "Shopify store contact form", "New customer message on November 27, 2026 at 10:05 am",
    "Example Pharma Shop <mailer@shopify.com>",
    "You received a new message from your online store's contact form.\n\nCountry Code: DE\n"
    "Name: Greta Vogel\nEmail: greta.vogel@hanseapharm.example\nPhone Number: +49 40 555 0101\n"
    "Body:\n" + MSG + "\n", None,
    _expect("Greta Vogel", "greta.vogel@hanseapharm.example", phone="+49 40 555 0101",
            message="Hello,\nwe would like"),
    reply_to="greta.vogel@hanseapharm.example", named=False)

# ----------------------------------------------------------------- further systems (wider round)

# A multi-line message in another language, a checkbox group, an empty optional field and a label
# that is a question: what the systems below are given, each in its own template.
MSG_DE = ("Guten Tag,\nwir planen eine Kampagne zur Patientenaufklärung.\nBudget: rund 80.000 EUR.\n"
          "Viele Grüße")
MSG_DE_HTML = MSG_DE.replace("\n", "<br>")

_HF = [("Name", "Katrin Vogel"), ("Email", "katrin.vogel@elbepharma.example"), ("Phone", ""),
       ("Which services interest you?", "Patient engagement, Medical education"),
       ("How did you hear about us?", "A colleague"), ("Your message", MSG_DE)]
HAPPYFORMS = Form(
    "happyforms", "Happyforms (owner e-mail, inc/templates/email-owner.php)", "You received a new message",
    WP, None,
    "".join(f"<b>{label}</b><br>\n{value.replace(chr(10), '<br>')}\n<br><br>\n"
            for label, value in _HF if value),
    _expect("Katrin Vogel", "katrin.vogel@elbepharma.example", topic="Patient engagement, Medical education",
            message="Guten Tag,\nwir planen eine Kampagne"),
    reply_to="katrin.vogel@elbepharma.example")

_OT = [("Name", "Marek Nowak"), ("Email", "marek.nowak@vistulamed.example"), ("Company", "Vistula Med"),
       ("Topics", "Speakers bureaus, Market access"), ("Message", MSG)]
OTTER = Form(
    "otter", "Otter Blocks form (inc/integrations/class-form-email.php)",
    "A new form submission on Example Pharma Agency", WP, None,
    '<!doctype html><html><head><meta http-equiv="Content-Type" content="text/html;" charset="utf-8"/>'
    "<title>Mail From: admin@example-pharma-agency.com</title></head><body>"
    f'<h3>Content Form submission from <a href="{SITE}">Example Pharma Agency</a></h3><hr/>'
    # The textarea's line breaks are sent as they were typed, inside the cell: a mail client shows one line.
    "<table><tbody>" + "".join(f"<tr><td><strong>{label}:</strong> {value}</td></tr>" for label, value in _OT)
    + "</tbody><tfoot><tr><td><hr/>You received this email because your email address is set in the content "
    f'form settings on <a href="{SITE}">Example Pharma Agency</a></td></tr></tfoot></table></body></html>',
    _expect("Marek Nowak", "marek.nowak@vistulamed.example", company="Vistula Med",
            topic="Speakers bureaus, Market access", message="Hello, we would like"),
    reply_to="marek.nowak@vistulamed.example")

_SP = [("Name", "Lars Eriksen"), ("Email", "lars.eriksen@oresundbio.example"), ("Phone", "+4570123456"),
       ("Areas Of Interest", "Digital campaigns, Micro-influencers"), ("Message", MSG)]
SPECTRA = Form(
    "spectra", "Spectra (UAGB) form block (blocks-config/forms/class-uagb-forms.php)", "Form Submission",
    WP, None,
    '<div style="border: 50px solid #f6f6f6;"><div style="padding: 15px;">'
    + "".join(f"<p><strong>{label}</strong> - {value}</p>" for label, value in _SP)
    + '<p style="text-align:center;">This e-mail was sent from a Example Pharma Agency ( '
    + SITE + " )</p></div></div>",
    _expect("Lars Eriksen", "lars.eriksen@oresundbio.example", phone="+4570123456",
            topic="Digital campaigns, Micro-influencers", message="Hello, we would like"),
    # Spectra sets Reply-To to the recipient, named after the site: never the visitor.
    reply_to="Example Pharma Agency <leads@example-pharma-agency.com>")

_QF = [("Name", "Beatriz Almeida"), ("Email address", "beatriz.almeida@tejofarma.example"),
       ("Company", "Tejo Farma, Lda."), ("What can we help you with?", "Market access"),
       ("Message", "Olá,\npreparamos o lançamento de um medicamento órfão.\n"
                   "Podemos falar na próxima semana?")]
QUFORM = Form(
    "quform", "Quform (emails/notification.php and the plain-text e-mail)",
    "You have received a new message", WP,
    "You have received a new message\n\n" + "".join(
        f"{label}\n------------------------\n{value}\n\n" for label, value in _QF)
    + f"Form URL\n------------------------\n{PATIENT}\n\n",
    '<html><body leftmargin="0" marginwidth="0" topmargin="0" marginheight="0"><table width="100%" '
    'cellpadding="0" cellspacing="0" border="0"><tr><td valign="top" style="padding: 25px;">'
    '<table width="600" '
    'cellpadding="0" cellspacing="0" border="0" style="font: 14px Helvetica, Arial, sans-serif;"><tr>'
    '<td valign="top" style="font-family: Helvetica, Arial, sans-serif; font-size: 25px; font-weight: bold; '
    'color: #282828; padding-bottom: 10px;">You have received a new message</td></tr><tr><td valign="top">'
    '<table width="100%" border="0" cellpadding="2" cellspacing="0">'
    + "".join('<tr><td valign="top" style="font-family: Helvetica, Arial, sans-serif; font-size: 17px; '
              f'font-weight: bold; color: #282828; width: 25%;">{label}</td><td valign="top" '
              'style="font-family: Helvetica, Arial, sans-serif; color: #282828; line-height: 130%; '
              f'width: 75%;">{value.replace(chr(10), "<br />")}</td></tr>'
              for label, value in [*_QF, ("Form URL", PATIENT)])
    + "</table></td></tr></table></td></tr></table></body></html>",
    _expect("Beatriz Almeida", "beatriz.almeida@tejofarma.example", company="Tejo Farma, Lda.",
            page=PATIENT, message="Olá,\npreparamos o lançamento"),
    reply_to="beatriz.almeida@tejofarma.example")

_WE = [("Name", "Oskar Berg"), ("Email", "oskar.berg@gotapharma.example"),
       ("Interested in", "Patient engagement | Digital campaigns"), ("Phone", "+46 31 555 0102"),
       ("Message", MSG)]
WEFORMS = Form(
    "weforms", "weForms ({all_fields} table, includes/class-notification.php)",
    "New Entry: Send Us A Message", WP, None,
    '<p><table width="600" cellpadding="0" cellspacing="0"><tbody>'
    + _rows(_WE, '<tr class="field-label"><th><strong>{label}</strong></th></tr>'
            '<tr class="field-value"><td>{value}</td></tr>')
    + f"</tbody></table></p><p>Sent from {SITE}/contact/</p>",
    _expect("Oskar Berg", "oskar.berg@gotapharma.example", phone="+46 31 555 0102",
            topic="Patient engagement | Digital campaigns", page=SITE + "/contact/",
            message="Hello,\nwe would like"),
    reply_to="oskar.berg@gotapharma.example")

_SS = [("Name", "Fiona Walsh"), ("Email", "fiona.walsh@corkbio.example"), ("Organisation", "Cork Bio Ltd"),
       ("Message", MSG)]
SILVERSTRIPE = Form(
    "silverstripe", "SilverStripe UserForms (SubmittedFormEmail.ss)", "Submission from Send Us A Message",
    "Example Pharma Agency <no-reply@example-pharma-agency.com>", None,
    '<p class="body">Thank you, a new enquiry came in.</p><p class="body">'
    + "".join(f"<strong>{label}</strong>: {value.replace(chr(10), '<br />')} <br />" for label, value in _SS)
    + "<strong>Topics</strong>:<br /><ul><li>Market access</li><li>Medical education</li></ul>"
    + f'</p><small>This email was received from <a href="{SITE}">{SITE}</a></small>',
    _expect("Fiona Walsh", "fiona.walsh@corkbio.example", company="Cork Bio Ltd",
            topic="Market access, Medical education", message="Hello,\nwe would like"),
    reply_to="fiona.walsh@corkbio.example", named=False)

_PW = [("Your Name", "Anton Weiss"), ("E-Mail", "anton.weiss@donaubio.example"),
       ("Anliegen", "Medizinische Fortbildung"), ("Nachricht", MSG_DE)]
PROCESSWIRE = Form(
    "processwire", "ProcessWire FormBuilder (email-administrator.php)", "Kontaktformular",
    "ProcessWire <processwire@example-pharma-agency.com>", None,
    "<!DOCTYPE html><html><head><title>contact email</title></head><body>"
    "<table style='width: 100%; border-bottom: 1px solid #ccc;' cellspacing='0'>"
    + _rows(_PW, "<tr><th class='label' style='width: 30%; text-align: right; font-weight: bold;'>"
            "{label}</th>"
            "<td class='value' style='width: 70%;'>{value}</td></tr>")
    + "</table><p><small>Sent by ProcessWire Form Builder &bull; 2026/11/27 3:04pm</small></p></body></html>",
    _expect("Anton Weiss", "anton.weiss@donaubio.example", topic="Medizinische Fortbildung",
            message="Guten Tag,\nwir planen"),
    reply_to="anton.weiss@donaubio.example", named=False)

BEAVER = Form(
    "beaver_builder", "Beaver Builder contact form module (plain text, 'Label: value' blocks)",
    "Contact Form Submission", WP,
    "Name: Sofia Russo\n\nSubject: Medical education\n\nEmail: sofia.russo@ligurfarma.example\n\n"
    "Phone: +39 010 555 0199\n\nMessage: " + MSG + "\n", None,
    _expect("Sofia Russo", "sofia.russo@ligurfarma.example", phone="+39 010 555 0199",
            message="Hello,\nwe would like"),
    reply_to="sofia.russo@ligurfarma.example")

_AV = [("Full Name", "Henrik Dahl"), ("Email Address", "henrik.dahl@nordlys.example"),
       ("Company (optional)", ""), ("Which topics?", "Speakers bureaus, Patient engagement"),
       ("Tell us about your project", MSG)]
AVADA = Form(
    "avada", "Avada Fusion Forms (e-mail submission, label/value table)",
    "New submission from Contact Form", WP, None,
    "<h2>Contact Form</h2><table style=\"width:100%;border-collapse:collapse;\">"
    + _rows(_AV, '<tr><td style="padding:8px;border:1px solid #e2e2e2;width:30%;">'
            '<strong>{label}</strong></td>'
            '<td style="padding:8px;border:1px solid #e2e2e2;">{value}</td></tr>')
    + f"</table><p>Submitted from: {SPEAKERS}</p>",
    _expect("Henrik Dahl", "henrik.dahl@nordlys.example", topic="Speakers bureaus, Patient engagement",
            page=SPEAKERS, message="Hello,\nwe would like"),
    reply_to="henrik.dahl@nordlys.example")

SALESFORCE = Form(
    "salesforce_lead", "Salesforce Web-to-Lead, lead assignment e-mail (Visualforce template)",
    "You have a new lead: Priya Shah, Thames Therapeutics", "Salesforce <noreply@salesforce.com>", None,
    "Hey Dana,<br/><br/>You've been assigned a new lead from example-pharma-agency.com.<br/>"
    "<b>Name:</b> Priya Shah <br/><b>Company:</b> Thames Therapeutics <br/>"
    "<b>Title:</b> Head of Marketing <br/>"
    '<b>Email:</b> <a href="mailto:priya.shah@thamesrx.example">priya.shah@thamesrx.example</a> <br/>'
    "<b>Phone:</b> +44 20 5550 1234 <br/><b>Lead Source:</b> Web <br/><b>Description:</b> " + MSG_HTML
    + '<br/><br/><a href="https://eu12.my.salesforce.com/00Q5e00000AbCdE">View the lead in Salesforce</a>',
    _expect("Priya Shah", "priya.shah@thamesrx.example", phone="+44 20 5550 1234",
            company="Thames Therapeutics", message="Hello,\nwe would like"))

_BASIN = [("name", "Chloé Martin"), ("email", "chloe.martin@lyonsante.example"),
          ("company", "Lyon Santé"), ("interests[]", "Market access, Digital campaigns"),
          ("message", "Bonjour,\nnous lançons un produit en 2027.\nPouvez-vous nous rappeler ?")]
BASIN = Form(
    "basin", "Basin (hosted form backend)", "New submission for Contact",
    "Basin <notifications@usebasin.com>",
    "You have a new submission for Contact\n\n" + _lines(_BASIN) + f"\nReferrer: {MICRO}\n\n"
    "View submission: https://usebasin.com/forms/abc123/submissions\n",
    "<h1>New submission for Contact</h1><table>"
    + _rows(_BASIN, "<tr><td><b>{label}</b></td><td>{value}</td></tr>")
    + f"<tr><td><b>Referrer</b></td><td>{MICRO}</td></tr></table>"
    '<p><a href="https://usebasin.com/forms/abc123/submissions">View submission</a></p>',
    _expect("Chloé Martin", "chloe.martin@lyonsante.example", company="Lyon Santé",
            topic="Market access, Digital campaigns", page=MICRO, message="Bonjour,\nnous lançons"),
    reply_to="chloe.martin@lyonsante.example")

GETFORM = Form(
    "getform", "Getform (hosted form backend)", "You have a new submission on Contact Us",
    "Getform <noreply@getform.io>",
    None,
    "<p>Hey there, you have a new submission on <b>Contact Us</b>:</p>"
    "<p><strong>name:</strong> Jakub Horák</p><p><strong>email:</strong> jakub.horak@vltavapharm.example</p>"
    "<p><strong>phone:</strong> +420 2 5550 1122</p><p><strong>message:</strong> " + MSG_HTML + "</p>"
    "<p><strong>newsletter:</strong> </p>"
    '<p><a href="https://app.getform.io/forms/xyz">View all submissions</a></p>',
    _expect("Jakub Horák", "jakub.horak@vltavapharm.example", phone="+420 2 5550 1122",
            message="Hello,\nwe would like"),
    reply_to="jakub.horak@vltavapharm.example")

COGNITO = Form(
    "cognito", "Cognito Forms (entry notification)", "Contact Us - Entry #128",
    "Cognito Forms <notifications@cognitoforms.com>", None,
    "<h1>Contact Us</h1><p>Entry #128</p><table>"
    "<tr><td colspan=\"2\"><h3>Your details</h3></td></tr>"
    "<tr><td>Name</td><td>Grace Okafor</td></tr><tr><td>Email</td><td>grace.okafor@lagosmed.example</td></tr>"
    "<tr><td>Phone</td><td>+234 1 555 0100</td></tr>"
    "<tr><td colspan=\"2\"><h3>Your enquiry</h3></td></tr>"
    "<tr><td>What are you interested in?</td><td>Medical education; Patient engagement</td></tr>"
    "<tr><td>How can we help?</td><td>" + MSG_HTML + "</td></tr></table>"
    '<p><a href="https://www.cognitoforms.com/ExamplePharma/ContactUs/entries/128">View Entry</a></p>',
    _expect("Grace Okafor", "grace.okafor@lagosmed.example", phone="+234 1 555 0100",
            topic="Medical education; Patient engagement", message="Hello,\nwe would like"),
    reply_to="grace.okafor@lagosmed.example")

FORMBUILDER_123 = Form(
    "123formbuilder", "123FormBuilder (submission notification)", "Contact form - new submission",
    "123FormBuilder <noreply@123formbuilder.com>",
    "Contact form\n\nName: Yuki Tanaka\nEmail: yuki.tanaka@sakurapharma.example\n"
    "Company: Sakura Pharma K.K.\n"
    "Message: " + MSG + "\n\nSubmission details\nIP address: 203.0.113.50\nReferrer: " + IMI + "\n",
    None,
    _expect("Yuki Tanaka", "yuki.tanaka@sakurapharma.example", company="Sakura Pharma K.K.", page=IMI,
            message="Hello,\nwe would like"),
    reply_to="yuki.tanaka@sakurapharma.example")

PAPERFORM = Form(
    "paperform", "Paperform (new submission e-mail, questions over answers)",
    "New submission for Send Us A Message", "Paperform <no-reply@paperform.co>", None,
    "<h2>Send Us A Message</h2><p>You have received a new submission.</p>"
    "<h4>What's your name?</h4><p>Tomás Ruiz</p><h4>What's your email address?</h4>"
    "<p>tomas.ruiz@andalufarma.example</p><h4>Which company are you with?</h4><p>Andalufarma S.A.</p>"
    "<h4>Anything else we should know?</h4><p>" + MSG_HTML + "</p>"
    '<p><a href="https://paperform.co/submissions/send-us-a-message">View all submissions</a></p>',
    _expect("Tomás Ruiz", "tomas.ruiz@andalufarma.example", company="Andalufarma S.A.",
            message="Hello,\nwe would like"),
    reply_to="tomas.ruiz@andalufarma.example")

FRAMER = Form(
    "framer", "Framer site form (submission e-mail)", "New submission on Example Pharma Agency",
    "Framer <no-reply@framer.com>",
    "New form submission on Example Pharma Agency\n\nName\nAiko Sato\n\nEmail\naiko.sato@kyotobio.example\n\n"
    "Message\n" + MSG + "\n\nSent from " + SITE + "/contact\n", None,
    _expect("Aiko Sato", "aiko.sato@kyotobio.example", page=SITE + "/contact",
            message="Hello,\nwe would like"),
    reply_to="aiko.sato@kyotobio.example")

GODADDY = Form(
    "godaddy", "GoDaddy Websites + Marketing contact section", "New message from your website",
    "GoDaddy <noreply@godaddy.com>",
    None,
    "<p>You have a new message from your website example-pharma-agency.com.</p>"
    "<div><div>First Name</div><div>Rosa</div></div><div><div>Last Name</div><div>Fernández</div></div>"
    "<div><div>Email</div><div>rosa.fernandez@galiciafarma.example</div></div>"
    "<div><div>Message</div><div>" + MSG_HTML + "</div></div>",
    _expect("Rosa Fernández", "rosa.fernandez@galiciafarma.example", message="Hello,\nwe would like"),
    reply_to="rosa.fernandez@galiciafarma.example")

WEEBLY = Form(
    "weebly", "Weebly form entry (required fields marked with *)", "New Form Entry: Contact Form",
    "Weebly <no-reply@weebly.com>",
    "You've received a new form entry on example-pharma-agency.com.\n\nName *: Rahel Tesfaye\n"
    "Email *: rahel.tesfaye@addisbio.example\nPhone: \nComment *: " + MSG + "\n\n"
    "Manage your form entries: https://www.weebly.com/app/forms\n", None,
    _expect("Rahel Tesfaye", "rahel.tesfaye@addisbio.example", message="Hello,\nwe would like"),
    reply_to="rahel.tesfaye@addisbio.example")

_VFB = [("Nom", "Céline Morel"), ("E-mail", "celine.morel@loirepharma.example"),
        ("Nom de votre entreprise", "Loire Pharma SAS"),
        ("Comment avez-vous entendu parler de nous ?", "Un collègue"),
        ("Votre message", "Bonjour,\nnous préparons un congrès à Nantes.\nMerci de nous rappeler.")]
VISUAL_FORM_BUILDER = Form(
    "visual_form_builder", "Visual Form Builder (fieldset headings in the field table)",
    "Nouveau message : Contact", WP, None,
    '<table cellspacing="0" border="0" width="600"><tr><td colspan="2"><h2>Vos coordonnées</h2></td></tr>'
    + _rows(_VFB[:3], '<tr><td><strong>{label}:</strong></td><td>{value}</td></tr>')
    + '<tr><td colspan="2"><h2>Votre demande</h2></td></tr>'
    + _rows(_VFB[3:], '<tr><td><strong>{label}:</strong></td><td>{value}</td></tr>') + "</table>",
    _expect("Céline Morel", "celine.morel@loirepharma.example", company="Loire Pharma SAS",
            message="Bonjour,\nnous préparons"),
    reply_to="celine.morel@loirepharma.example")

FORMCARRY = Form(
    "formcarry", "Formcarry (raw input names as a list)", "New submission on Contact",
    "Formcarry <notification@formcarry.com>", None,
    "<h2>You've got a new submission</h2><ul><li><strong>full_name:</strong> Dimitra Papadaki</li>"
    "<li><strong>email_address:</strong> dimitra.papadaki@aegeanrx.example</li>"
    "<li><strong>company_name:</strong> Aegean Rx</li><li><strong>interests[]:</strong> Market access, "
    "Speakers bureaus</li><li><strong>your_message:</strong> " + MSG_HTML + "</li></ul>"
    '<p><a href="https://formcarry.com/s/abc/submissions">See all submissions</a></p>',
    _expect("Dimitra Papadaki", "dimitra.papadaki@aegeanrx.example", company="Aegean Rx",
            topic="Market access, Speakers bureaus", message="Hello,\nwe would like"),
    reply_to="dimitra.papadaki@aegeanrx.example")

FORMKEEP = Form(
    "formkeep", "FormKeep (label lines over indented values, plain text)", "New entry in Contact",
    "FormKeep <no-reply@formkeep.com>",
    "A new entry was submitted to Contact.\n\nname\n    Arjun Mehta\n\nemail\n"
    "    arjun.mehta@indusbio.example\n\n"
    "organization\n    Indus Bio Pvt Ltd\n\nmessage\n    " + MSG.replace("\n", "\n    ") + "\n\n"
    "View it at https://formkeep.com/forms/abc/entries\n", None,
    _expect("Arjun Mehta", "arjun.mehta@indusbio.example", company="Indus Bio Pvt Ltd",
            message="Hello,\nwe would like"),
    reply_to="arjun.mehta@indusbio.example")

# ----------------------------------------------------------------- a third round of systems
# MetForm, Mailchimp and Brevo, and further systems of the brief's list (fixtures/README.md, "A third
# round"). Each keeps a quirk of its own: a label-less builder's raw input names, a list header on a
# sign-up notice, values aligned in a column, a question longer than a label, the visitor as sender.

_METFORM_EDIT = SITE + "/wp-admin/post.php?post=4312&action=edit"


def _metform(pairs: list[tuple[str, str]]) -> str:
    """MetForm's ``format_data_for_mail``: a label row over a value row per field, a textarea's value
    in a ``<pre>`` with its line breaks left raw, then the entry's edit link."""
    rows = ""
    for label, value in pairs:
        cell = (f"<pre style='font:inherit;margin:0;'>{value}</pre>" if "\n" in value
                else value)
        rows += (f"<tr bgcolor='#EAF2FA'><td colspan='2'><strong>{label}</strong></td></tr>"
                 f"<tr bgcolor='#FFFFFF'><td width='20'>&nbsp;</td><td>{cell}</td></tr>")
    return ('<div style="border-left:5px solid #2EB5AB;padding-left:5px;">'
            '<table width="100%" cellpadding="5" cellspacing="0" bgcolor="#FFFFFF" '
            'style="border: 1px solid #EAF2FA"><tbody>' + rows
            + f'</tbody></table></div><a href="{_METFORM_EDIT}">{_METFORM_EDIT}</a></body></html>')


METFORM = Form(
    "metform", "MetForm (Elementor add-on) admin e-mail", "New entry: Contact Form",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>", None,
    "<html><body><h2 style='text-align: center;'>Contact Form</h2><h4 style='text-align: center;'>"
    "A new entry was submitted.<br />\nPlease answer within a day.</h4>"
    + _metform([("First Name", "Marta"), ("Last Name", "Kowalczyk"),
                ("Email Address", "marta.kowalczyk@wislapharm.example"), ("Phone", "+48 22 555 01 23"),
                ("Services", "Market access, Digital campaigns"), ("Message", MSG)]),
    _expect("Marta Kowalczyk", "marta.kowalczyk@wislapharm.example", phone="+48 22 555 01 23",
            topic="Market access, Digital campaigns", message="Hello,\nwe would like"),
    reply_to="marta.kowalczyk@wislapharm.example", extra_headers={"X-Mailer": "PHP/8.2.12"})

METFORM_NAMES = Form(
    "metform_input_names", "MetForm with fields left unlabelled (the input names stand as labels)",
    "Contact", WP, None,
    "<html><body><h2 style='text-align: center;'>Contact</h2><h4 style='text-align: center;'></h4>"
    + _metform([("mf-listing-fname", "Jonas"), ("mf-listing-lname", "Petraitis"),
                ("mf-email", "jonas.petraitis@balticrx.example"), ("mf-telephone", "+370 5 255 0101"),
                ("mf-textarea", MSG)]),
    _expect("Jonas Petraitis", "jonas.petraitis@balticrx.example", phone="+370 5 255 0101",
            message="Hello,\nwe would like"),
    extra_headers={"X-Mailer": "PHP/8.2.12"})

_MC_HEADERS = {"List-Unsubscribe": "<https://us21.list-manage.com/unsubscribe?u=ab12&id=cd34>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
MAILCHIMP = Form(
    "mailchimp_subscriber", "Mailchimp subscribe notification (a landing page's sign-up form)",
    "New Subscriber to Example Pharma Agency Newsletter", "Mailchimp <no-reply@mailchimp.com>",
    "Example Pharma Agency Newsletter: New Subscriber\n\nA new subscriber has joined your audience "
    "Example Pharma Agency Newsletter.\n\nEmail Address: sanne.devries@polderpharma.example\n"
    "First Name: Sanne\n"
    "Last Name: de Vries\nPhone Number: +31 20 555 0147\nCompany: Polder Pharma B.V.\n\n"
    "Signup source: Landing page (Download the white paper)\n\n"
    "View this contact: https://us21.admin.mailchimp.com/lists/members/view?id=123456\n\n"
    "You're receiving this email because you turned on subscribe notifications for this audience.\n",
    None,
    _expect("Sanne de Vries", "sanne.devries@polderpharma.example", phone="+31 20 555 0147",
            company="Polder Pharma B.V."),
    extra_headers=_MC_HEADERS)

MAILCHIMP_MERGE = Form(
    "mailchimp_merge_tags", "Mailchimp subscribe notification naming fields by merge tag",
    "Example Pharma Agency Newsletter - Subscribe", "Mailchimp <no-reply@mailchimp.com>", None,
    "<p>Example Pharma Agency Newsletter has a new subscriber.</p><table>"
    + _rows([("EMAIL", "ruben.jacobs@maaspharma.example"), ("FNAME", "Ruben"), ("LNAME", "Jacobs"),
             ("PHONE", "+31 10 555 0190"), ("MMERGE5", "Maas Pharma")],
            "<tr><td>{label}:</td><td>{value}</td></tr>")
    + '</table><p><a href="https://us21.admin.mailchimp.com/lists/members/view?id=1">View profile</a></p>',
    _expect("Ruben Jacobs", "ruben.jacobs@maaspharma.example", phone="+31 10 555 0190"),
    extra_headers=_MC_HEADERS)

MAILCHIMP_SITE = Form(
    "mailchimp_website", "Mailchimp website contact form",
    "New contact form submission from Example Pharma Agency",
    "Mailchimp <no-reply@mailchimp.com>", None,
    "<h2>You have a new message!</h2><p>Someone filled out the contact form on your website.</p>"
    "<p><b>Name</b><br>Oskar Nowak</p><p><b>Email</b><br>oskar.nowak@vistulabio.example</p>"
    "<p><b>Message</b><br>" + MSG_HTML + "</p>"
    "<p><a href='https://us21.admin.mailchimp.com/audience/contacts/'>View contact</a></p>",
    _expect("Oskar Nowak", "oskar.nowak@vistulabio.example", message="Hello,\nwe would like"),
    reply_to="oskar.nowak@vistulabio.example")

BREVO = Form(
    "brevo", "Brevo (Sendinblue) subscription form notification, French attribute names",
    "Nouvelle inscription via votre formulaire Newsletter", "Brevo <no-reply@brevo.com>",
    "Bonjour,\n\nUn nouveau contact s'est inscrit via votre formulaire « Newsletter Example Pharma ».\n\n"
    "EMAIL : claire.dubois@rhonesante.example\nPRENOM : Claire\nNOM : Dubois\nSMS : +33612345678\n"
    "ENTREPRISE : Rhône Santé\n\nVoir le contact : https://app.brevo.com/contact/index/12345\n", None,
    _expect("Claire Dubois", "claire.dubois@rhonesante.example", phone="+33612345678", company="Rhône Santé"),
    extra_headers={"List-Unsubscribe": "<mailto:unsubscribe@brevo.com>"})

BREVO_EN = Form(
    "brevo_en", "Brevo subscription form notification, English attribute names (HTML list)",
    "New subscriber: Newsletter form", "Brevo <no-reply@brevo.com>", None,
    "<p>A new contact has subscribed through your form <b>Newsletter form</b>.</p><ul>"
    "<li>EMAIL: tom.baker@leedsbio.example</li><li>FIRSTNAME: Tom</li><li>LASTNAME: Baker</li>"
    "<li>SMS: +447700900123</li></ul>",
    _expect("Tom Baker", "tom.baker@leedsbio.example", phone="+447700900123"))

WS_FORM = Form(
    "ws_form", "WS Form #email_submission (section labels, text and HTML)", "Contact Us",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>",
    "* Your details *\n\nFirst Name\nKarin\n\nLast Name\nSvensson\n\n"
    "Email\nkarin.svensson@malarbio.example\n\n"
    "Phone\n+46 8 555 010 20\n\n* Your enquiry *\n\nInquiry\n" + MSG + "\n\n",
    "<h3>Your details</h3>\n<p><strong>First Name</strong><br />Karin</p>\n"
    "<p><strong>Last Name</strong><br />Svensson</p>\n<p><strong>Email</strong><br />"
    "karin.svensson@malarbio.example</p>\n<p><strong>Phone</strong><br />+46 8 555 010 20</p>\n"
    "<h3>Your enquiry</h3>\n<p><strong>Inquiry</strong><br /><p>" + MSG.replace("\n", "<br />\n")
    + "</p>\n</p>\n",
    _expect("Karin Svensson", "karin.svensson@malarbio.example", phone="+46 8 555 010 20",
            message="Hello,\nwe would like"),
    reply_to="karin.svensson@malarbio.example")

_WUFOO = [("Name", "Elena Popescu"), ("Email", "elena.popescu@carpatimed.example"),
          ("Phone Number", "(021) 555-0143"), ("Company", "Carpati Med SRL"),
          ("What can we help you with?", "Medical education"), ("Message", MSG)]
WUFOO = Form(
    "wufoo", "Wufoo entry notification", "Contact Us [#57]", "Wufoo <no-reply@wufoo.com>",
    _lines(_WUFOO) + "\nView this entry: https://examplepharma.wufoo.com/entry-manager/contact-us/57\n",
    "<table cellpadding='0' cellspacing='0'>"
    + _rows(_WUFOO, "<tr><th style='text-align:left;'>{label}</th><td>{value}</td></tr>")
    + "</table><p><a href='https://examplepharma.wufoo.com/entry-manager/contact-us/57'>"
    "View this entry</a></p>",
    _expect("Elena Popescu", "elena.popescu@carpatimed.example", phone="(021) 555-0143",
            company="Carpati Med SRL", message="Hello,\nwe would like"),
    reply_to="elena.popescu@carpatimed.example")

FORMSTACK = Form(
    "formstack", "Formstack submission (plain text, values aligned in a column)",
    "Formstack Submission For: Contact Us", "Formstack <noreply@formstack.com>",
    "Formstack Submission For: [Contact Us]\nSubmitted at 11/27/26 3:04 PM\n\n"
    "Name:             Jamal Idris\nEmail:            jamal.idris@nilepharma.example\n"
    "Phone:            (202) 555-0182\nOrganization:     Nile Pharma\nComments:         "
    + MSG.replace("\n", "\n                  ")
    + "\n\nCopyright © 2026 Formstack, LLC. All rights reserved.\n",
    None,
    _expect("Jamal Idris", "jamal.idris@nilepharma.example", phone="(202) 555-0182", company="Nile Pharma",
            message="Hello,\nwe would like"))

RSFORM = Form(
    "rsform", "RSForm!Pro (Joomla) admin e-mail of its default contact form",
    "Contact me", "Example Pharma Agency <noreply@example-pharma-agency.com>", None,
    "<p>A new submission has been made:</p><p>Full Name: Luca Bianchi<br />\nE-mail: "
    "luca.bianchi@padovabio.example<br />\nCompany Size: 51-100<br />\nPosition: Marketing Director<br />\n"
    "How should we contact you?: E-mail<br />\nWhen would you like to be contacted?: Morning<br />\n"
    "Message: " + MSG_HTML + "<br />\n</p><p>IP: 203.0.113.77<br />\nDate: 2026-11-27 15:04:11</p>",
    _expect("Luca Bianchi", "luca.bianchi@padovabio.example", message="Hello,\nwe would like"),
    reply_to="luca.bianchi@padovabio.example")

FREEFORM = Form(
    "freeform", "Craft CMS Freeform default notification", "New submission on Contact",
    "Example Pharma Agency <no-reply@example-pharma-agency.com>", None,
    "<p>Submitted on: Friday, November 27, 2026 at 3:04pm</p><ul><li>First Name: Ingrid</li>"
    "<li>Last Name: Holm</li><li>Email: ingrid.holm@fjordbio.example</li><li>Company Name: Fjord Bio AS</li>"
    "<li>Message: " + MSG_HTML + "</li></ul>",
    _expect("Ingrid Holm", "ingrid.holm@fjordbio.example", company="Fjord Bio AS",
            message="Hello,\nwe would like"))

FORMIE = Form(
    "formie", "Craft CMS Formie (all fields)", "New “Contact Form” submission",
    "Example Pharma Agency <no-reply@example-pharma-agency.com>", None,
    "<p><strong>Your Name</strong><br>Pieter Janssens</p><p><strong>Email Address</strong><br>"
    "pieter.janssens@scheldepharma.example</p><p><strong>Phone Number</strong><br>+32 3 555 01 44</p>"
    "<p><strong>Message</strong><br>" + MSG_HTML + "</p>",
    _expect("Pieter Janssens", "pieter.janssens@scheldepharma.example", phone="+32 3 555 01 44",
            message="Hello,\nwe would like"),
    reply_to="pieter.janssens@scheldepharma.example")

STATAMIC = Form(
    "statamic", "Statamic form e-mail (automagic text and HTML)", "Form Submission",
    "Example Pharma Agency <hello@example-pharma-agency.com>",
    "Name: Kaito Mori\nEmail: kaito.mori@osakabio.example\nMessage: " + MSG + "\n",
    "<table>" + _rows([("Name", "Kaito Mori"), ("Email", "kaito.mori@osakabio.example"), ("Message", MSG)],
                      "<tr><td><strong>{label}</strong></td><td>{value}</td></tr>") + "</table>",
    _expect("Kaito Mori", "kaito.mori@osakabio.example", message="Hello,\nwe would like"))

ODOO = Form(
    "odoo", "Odoo website contact form (mail sent in the visitor's name)", "Campaign for our new product",
    '"Ana Silva" <ana.silva@tejopharma.example>', None,
    "<p>Hello, we would like to discuss a campaign for our new product.<br>Note: launch is in Q3.</p>"
    "<p><br></p><p>Other Information:</p><p>Your Name : Ana Silva<br>Phone Number : +351 21 555 0100<br>"
    "Your Company : Tejo Pharma Lda<br>Website : https://tejopharma.example</p>",
    _expect("Ana Silva", "ana.silva@tejopharma.example", phone="+351 21 555 0100", company="Tejo Pharma Lda",
            message="Hello, we would like"))

CARRD = Form(
    "carrd", "Carrd form (send to e-mail)", "New form submission (examplepharma.carrd.co)",
    "Carrd <noreply@carrd.co>",
    "You've received a new form submission on examplepharma.carrd.co:\n\nName: Zanele Dube\n"
    "Email: zanele.dube@capebio.example\nMessage: " + MSG + "\n\n--\nThis message was sent by Carrd "
    "(https://carrd.co).\n", None,
    _expect("Zanele Dube", "zanele.dube@capebio.example", message="Hello,\nwe would like"),
    reply_to="zanele.dube@capebio.example")

STATIC_FORMS = Form(
    "static_forms", "Static Forms (raw input names in bold)", "New contact form submission",
    "Static Forms <noreply@staticforms.xyz>", None,
    "<h3>You have a new message</h3><p><b>name</b>: Mateo Rossi</p><p><b>email</b>: "
    "mateo.rossi@torinorx.example</p><p><b>phone</b>: +39 011 555 0102</p><p><b>message</b>: " + MSG_HTML
    + "</p><p>Sent from Static Forms</p>",
    _expect("Mateo Rossi", "mateo.rossi@torinorx.example", phone="+39 011 555 0102",
            message="Hello,\nwe would like"),
    reply_to="mateo.rossi@torinorx.example")

CONVERT_FORMS = Form(
    "convert_forms", "Convert Forms (Joomla) {all_fields} with submission info",
    "New Submission #34 - Contact", "Example Pharma Agency <noreply@example-pharma-agency.com>", None,
    "<p>Hello,</p><p>A new submission has been made. Details:</p><p><strong>Name</strong>: Nikos Georgiou<br>"
    "<strong>Email</strong>: nikos.georgiou@hellasbio.example<br><strong>Phone</strong>: +30 21 0555 0123<br>"
    "<strong>Message</strong>: " + MSG_HTML + "</p><p>Submission ID: 34<br>Date: 2026-11-27 15:04:11<br>"
    "IP Address: 203.0.113.8<br>Page URL: " + IMI + "</p>",
    _expect("Nikos Georgiou", "nikos.georgiou@hellasbio.example", phone="+30 21 0555 0123", page=IMI,
            message="Hello,\nwe would like"),
    reply_to="nikos.georgiou@hellasbio.example")

PIPEDRIVE = Form(
    "pipedrive", "Pipedrive web form (new lead notification)", "New web form submission: Contact us",
    "Pipedrive <noreply@pipedrive.com>", None,
    "<p>Hi Dana,</p><p>A new lead was added from your web form <b>Contact us</b>.</p><table>"
    + _rows([("Person name", "Sara Lindqvist"), ("Organization name", "Göta Pharma AB"),
             ("Email", "sara.lindqvist@gotapharma.example"), ("Phone", "+46 31 555 0102"), ("Notes", MSG)],
            "<tr><td>{label}</td><td>{value}</td></tr>")
    + "</table><p><a href='https://examplepharma.pipedrive.com/leads/inbox/abc'>View lead</a></p>",
    _expect("Sara Lindqvist", "sara.lindqvist@gotapharma.example", phone="+46 31 555 0102",
            company="Göta Pharma AB", message="Hello,\nwe would like"))

CHRONOFORMS = Form(
    "chronoforms", "ChronoForms (Joomla) data table", "New contact message",
    "Example Pharma Agency <noreply@example-pharma-agency.com>", None,
    "<table>" + _rows([("Name", "Bram Peeters"), ("Email", "bram.peeters@gentpharma.example"),
                       ("Subject", "Speakers bureau"), ("Message", MSG)],
                      "<tr><td><strong>{label}</strong></td><td>{value}</td></tr>")
    + "</table><p>IP: 198.51.100.23</p>",
    _expect("Bram Peeters", "bram.peeters@gentpharma.example", message="Hello,\nwe would like"),
    reply_to="bram.peeters@gentpharma.example")

ZOHO_CRM = Form(
    "zoho_crm", "Zoho CRM web-to-lead notification (label, colon cell, value)",
    "New Lead from Webform: Website Contact", "Zoho CRM <notification@zohocrm.com>", None,
    "<p>Hi,</p><p>A new lead has been captured through the web form <b>Website Contact</b>.</p><table>"
    + _rows([("Lead Owner", "Dana Fischer"), ("First Name", "Hiroshi"), ("Last Name", "Yamamoto"),
             ("Company", "Nagoya Pharma"), ("Email", "hiroshi.yamamoto@nagoyapharma.example"),
             ("Mobile", "+81 52 555 0199"), ("Description", MSG)],
            "<tr><td>{label}</td><td>:</td><td>{value}</td></tr>")
    + "</table><p><a href='https://crm.zoho.eu/crm/org1/tab/Leads/123'>View Lead</a></p>",
    _expect("Hiroshi Yamamoto", "hiroshi.yamamoto@nagoyapharma.example", phone="+81 52 555 0199",
            company="Nagoya Pharma", message="Hello,\nwe would like"))

HUBSPOT_NEW = Form(
    "hubspot_new_submission", "HubSpot \"New form submission\" (page named in the opening sentence)",
    "New form submission on Example Pharma Agency", "HubSpot <noreply@notifications.hubspot.com>", None,
    "<h1>Contact us</h1><p>Looks like you got a new submission on <a href='" + PATIENT + "'>White paper: "
    "patient engagement</a>.</p><p><b>Contact information</b></p><p>First Name: Fatima</p>"
    "<p>Last Name: Zahra</p><p>Email: fatima.zahra@atlaspharma.example</p><p>Company name: Atlas Pharma</p>"
    "<p>Message: " + MSG_HTML + "</p><p><a href='https://app.hubspot.com/contacts/123/contact/456'>View "
    "contact</a></p><p>You're receiving this email because you chose to be notified of new form "
    "submissions. <a href='https://app.hubspot.com/settings'>Unsubscribe</a></p>",
    _expect("Fatima Zahra", "fatima.zahra@atlaspharma.example", company="Atlas Pharma", page=PATIENT,
            message=MSG))

MSFORMS_FLOW = Form(
    "msforms_power_automate", "Microsoft Forms response mailed by a Power Automate flow",
    "New response: Contact request", "Microsoft Power Automate <flow-noreply@microsoft.com>", None,
    "<p>A new response was submitted to <b>Contact request</b>.</p><table border='1'><tr><th>Question</th>"
    "<th>Answer</th></tr>"
    + _rows([("Your name", "Ewa Zielinska"), ("Your work email", "ewa.zielinska@krakowrx.example"),
             ("Organisation", "Kraków Rx"), ("How can we help?", MSG)],
            "<tr><td>{label}</td><td>{value}</td></tr>")
    + "</table>",
    _expect("Ewa Zielinska", "ewa.zielinska@krakowrx.example", company="Kraków Rx",
            message="Hello,\nwe would like"))

JOTFORM_TEXT = Form(
    "jotform_text", "Jotform plain-text notification, Spanish questions", "Contacto",
    "Jotform <noreply@jotform.com>",
    "Formulario de contacto\n\nNombre completo: Lucía Gómez\n"
    "Correo electrónico: lucia.gomez@iberfarma.example\n"
    "Teléfono: +34 91 555 0123\nEmpresa: Iberfarma S.L.\n¿En qué podemos ayudarle?: Hola,\n"
    "queremos lanzar una campaña.\nGracias\n\nVer envío: https://www.jotform.com/inbox/123\n", None,
    _expect("Lucía Gómez", "lucia.gomez@iberfarma.example", phone="+34 91 555 0123", company="Iberfarma S.L.",
            message="Hola,\nqueremos lanzar una campaña.\nGracias"),
    reply_to="lucia.gomez@iberfarma.example")

CF7_BR_PLAIN = Form(
    "cf7_br_in_plain_text", "CF7 body written with <br> but sent as text/plain (HTML content type unticked)",
    'Example Pharma Agency "Kampanj"', "Example Pharma Agency <wordpress@example-pharma-agency.com>",
    "Namn: Erik Johansson<br>\nE-post: erik.johansson@uppsalabio.example<br>\nTelefon: 070-555 01 23<br>\n"
    "Företag: Uppsala Bio AB<br>\nMeddelande: Hej,\nvi vill diskutera en kampanj.\nMvh<br>\n<br>\n"
    f"Sida: {MICRO}<br>\n", None,
    _expect("Erik Johansson", "erik.johansson@uppsalabio.example", phone="070-555 01 23",
            company="Uppsala Bio AB", page=MICRO, message="Hej,\nvi vill diskutera en kampanj.\nMvh"),
    reply_to="erik.johansson@uppsalabio.example")

_KADENCE_STYLE = ("<style>\n\t@media only screen and (max-width: 620px) {\n\t\ttable[class=body] h1 {\n"
                  "\t\tfont-size: 28px !important;\n\t\t}\n\t}\n\t</style>")


def _kadence(pairs: list[tuple[str, str]]) -> str:
    """Kadence Blocks' ``includes/templates/form-email.php``: a small table per field in the white
    container, the label a bold paragraph, the value through ``wpautop`` (line breaks as ``<br />``),
    a rule between fields, "Sent from <site>" in the footer."""
    fields = ""
    for index, (label, value) in enumerate(pairs):
        border = "" if index == 0 else "border-top:1px solid #dddddd; "
        fields += (f'<table border="0" cellpadding="0" cellspacing="0" style="{border}border-collapse: '
                   'separate; width: 100%;"><tr><td style="font-family: sans-serif; font-size: 14px; '
                   'vertical-align: top; padding-top: 20px;"><p style="font-family: sans-serif; font-size: '
                   f'14px; font-weight: Bold; margin: 0; Margin-bottom: 15px;">{label}</p>\n'
                   '<p style="font-family: sans-serif; font-size: 14px; font-weight: normal; margin: 0; '
                   'Margin-bottom: 15px; padding-bottom: 5px;">' + value.replace("\n", "<br />\n")
                   + "</p>\n</td></tr></table>")
    return ('<!doctype html>\n<html>\n<head>\n<meta name="viewport" content="width=device-width">\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n<title></title>\n'
            + _KADENCE_STYLE + '\n</head>\n<body class="" style="background-color: #f6f6f6;">'
            '<table border="0" cellpadding="0" cellspacing="0" class="body" style="width: 100%;"><tr>'
            '<td style="vertical-align: top;">&nbsp;</td><td class="container" style="display: block; '
            'max-width: 580px;"><div class="content"><!-- START CENTERED WHITE CONTAINER -->'
            '<table class="main" style="width: 100%; background: #ffffff;"><tr><td class="wrapper">'
            + fields + '</td></tr></table><div class="footer" style="clear: both; text-align: center;">'
            '<table border="0" cellpadding="0" cellspacing="0" style="width: 100%;"><tr>'
            '<td class="content-block powered-by" style="font-size: 12px; color: #999999;">Sent from '
            f'<a href="{SITE}" style="color: #999999;">Example Pharma Agency</a></td></tr></table></div>'
            '</div></td><td style="vertical-align: top;">&nbsp;</td></tr></table>\n</body>\n</html>')


_KAD = [("Nom et prénom", "Jeanne Lefèvre"), ("Adresse e-mail", "jeanne.lefevre@seinebio.example"),
        ("Type de projet", "Captation d'événement"),
        ("Votre message", "Bonjour,\nnous organisons un congrès en mars.\nMerci"), ("Consentement", "Accept")]
KADENCE_ADVANCED = Form(
    "kadence_advanced", "Kadence Blocks advanced form, HTML template and plain text (French labels)",
    "[Example Pharma Agency Submission]", WP,
    "".join(f"{label}: {value}\n\n" for label, value in _KAD), _kadence(_KAD),
    _expect("Jeanne Lefèvre", "jeanne.lefevre@seinebio.example", topic="Captation d'événement",
            message="Bonjour,\nnous organisons un congrès en mars.\nMerci"),
    reply_to="<jeanne.lefevre@seinebio.example>", formats=("plain", "html"))

JETFORMBUILDER = Form(
    "jetformbuilder", "JetFormBuilder send-email action (macros through wpautop, Reply-To fallback)",
    "Form on https://www.example-pharma-agency.com Submitted",
    "Example Pharma Agency <wordpress@example-pharma-agency.com>", None,
    "<p>Neue Anfrage über das Kontaktformular:</p>\n<p>Name: Lukas Brandt<br />\nE-Mail: "
    '<a href="mailto:lukas.brandt@elbepharma.example">lukas.brandt@elbepharma.example</a><br />\n'
    "Telefon: +49 40 555 0177<br />\nNachricht: Guten Tag,<br />\nwir planen eine Fortbildung.<br />\n"
    "Viele Grüße</p>\n",
    _expect("Lukas Brandt", "lukas.brandt@elbepharma.example", phone="+49 40 555 0177",
            message="Guten Tag,\nwir planen eine Fortbildung.\nViele Grüße"),
    reply_to="noreply@www.example-pharma-agency.com")

THIRD_ROUND: tuple[Form, ...] = (
    METFORM, METFORM_NAMES, MAILCHIMP, MAILCHIMP_MERGE, MAILCHIMP_SITE, BREVO, BREVO_EN, WS_FORM, WUFOO,
    FORMSTACK, RSFORM, FREEFORM, FORMIE, STATAMIC, ODOO, CARRD, STATIC_FORMS, CONVERT_FORMS, PIPEDRIVE,
    CHRONOFORMS, ZOHO_CRM, HUBSPOT_NEW, MSFORMS_FLOW, JOTFORM_TEXT, CF7_BR_PLAIN, KADENCE_ADVANCED,
    JETFORMBUILDER,
)

FORMS: tuple[Form, ...] = (
    CF7_TRAILING, CF7_HTML, WPFORMS, GRAVITY, ELEMENTOR_PLAIN, NINJA_CONTACT_ME, JETPACK, JETPACK_LEGACY,
    FLUENT, FORMIDABLE, FORMINATOR, DIVI, KADENCE, HUBSPOT, NETLIFY, FORMSPREE, WEBFLOW, SQUARESPACE, WIX,
    TYPEFORM, DRUPAL, EVEREST, JOTFORM, GERMAN, FRENCH, SPANISH, VISITOR_FROM, FORMSUBMIT, TALLY, ZOHO,
    MARKDOWN, SIGNED, DRUPAL_CONTACT, SHOPIFY, HAPPYFORMS, OTTER, SPECTRA, QUFORM, WEFORMS, SILVERSTRIPE,
    PROCESSWIRE, BEAVER, AVADA, SALESFORCE, BASIN, GETFORM, COGNITO, FORMBUILDER_123, PAPERFORM, FRAMER,
    GODADDY, WEEBLY, VISUAL_FORM_BUILDER, FORMCARRY, FORMKEEP, *THIRD_ROUND,
)


def cases() -> list[tuple[Form, str]]:
    """Every (form, format) pair of the catalogue."""
    return [(form, fmt) for form in FORMS for fmt in form.all_formats()]


def checks(form: Form, draft: SubmissionDraft) -> list[tuple[str, object, object]]:
    """(what, expected, found) for every check of ``form`` against a parsed draft."""
    out: list[tuple[str, object, object]] = [
        ("is_submission", True, draft.is_submission),
        ("not spam", None, draft.spam_reason),
    ]
    for key, value in form.expected.items():
        if key == "message_starts":
            body = draft.body_text
            out.append((key, value, body[:len(value)] if value is not None else None))
        else:
            out.append((key, value, getattr(draft, key)))
    return out
