"""Reading form fields out of lines of text: the structural reader beneath every layout.

Shapes it reads, in any mix: "Label: value" lines (a value may go on over the next lines); "Label:"
alone with the value below; a label alone on its line with the value below, when the label is
emphasised (``*Name*``, a bold or heading block of an HTML mail, a ``<dt>``) or a known one;
numbered and bulleted lists of either ("1. Name: Jane", "- *Email*"); "--- Label ---" blocks; a
label underlined by a row of dashes or equals signs with the value below (Quform's plain-text mail);
"Label - value" with a label the synonym table knows (Spectra's form block); and raw input names such
as "interests[]" (hosted form backends show the field's name as posted).

The hard part is telling a field label from a line of the visitor's message that happens to contain a
colon. A line starts a new field only when its label looks like one (short, starts with a letter, no
sentence punctuation, no address or URL) and, once a free-text field such as the message has begun,
only when the label is a known field or metadata label from the synonym table, or when the line
repeats the shape of the fields above it (a closing block of "Label: value" lines after a blank
line): "Note: we need 200 speakers" inside a message stays in the message, while "Page URL:",
"Date:" and "IP:" lines after it do not. A footer sentence ("Sent by an unverified visitor", "This
e-mail was sent from ...") ends the field before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from leaddesk.ingest.parse.repeated import per_value
from leaddesk.ingest.parse.synonyms import is_closing_label, is_consent_label, is_known_label, role_of

# A label may open with Spanish inverted marks: "¿En qué podemos ayudarle?: ...".
_LABEL_LINE = re.compile(r"^[ \t]*(?P<label>[¿¡]?[^\W\d_][^:\n]{0,59}?)[ \t]*:(?P<value>.*)$")
_DASHED = re.compile(r"^-{3}[ \t]+(?P<label>\S.*?)[ \t]+-{3}[ \t]*$", re.MULTILINE)
_LEADER = re.compile(r"[ \t]*[.·_…]{2,}[ \t]*$")
_UNDERLINE = re.compile(r"^[ \t]*(-{3,}|={3,})[ \t]*$")
_DASHED_LINE = re.compile(r"^[ \t]*-{3}[ \t]+(?P<label>\S.*?)[ \t]+-{3}[ \t]*$")
_NOT_IN_LABEL = re.compile(r"[@<>\[\]{}=|\\/\";,!]|https?|www\.")
# "1. ", "2) ", "- ", "* ", "• " in front of a field: a list of fields, not part of the label.
_MARKER = re.compile(r"^[ \t]*(?:\d{1,2}[.)]|[-*•·▪◦‣–])[ \t]+")
# *Label*, **Label**, _Label_: how a mail client writes a bold HTML label as text.
_EMPHASIS = re.compile(r"^[ \t]*(\*{1,2}|_{1,2})(?P<label>[^*_\n]{1,60}?)\1[ \t]*:?[ \t]*$")
_FOOTER = re.compile(
    # "(Sent via Example)": Squarespace closes its notification with the sentence in brackets.
    r"^[ \t]*[(\[]?(sent (by|via) |sent from (?!my )|"
    r"this (e-?mail|email|message|form|notification|submission) (was|has been|is) |you('re| are)? receiv|"
    r"to (unsubscribe|stop receiving)|manage (your )?(notification|submission|entr(y|ies)|response)|"
    # A service's invitation to flag the submission ("Does this submission look like spam? Report it
    # here.", Squarespace) and a rule of underscores (how Outlook and text renderings draw a line
    # between fields, FormSubmit's as received): neither is part of a value.
    r"does this (submission|message|entry|response) look like spam|(mark|report) (this |it )?as spam|"
    # The buttons of a notification that links to its dashboard (Jetpack Forms: "Mark as spam", "View
    # in dashboard").
    r"(view|open|see) (it )?in (the |your )?(dashboard|admin)\b|"
    r"_{8,}[ \t]*$|"
    r"powered by |diese (e-?mail|nachricht) wurde|gesendet (von|über) |ce (message|courriel|e-?mail) a "
    r"[ée]t[ée]|envoy[ée] (depuis|de|par|via) |este (correo|mensaje|e-?mail) (fue|ha sido)|"
    r"enviado (desde|por|a trav[ée]s) |--[ \t]*$|"
    # (as in English, not a phone's "Inviato dal mio iPhone" signature)
    r"quest[oa] (messaggio|e-?mail|notifica) [èe] stat[oa] |inviat[oa] (da|tramite|via) (?!(il )?mio )|"
    r"deze (e-?mail|email|bericht|melding) is |(verzonden|verstuurd) (via|vanaf|door) (?!mijn )|"
    r"esta (mensagem|e-?mail|notifica[çc][ãa]o) foi |"
    r"enviad[oa] (a partir d[eo]|atrav[ée]s d[eo]|via) (?!(o |a )?(meu|minha) )|"
    # A service's credit, copyright line and dashboard links close the fields of hosted forms too.
    r"made (with|by) |(©|\(c\)|copyright)[ \t]*(\d{4}|.{0,80}\b(powered by|all rights reserved)\b)|"
    # ... and a dashboard link put as a sentence or a button: "To view all of this form's submissions,
    # visit ..." (Concrete CMS), "View survey summary", "View 3 more responses" (Formbricks).
    r"(to view |(see|view|open) )(all )?(of )?(the |this |your )?((form|survey)('s)? )?(\d+ )?(more )?"
    r"(responses?|submissions?|entr(y|ies)|results?|contacts?|leads?|profile|record|summary)\b|"
    r"voir (l'|les |la )?(entr[ée]es?|r[ée]ponses?|soumissions?)\b|ver (el |la |los |las |todas? )?"
    r"(env[ií]os?|respuestas?|entradas?)\b|(eintrag|einsendung|antworten?) (ansehen|anzeigen)\b)",
    re.IGNORECASE)
MAX_LABEL_WORDS = 6
_ONE_LINE_ROLES = frozenset({"name", "first_name", "last_name", "email", "phone", "page_url", "date", "time"})
# The head row of a two-column field table: "Field | Value", "Question | Answer".
_HEADER_ROW = re.compile(
    r"^(field|name|question|label|feld|champ|campo|frage)\|(value|answer|response|wert|antwort|"
    r"valeur|r[ée]ponse|valor|respuesta)$", re.IGNORECASE)
# How an introduction to the fields ends: "... are:", "... below:", "... lauten:", "... sont :".
_INTRO_END = re.compile(r"\b(are|is|below|follows?|following|sind|lauten|folgt|sont|suivent|son|"
                        r"siguientes|sono|seguenti|zijn|volgende|s[aã]o|seguintes)$", re.IGNORECASE)


class ForcedLabel(str):
    """A line the layout knows to be a label (an HTML bold block, a ``<dt>``, a heading)."""


@dataclass(slots=True)  # one per field read: slots make it cheaper to build and to read
class _Field:
    label: str
    lines: list[str] = field(default_factory=list)
    free_text: bool = False
    bare: bool = False  # the label stood alone on its line (no colon, or nothing after it)
    column: int = 0  # where the value began on the label's line, when the line is aligned text

    def value(self) -> str:
        if len(self.lines) <= 1:
            # Most values are one line: what the steps below make of it (blank or not) at once.
            return self.lines[0].strip() if self.lines else ""
        lines = list(self.lines)
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and (not lines[-1].strip() or _RULE.match(lines[-1])):
            lines.pop()
        if len(lines) > 1 and lines[0][:1] in (" ", "\t"):
            # A value indented under its label (FormKeep's plain text): the indentation is the
            # layout's, not the visitor's.
            indent = min(len(line) - len(line.lstrip(" \t")) for line in lines if line.strip())
            lines = [line[indent:] for line in lines]
        elif self.column and len(lines) > 1 and _indented(lines[1:]) and self.column == min(
                len(line) - len(line.lstrip(" ")) for line in lines[1:] if line.strip()):
            # A value begun on its label's line and continued exactly under its own column
            # ("Comments:   Hello," then "            we would like ..."; Formstack's aligned plain
            # text): that indentation is the layout's. Any other indentation is the visitor's.
            lines = [lines[0], *(line[self.column:] for line in lines[1:])]
        return "\n".join(line.rstrip() for line in lines).strip()


# Labels repeat from message to message (a site's form sends the same ones): each is judged once.
# Longer text is no label and is not kept (a line of prose is asked about too).
@per_value(longest=120)
def looks_like_label(label: str) -> bool:
    """True for text that can be a form label: "E-Mail", "Topic of interest", "Tel.", "Prénom"."""
    label = label.strip()
    if not label or len(label) > 60 or _NOT_IN_LABEL.search(label.lower()):
        return False
    words = label.split()
    if len(words) > MAX_LABEL_WORDS:
        return False
    # A full stop only ends an abbreviation ("Tel.", "Str."), never sits inside a sentence.
    return "." not in label.rstrip(".") or len(words) == 1


def _consent_sentence(label: str) -> bool:
    """True for a consent box's label written as a sentence, longer than a label may otherwise be
    ("He leído y acepto la Política de privacidad: Aceptar", Kadence Blocks' accept field)."""
    label = label.strip()
    return (len(label.split()) <= 2 * MAX_LABEL_WORDS and "." not in label.rstrip(".")
            and not _NOT_IN_LABEL.search(label.lower()) and is_consent_label(label))


# What a consent box answers: "Yes", "Accept" (Kadence), "I agree", in the table's languages.
_CONSENT_ANSWER = re.compile(
    r"^(yes|no|true|checked|on|1|x|✓|✔|accept(ed)?|agreed?|i agree|i accept|ja|oui|s[ií]|sim|"
    r"aceptar|aceptado|acepto|accepter|accept[ée]e?|j'accepte|aceito|accetto|akkoord|zugestimmt|"
    r"einverstanden|akzeptiert|ok)$", re.IGNORECASE)


def _consent_answer_follows(lines: list[str], index: int) -> bool:
    """True when the next line with text after a consent label at ``index`` (an empty line between at
    most) is a consent box's answer alone ("Yes"): how a label and its value come out of an HTML
    block as text (Jetpack Forms' consent field after the message)."""
    answer = next((line.strip() for line in lines[index + 1:index + 3] if line.strip()), "")
    return bool(_CONSENT_ANSWER.match(answer))


def _question_label(label: str) -> bool:
    """True for a question asked as a label, right before its colon ("When would you like to be
    contacted?: Morning", RSForm!Pro's default form): longer than a label may otherwise be, but "?:"
    is the form's writing, not a sentence's."""
    label = label.strip()
    return (label.endswith("?") and len(label.split()) <= 2 * MAX_LABEL_WORDS
            and "?" not in label[:-1] and not _NOT_IN_LABEL.search(label.lower()))


def is_header_row(label: str, value: str) -> bool:
    """True for the head row of a field table ("Field | Value"), which is not a field."""
    return bool(_HEADER_ROW.match(f"{label.strip()}|{value.strip()}"))


def _pipe_row(line: str) -> tuple[str, str] | None:
    """("Label", "value") for a two-column Markdown or text-rendered table row "| Label | value |"."""
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    if len(cells) != 2 or not cells[1] or not cells[0][:1].isalpha() or not looks_like_label(cells[0]):
        return None
    return None if is_header_row(*cells) else (cells[0], cells[1])


def split_label_line(line: str) -> tuple[str, str] | None:
    """("Label", "value") when ``line`` is a "Label: value" line, a "| Label | value |" table row, or
    "Label<TAB>value" / "label=value" / "Label - value" with a label the table knows (a table, a
    script's key=value dump, a bold label and a dash, as they come out in text), else None."""
    if line[:1] in ("*", "_"):
        line = line.lstrip("*_ \t")  # "**Name:** Jane", Markdown from a mail client or a bot
    first = line.lstrip()[:1]
    if first == "|":
        return _pipe_row(line)
    if "：" in line and ":" not in line:
        line = line.replace("：", ":", 1)  # the full-width colon of Chinese and Japanese forms
    if first == "[" and "]" in line and "] =>" not in line:
        label, _, value = line.strip()[1:].partition("]")
        # "[Name] Jane": a bracketed label the table knows, as some scripts write them.
        if value.strip() and is_known_label(label) and looks_like_label(label):
            return label.strip(), value.strip()
    if ":" in line:
        match = _LABEL_LINE.match(line)
        if match is not None:
            tidied, value = _colon_label(match.group(1)), match.group(2)
            if tidied is not None and not value.startswith("//"):
                return tidied, value.strip().lstrip("*_").strip()
    # A colon further on belongs to the value ("Message - Note: launch in Q3").
    for separator in ("\t", "=>", "->", "→", "=", " - ", " – ", " — "):
        if separator in line:
            label, _, value = line.strip().partition(separator)
            label = _input_name(label)
            # A tab comes from a table: a label named by a keyword will do. "=" and a dash are rarer
            # in a form's output than in prose, so they need a label the table knows exactly ("Name -
            # Jane", "Message - Hello"), or, for a dash, a short keyword label ("Areas Of Interest").
            known = is_known_label(label) or (
                (separator == "\t" or (separator[0] != "=" and len(label.split()) <= 4))
                and role_of(label, value) is not None)
            if value.strip() and looks_like_label(label) and known:
                return label.strip(), value.strip()
    return None


@lru_cache(maxsize=4096)
def _colon_label(written: str) -> str | None:
    """The label of a "Label: value" line as written before its colon (at most 61 characters, see
    _LABEL_LINE), tidied; None when it does not look like a label. Labels repeat from message to
    message: each is read once."""
    label = _input_name(written.strip())
    if not (looks_like_label(label) or _question_label(label) or _consent_sentence(label)):
        return None
    label = _LEADER.sub("", label)  # "Name.......: Jane", dot leaders of a text table
    return label.rstrip(" *").strip("*_ ").strip()


def _input_name(label: str) -> str:
    """"interests" for the raw input name "interests[]": a PHP-style array field (a checkbox group) as a
    form backend that shows the posted names writes it."""
    return label[:-2].rstrip() if label.endswith("[]") else label


# What a line must open with for _MARKER, _EMPHASIS or _DASHED_LINE to match it (a digit aside): most
# lines open with a letter, and this look at one character spares a pattern per line.
_MARKER_STARTS = " \t-*•·▪◦‣–"
_BARE_STARTS = " \t*_-"


def _strip_marker(line: str) -> str:
    if line[:1] not in _MARKER_STARTS and not line[:1].isdigit():
        return line  # (an empty line is "in" any string: it goes on to the pattern, as before)
    match = _MARKER.match(line)
    if match is None or line.lstrip().startswith(("---", "-- ")):
        return line
    return line[match.end():]


def _bare_label(line: str) -> tuple[str, bool | None] | None:
    """(label, emphasised) when ``line`` is a label alone on its line: "*Name*", "Email", "Name:";
    emphasised is None for a label known only by a keyword, which starts a field only after a blank
    line, as the first field or in a run of such fields."""
    starts = line[:1] in _BARE_STARTS
    emphasised = _EMPHASIS.match(line) if starts else None
    if emphasised is not None:
        label = emphasised.group("label").strip().rstrip(":").strip()
        return (label, True) if label[:1].isalpha() and looks_like_label(label) else None
    dashed = _DASHED_LINE.match(line) if starts else None
    if dashed is not None:
        return dashed.group("label").strip(), True
    text = line.strip()
    if not text or len(text) > 60 or text.endswith((".", "!", ",")):
        return None
    label = text.rstrip(":").strip()
    if not label or not (looks_like_label(label) or _consent_sentence(label)):
        return None
    # A known label, or a question that names a field ("What's your e-mail address?", Typeform).
    if is_known_label(label) or (label.endswith("?") and role_of(label, "@") is not None):
        return label, False
    # A label that names a field by a keyword ("The sender's name"): only where a field can start.
    if role_of(label, "@") is not None:
        return label, None
    return None


def _is_free_text(label: str) -> bool:
    return role_of(label) == "message"


# A footer that speaks of the notification itself: it ends a message wherever it stands.
_MAIL_FOOTER = re.compile(
    r"^[ \t]*[(\[]?(--[ \t]*$|_{8,}[ \t]*$|does this (submission|message|entry|response) look like spam|"
    r"this (e-?mail|email|message|notification|form|submission) (was|has been|is) "
    r"(sent|submitted|generated|automatically)|you('re| are)? receiv\w* this (e-?mail|email|message|"
    r"notification)|sent (by|via|from) .{0,80}\b(forms?|site|website)\b|to (unsubscribe|stop receiving) "
    r"(from )?(this|these|our|all|such|future) |"
    # The same sentence in the languages the table knows: "Diese E-Mail wurde ... gesendet", "Questo
    # messaggio è stato inviato da ...", "Deze e-mail is verzonden via ...".
    r"diese (e-?mail|nachricht) wurde |ce (message|courriel|e-?mail) a [ée]t[ée] (envoy|g[ée]n[ée]r)|"
    r"este (correo|mensaje|e-?mail) (fue|ha sido) (enviad|generad)|"
    r"quest[oa] (messaggio|e-?mail|notifica) [èe] stat[oa] (inviat|generat)|"
    r"deze (e-?mail|email|bericht|melding) is (verzonden|verstuurd|gegenereerd)|"
    r"esta (mensagem|e-?mail|notifica[çc][ãa]o) foi (enviad|gerad))", re.IGNORECASE)
# A rule drawn under a message ("---" before Forminator's closing line): no part of the value.
_RULE = re.compile(r"^[ \t]*(-{3,}|={3,}|_{3,}|\*{3,})[ \t]*$")
# What a closing sentence of a notification speaks of (and a visitor's sentence seldom does).
_FOOTER_WORDS = re.compile(r"\b(forms?|formular\w*|formulaire|formulario|modulo|website|site|web ?site|"
                           r"notifications?|submissions?|submitted|e-?mails?|courriel)\b|©", re.IGNORECASE)
SHORT_FOOTER = 40  # characters: "Powered by Formspree", "(Sent via Example)", "View Submission"
_LINK_TAIL = re.compile(r"\s*[(<]https?://\S+[)>]$")


def _ends_free_text(lines: list[str], index: int) -> bool:
    """True when the footer-like line at ``index`` ends a free-text field (the visitor's message) rather
    than being one of its sentences ("To stop receiving paper reports, we need a dashboard"): it speaks
    of the notification itself, it is a short credit rather than a sentence, or it opens a paragraph
    and is short or speaks of the form or site."""
    line = _LINK_TAIL.sub("", lines[index].strip())  # "View contact (https://...)": a link as text
    if _MAIL_FOOTER.match(line):
        return True
    if len(line) <= SHORT_FOOTER and not line.endswith((".", "!", "?", ",")):
        return True  # a credit, not a sentence: "Sent from Example", "Powered by Formspree"
    opens_paragraph = index == 0 or not lines[index - 1].strip() or bool(_UNDERLINE.match(lines[index - 1]))
    return opens_paragraph and (len(line) <= SHORT_FOOTER or bool(_FOOTER_WORDS.search(line)))


def is_footer(line: str) -> bool:
    """True for a notification's own closing sentence ("Sent by an unverified visitor ...")."""
    return bool(_FOOTER.match(line))


def label_value_fields(text: str | Iterable[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """The fields of ``text`` (a string, or lines some of which may be :class:`ForcedLabel`) in
    order, and the lines before the first field."""
    lines = text.split("\n") if isinstance(text, str) else list(text)
    # Only lines handed in or an underlined label can be a ForcedLabel: plain text has none.
    may_be_marked = not isinstance(text, str)
    if isinstance(text, str) and ("\n---" in text or "\n===" in text):
        lines = _underlined_labels(lines)
        may_be_marked = True
    fields: list[_Field] = []
    preamble: list[str] = []
    previous_blank = True
    tail: list[list[int]] = []
    closed = False  # a footer line ended the field before: what follows is not its value
    # When the HTML marks its labels (bold lines, headings), an unmarked line that names a field only
    # by a keyword ("Project enquiry", the form's title) is text, not a label.
    marked = may_be_marked and any(isinstance(line, ForcedLabel) for line in lines)
    for index, line in enumerate(lines):
        current = fields[-1] if fields and not closed else None
        forced = isinstance(line, ForcedLabel)
        stripped = line.strip()  # once: every branch below asks
        if not forced and not stripped:
            # A blank line is no label and no footer: what the checks below would conclude.
            if current is not None:
                current.lines.append(line)
            previous_blank = True
            continue
        core = _strip_marker(line)
        split = None if forced else split_label_line(core)
        if split is not None and not split[1] and _EMPHASIS.match(core):
            split = None  # "**Name:**" alone: an emphasised bare label, read below
        bare: tuple[str, bool | None] | None = None
        if forced:
            bare = (stripped.rstrip(":").strip(), True)
        elif split is None:
            bare = _bare_label(core)
        if split is not None:
            starts = (current is None or not current.free_text
                      or _known_field(split[0], lines, index, tail) or _question_label(split[0])
                      or (previous_blank and not _is_free_text(current.label))
                      or _left_empty(current, fields) or _closing_block(lines, index, fields, tail))
            if starts:
                label, value = split
                fields.append(_Field(label, [value] if value else [],
                                     free_text=_is_free_text(label) or not value, bare=not value,
                                     column=_value_column(line, value)))
                closed = False
                previous_blank = False
                continue
        elif bare is not None and _next_has_value(lines, index):
            label, emphasised = bare
            # The shape of the fields above: a message's own bareness ("Message Body:" alone) is not it.
            above = fields[:-1] if current is not None and _is_free_text(current.label) else fields
            shape_repeats = any(f.bare for f in above[-1:])
            if emphasised is None:
                # Without an empty line before it, only in a run of labels and one-line values
                # ("Your full legal name", "Jane", "Contact email", "jane@..."), as table rows give.
                alternating = (current is not None and current.bare and not _is_free_text(current.label)
                               and sum(1 for text in current.lines if text.strip()) == 1)
                starts = (not marked and (previous_blank or alternating) and (
                    current is None or (shape_repeats and not _is_free_text(current.label)))) or (
                    # A consent box after the message: its label, then its one-word answer.
                    current is not None and current.free_text and is_consent_label(label)
                    and _consent_answer_follows(lines, index))
            elif emphasised:
                # Inside a message, "*Important*" on its own line is the visitor's: an emphasised
                # label starts a field there only when known or when the fields above had its shape.
                starts = (current is None or not _is_free_text(current.label) or is_known_label(label)
                          or any(f.bare for f in fields[:-1]))
            else:
                starts = (current is None or not current.free_text
                          or (shape_repeats and (previous_blank or not _is_free_text(current.label))))
            if starts:
                fields.append(_Field(label, [], free_text=True, bare=True))
                closed = False
                previous_blank = False
                continue
        if stripped and is_footer(line) and (
                current is None or not current.free_text or _ends_free_text(lines, index)):
            closed = True
        elif (current is not None and previous_blank
              and ((not current.free_text and not current.bare) or _one_value_line(current))
              and role_of(current.label, "@") in _ONE_LINE_ROLES):
            # "Email: jane@..." then, after an empty line, "Submission details": an address, a name
            # or a number given on its label's line does not go on after an empty line.
            closed = True
        elif (current is not None and previous_blank and current.bare and line[:1] not in (" ", "\t")
              and _indented(current.lines)):
            # A value indented under its label ends where an unindented paragraph begins.
            closed = True
        elif current is not None:
            current.lines.append(line)
            if stripped:
                current.free_text = current.free_text or len(current.lines) > 1
        elif stripped and not fields:
            preamble.append(stripped)
        previous_blank = not stripped
    # "Here's what they had to say:" has the shape of a label, but a sentence-long label with no value
    # is an introduction, not a field; so is a short one that ends like a sentence announcing a list
    # ("Submitted values are:", Drupal Webform's default mail).
    read = [(f.label, f.value()) for f in fields]
    return [(label, value) for label, value in read
            if value or ((len(label.split()) < 4 and not _INTRO_END.search(label))
                         or is_known_label(label))], preamble


def _underlined_labels(lines: list[str]) -> list[str]:
    """``lines`` with every label underlined by a row of dashes or equals signs ("Name", then
    "------------", then the value; Quform's plain-text e-mail, Markdown headings) made a
    :class:`ForcedLabel` and its underline dropped. A row of dashes after an empty line or a sentence
    (Elementor's "---" before its metadata, a signature) is left as it is."""
    out: list[str] = []
    for line in lines:
        previous = out[-1] if out else ""
        text = previous.strip()
        if (_UNDERLINE.match(line) and text and not isinstance(previous, ForcedLabel)
                and not text.endswith((".", "!", ",")) and looks_like_label(text.rstrip(":").strip())):
            out[-1] = ForcedLabel(text.rstrip(":").strip())
            continue
        out.append(line)
    return out


def _value_column(line: str, value: str) -> int:
    """Where ``value`` begins in ``line`` when spaces set it in a column ("Name:      Jane"), else 0."""
    colon = line.find(":")
    if not value or colon < 0 or not line.startswith("  ", colon + 1):
        return 0
    return max(line.find(value, colon + 1), 0)


def _one_value_line(current: _Field) -> bool:
    """True when a label alone on its line has had its one line of value ("Phone", "+46 8 ..."): a
    section heading after an empty line (WS Form's "* Your enquiry *") is not more of it."""
    return current.bare and sum(1 for line in current.lines if line.strip()) == 1


def _indented(lines: list[str]) -> bool:
    """True when every line with text is indented: a value set under its label as a block."""
    return any(line.strip() for line in lines) and all(
        line[:1] in (" ", "\t") for line in lines if line.strip())


def _left_empty(current: _Field, fields: list[_Field]) -> bool:
    """True when ``current`` is an optional field the visitor left empty ("Telefon:" with nothing
    after it) among "Label: value" lines: the next such line is the next field, whatever its label."""
    return (current.bare and not any(line.strip() for line in current.lines)
            and not _is_free_text(current.label) and len(fields) >= 2 and not fields[-2].bare)


def _next_has_value(lines: list[str], index: int) -> bool:
    """True when a line with text follows ``index`` before the next label (a label needs a value)."""
    for line in lines[index + 1:index + 4]:
        if line.strip():
            if isinstance(line, ForcedLabel):
                return False
            split = split_label_line(_strip_marker(line))
            if split is not None and is_known_label(split[0]):
                return False  # "Page URL: ..." is the next field, not this label's value
            label = _bare_label(_strip_marker(line))
            return label is None or label[1] is None  # a keyword-only label can be a value

    return False


def _label_tail(lines: list[str]) -> list[int]:
    """For each index, how many "Label: value" lines (with values) run from it to the end of the
    text or to a footer, blank lines skipped; 0 when another kind of line comes first."""
    counts = [0] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.strip():
            counts[index] = counts[index + 1]
        elif is_footer(line):
            counts[index] = 0
        else:
            split = split_label_line(_strip_marker(line))
            counts[index] = counts[index + 1] + 1 if split is not None and split[1] else -len(lines)
    return [max(count, 0) for count in counts[:-1]]


def _known_field(label: str, lines: list[str], index: int, tail: list[list[int]]) -> bool:
    """True when a known label starts a field inside a free text; a consent, file or "Sent from"
    label only when "Label: value" lines alone follow it (or a footer, or the end): "Privacy: please
    keep this confidential." with more of the visitor's text after it is part of the message."""
    consent = is_consent_label(label)
    if not (consent or is_known_label(label)):
        return False
    if not (consent or is_closing_label(label)):
        return True
    if not tail:
        tail.append(_label_tail(lines))  # once per text, shared with _closing_block
    return tail[0][index] >= 1


def _closing_block(lines: list[str], index: int, fields: list[_Field], tail: list[list[int]]) -> bool:
    """True when the line at ``index`` opens the closing block of a free-text field: after a blank
    line, it and every line to the end (or to a footer) are "Label: value" lines with values, at
    least two of them, as the fields above the free text were."""
    if index == 0 or lines[index - 1].strip() or len(fields) < 2:
        return False
    if any(f.bare for f in fields[:-1]):
        return False  # the fields above were not "Label: value" lines
    if not tail:
        tail.append(_label_tail(lines))  # once per text: the check runs for many lines
    return tail[0][index] >= 2


def dashed_fields(text: str) -> list[tuple[str, str]]:
    """The fields of WPForms' plain-text layout: "--- Label ---", a blank line, the value."""
    if "---" not in text:
        return []  # what the multi-line pattern needs, found without trying it at every line start
    matches = list(_DASHED.finditer(text))
    fields: list[tuple[str, str]] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        fields.append((match.group("label").strip(), text[match.end():end].strip()))
    return fields
