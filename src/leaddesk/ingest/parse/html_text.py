"""Rendering an HTML mail body as plain text that keeps its structure.

Line breaks and blocks become newlines; a table row of two cells becomes a ``Label: value`` line, and
so does the "label row, then value row" pattern of Gravity Forms' and WPForms' field tables. Besides the
text, the renderer returns those (label, value) pairs as it found them, so that a multi-line value in a
table cell stays one value rather than being re-guessed from lines. A bold line alone is a label,
also inside the one cell of a layout table that frames most notification mails (Typeform's questions);
an element styled ``white-space: pre`` (or ``pre-wrap``, ``pre-line``) keeps its line breaks as ``<pre>``
does (FormSubmit's and Web3Forms' message cells). What a mail client does not show is left out: elements
with the ``hidden`` attribute, an inline style that hides them (``display: none``, ``visibility:
hidden``, zero size or opacity) or a class a top-level style rule hides (a preheader, a honeypot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

from leaddesk.ingest.parse.fieldlines import ForcedLabel, is_header_row, looks_like_label
from leaddesk.ingest.parse.text import storable

Item = str | tuple[str, str]

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "legend",
    "li", "main", "nav", "ol", "p", "section", "ul",
})
# Their content is never text for a reader.
_SKIPPED = frozenset({"script", "style", "title", "noscript", "template", "svg", "object", "iframe"})
_BOLD = frozenset({"b", "strong", "th"})
_SPACES = re.compile(r"[^\S\n]+")
# A block of these is a label when short: "<h3>Email</h3><p>jane@...</p>", "<dt>Name</dt><dd>...".
_LABEL_BLOCKS = frozenset({"dt", "h3", "h4", "h5", "h6"})
_LABEL_CLASS = re.compile(r"(^|[\s_-])(label|field-name|name)($|[\s_-])", re.IGNORECASE)
# Outside a table cell "name" is as often the person's name as a label's class: only these say label.
_LABEL_ELEMENT_CLASS = re.compile(r"(^|[\s_-])(label|field-name|question)($|[\s_-])", re.IGNORECASE)
# Marks, inside a table cell's text, the start of a line that was bold or a small heading on its own: a
# private-use character, which no mail text holds after storable() (it is removed before anything else
# sees the text).
_LABEL_MARK = "\ue000"
_PRE_STYLE = re.compile(r"white-space\s*:\s*pre", re.IGNORECASE)


@dataclass(frozen=True)
class HtmlText:
    """The rendered text and, in order, its lines and the (label, value) pairs found in tables."""

    text: str
    items: tuple[Item, ...]
    hides: bool = False  # the HTML has elements a mail client does not show (see :func:`visible`)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [item for item in self.items if isinstance(item, tuple)]

    @property
    def lines(self) -> list[str]:
        return [item for item in self.items if isinstance(item, str)]


@dataclass(slots=True)  # one per table cell: slots make it cheaper to build and to read
class _Cell:
    parts: list[str] = field(default_factory=list)
    bold_chars: int = 0
    chars: int = 0
    label_class: bool = False
    header: bool = False  # a <th>
    line_start: int = 0  # where the cell's current line starts in parts, and its visible characters
    line_chars: int = 0
    line_bold: int = 0

    def text(self) -> str:
        """The cell's text, with the marks of its bold lines (see :func:`_forced_lines`)."""
        return _tidy("".join(self.parts))

    def break_line(self, blank: bool, label_block: bool) -> None:
        """End the cell's current line, marking it when it was bold or a heading on its own."""
        if self.line_chars and (label_block or (
                self.line_bold >= 0.8 * self.line_chars
                and (self.line_bold == self.line_chars
                     or not _has_value("".join(self.parts[self.line_start:]))))):
            self.parts.insert(self.line_start, _LABEL_MARK)
        self.parts.append("\n\n" if blank else "\n")
        self.line_start, self.line_chars, self.line_bold = len(self.parts), 0, 0

    def looks_like_label(self, text: str) -> bool:
        if not text or "\n" in text or len(text) > 80:
            return False
        return self.label_class or (self.chars > 0 and self.bold_chars >= 0.8 * self.chars)


@dataclass(slots=True)
class _Row:
    depth: int
    cells: list[_Cell] = field(default_factory=list)
    open_cell: _Cell | None = None
    layout: bool = False  # the row holds a nested table: it frames content rather than pairing it


def _is_header_row(row: _Row) -> bool:
    """True for a row of two or more <th> cells, each a one-line label, that is not the head of a
    field table ("Field | Value")."""
    if row.layout or len(row.cells) < 2 or not all(cell.header for cell in row.cells):
        return False
    texts = [cell.text() for cell in row.cells]
    return (all(text and "\n" not in text and looks_like_label(text.rstrip(":")) for text in texts)
            and not (len(texts) == 2 and is_header_row(*texts)))


def _has_value(text: str) -> bool:
    """True for a mostly bold line that is a bold "Label:" with a short value after it ("<b>Lead
    Source:</b> Web"): a field of its own, not a label alone on its line."""
    label, colon, value = text.partition(":")
    return bool(colon and label.strip() and value.strip())


def _tidy(text: str) -> str:
    if "\n" not in text:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[Item] = []
        self.line: list[str] = []
        self.rows: list[_Row] = []
        self.skip = 0
        self.hidden: list[tuple[str, int]] = []  # each open hidden element, and its own tag's nesting
        self.hidden_classes: frozenset[str] = frozenset()
        self.hides = False
        self.pre = 0
        self.pre_tags: list[str] = []  # the open elements that keep line breaks (<pre>, white-space: pre)
        self.label_tags: list[str] = []  # the open elements that hold a label (<label>, class="label")
        self.bold = 0
        self.table_depth = 0
        self.pending_label: str | None = None
        self.header_row: _Row | None = None  # a row of <th> labels, waiting for the row of values
        self.links: list[tuple[str | None, int]] = []  # href and where its text starts in the sink
        self.label_block = 0  # inside a <dt> or a small heading
        self.line_chars = 0  # visible characters of the line being built, and how many are bold
        self.line_bold = 0

    # ---------------------------------------------------------------- where text goes
    def _cell(self) -> _Cell | None:
        return self.rows[-1].open_cell if self.rows else None

    # _sink and _newline run for most tokens: they look the open cell up inline, as _cell does.
    def _sink(self) -> list[str]:
        cell = self.rows[-1].open_cell if self.rows else None
        return cell.parts if cell is not None else self.line

    def _newline(self, blank: bool = False) -> None:
        cell = self.rows[-1].open_cell if self.rows else None
        if cell is not None:
            cell.break_line(blank, bool(self.label_block))
            return
        if not self.line:  # most block boundaries follow another one: nothing to flush
            self.line_chars = self.line_bold = 0
            if blank and self.items and self.items[-1] != "":
                self.items.append("")
            return
        text = _tidy("".join(self.line))
        bold = (self.line_chars > 0 and self.line_bold >= 0.8 * self.line_chars
                and (self.line_bold == self.line_chars or not _has_value(text)))
        self.line, self.line_chars, self.line_bold = [], 0, 0
        if text and "\n" not in text and len(text) <= 60 and (bold or self.label_block):
            # A bold line or a heading alone: the label of the block below it.
            if self.pending_label is not None:
                self.items.append(self.pending_label)
                self.pending_label = None
            self.items.append(ForcedLabel(text))
        elif text:
            self._emit_lines(text)
        if blank and self.items and self.items[-1] != "":
            self.items.append("")

    def _emit_lines(self, text: str) -> None:
        if self.pending_label is not None:
            label, self.pending_label = self.pending_label, None
            self.items.append(label)
        self.items.extend(_forced_lines(text) if _LABEL_MARK in text else text.split("\n"))

    def _emit_pair(self, label: str, value: str) -> None:
        self.items.append((label, value))

    # ---------------------------------------------------------------- tables
    def _close_cell(self) -> None:
        if self.rows and self.rows[-1].open_cell is not None:
            row = self.rows[-1]
            assert row.open_cell is not None
            row.cells.append(row.open_cell)
            row.open_cell = None

    def _close_rows(self, depth: int) -> None:
        while self.rows and self.rows[-1].depth >= depth:
            self._close_cell()
            self._finish_row(self.rows.pop())

    def _finish_row(self, row: _Row) -> None:
        """Read a finished row. A row of <th> labels over a row of as many values is a table laid
        out sideways ("Full name | Work email | Your question" over the answers): its pairs are
        column by column."""
        header, self.header_row = self.header_row, None
        if header is not None and header.depth != row.depth:
            # A row of a table nested in the next row's cells: the head waits for its own table's.
            self.header_row, header = header, None
        elif header is not None:
            if (not row.layout and len(row.cells) == len(header.cells)
                    and not all(cell.header for cell in row.cells)):
                for label_cell, value_cell in zip(header.cells, row.cells, strict=True):
                    value = value_cell.text()
                    if value:
                        self._emit_pair(label_cell.text().rstrip(":").strip(), value)
                return
            self._read_row(header)
        if self.header_row is None and _is_header_row(row):
            self.header_row = row
            return
        self._read_row(row)

    def _flush_header(self, depth: int) -> None:
        """Read a waiting head row of a table at ``depth`` or deeper that ends without its values."""
        if self.header_row is not None and self.header_row.depth >= depth:
            header, self.header_row = self.header_row, None
            self._read_row(header)

    def _read_row(self, row: _Row) -> None:
        # Each cell's text once: tidying it is most of the cost of a table.
        cells = [(cell, text) for cell in row.cells if (text := cell.text()) and text != ":"]
        if row.layout or not cells or (len(cells) == 1 and _LABEL_MARK in cells[0][1]):
            # A layout cell with bold lines of its own: its lines, the bold ones as labels.
            for _, text in cells:
                self._emit_lines(text)
            return
        if any(_LABEL_MARK in text for _, text in cells):
            cells = [(cell, _unmarked(text)) for cell, text in cells]
        first = cells[0][1]
        label = first.rstrip(":").strip()
        if len(cells) == 2 and is_header_row(first, cells[1][1]):
            return  # "Field | Value": the head of a field table, not a field
        if len(cells) >= 2 and label and "\n" not in first and len(first) <= 80:
            if self.pending_label is not None:
                self._emit_lines(self.pending_label)
                self.pending_label = None
            self._emit_pair(label, "\n".join(text for _, text in cells[1:]))
        elif len(cells) == 1 and cells[0][0].looks_like_label(first):
            if self.pending_label is not None:
                self._emit_lines(self.pending_label)
            self.pending_label = label or first
        elif len(cells) == 1 and self.pending_label is not None:
            pending, self.pending_label = self.pending_label, None
            self._emit_pair(pending, first)
        else:
            for _, text in cells:
                self._emit_lines(text)

    def _before_nested(self, row: _Row, text: str) -> None:
        """Read the cells of ``row`` closed before a table nested in its next cell, before that table's
        rows: they come first in the mail. A label cell alone beside a cell that holds only the nested
        table labels its value (TYPO3's form mail puts each value in a one-cell table of its own)."""
        earlier = [cell.text() for cell in row.cells]
        row.cells = []
        earlier = [item for item in earlier if item]
        if (not text and len(earlier) == 1 and "\n" not in earlier[0] and _LABEL_MARK not in earlier[0]
                and looks_like_label(earlier[0].rstrip(":").strip())):
            if self.pending_label is not None:
                self._emit_lines(self.pending_label)
            self.pending_label = earlier[0].rstrip(":").strip()
            return
        for item in earlier:
            self._emit_lines(item)

    def _open_cell(self, attrs: list[tuple[str, str | None]], tag: str) -> None:
        if not self.rows or self.rows[-1].depth < self.table_depth:
            self._newline()
            self.rows.append(_Row(depth=self.table_depth))
        self._close_cell()
        # Most cells come without attributes (the tokenizer reads them only when they say something).
        self.rows[-1].open_cell = _Cell(label_class=bool(attrs) and _is_label_class(attrs),
                                        header=tag == "th")

    # ---------------------------------------------------------------- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            return
        if self.skip:
            if self.hidden and tag == self.hidden[-1][0]:
                self.hidden[-1] = (tag, self.hidden[-1][1] + 1)  # the same element nested inside it
            return
        if attrs and tag not in _VOID and _is_hidden(attrs, self.hidden_classes):
            # What a mail client does not show (a preheader, a honeypot, text styled away) is no text:
            # it must not become a field.
            self.hidden.append((tag, 1))
            self.skip += 1
            self.hides = True
            return
        if tag in _BOLD:
            self.bold += 1
        if attrs:
            self._enter_pre(tag, attrs)
        if tag == "label" or (attrs and tag not in ("td", "th", "a")
                              and _is_label_class(attrs, _LABEL_ELEMENT_CLASS)):
            self.label_tags.append(tag)
        if tag == "br":
            if (not self.line_chars and self._cell() is None and self.items and self.items[-1]
                    and not "".join(self.line).strip()):
                # "<br><br>" in a block: the empty line a visitor left between paragraphs.
                self.line = []
                self.items.append("")
            else:
                self._newline()
        elif tag == "table":
            cell = self._cell()
            if cell is not None:
                row = self.rows[-1]
                row.layout = True
                text = cell.text()
                cell.parts, cell.chars, cell.bold_chars = [], 0, 0
                if row.cells and self.header_row is None:  # (a sideways head's row is read with it)
                    self._before_nested(row, text)
                if text:
                    self._emit_lines(text)
            else:
                self._newline()
            self.table_depth += 1
        elif tag == "tr":
            self._close_rows(self.table_depth)
            self._newline()
            self.rows.append(_Row(depth=self.table_depth))
        elif tag in ("td", "th"):
            self._open_cell(attrs, tag)
        elif tag == "pre":
            self.pre += 1
            self.pre_tags.append(tag)
            self._newline()
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append((href, len("".join(self._sink()))))
        elif tag in _BLOCKS:
            self._newline(blank=tag == "p")
            if tag in _LABEL_BLOCKS:
                self.label_block += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            if self.hidden and tag == self.hidden[-1][0]:
                depth = self.hidden.pop()[1] - 1
                if depth:
                    self.hidden.append((tag, depth))
                else:
                    self.skip = max(0, self.skip - 1)
            return
        if tag in _BOLD:
            self.bold = max(0, self.bold - 1)
        if self.label_tags and self.label_tags[-1] == tag:
            self.label_tags.pop()
            # <span class="label">Name</span> Jane: the element says it is a label, as a colon would.
            sink = self._sink()
            if "".join(sink).strip() and not "".join(sink).rstrip().endswith(":"):
                sink.append(":")
        if self.pre_tags and self.pre_tags[-1] == tag:
            self.pre_tags.pop()
            self.pre = max(0, self.pre - 1)
            if tag == "pre":
                self._newline()
        if tag in ("td", "th"):
            self._close_cell()
        elif tag == "tr":
            if self.rows and self.rows[-1].depth >= self.table_depth:
                self._close_cell()
                self._finish_row(self.rows.pop())
        elif tag == "table":
            self._close_rows(self.table_depth)
            self._flush_header(self.table_depth)
            self.table_depth = max(0, self.table_depth - 1)
            self._newline()
        elif tag == "a":
            self._end_link()
        elif tag in _BLOCKS:
            self._newline(blank=tag == "p")
            if tag in _LABEL_BLOCKS:
                self.label_block = max(0, self.label_block - 1)

    def _end_link(self) -> None:
        if not self.links:
            return
        href, start = self.links.pop()
        if not href or not href.lower().startswith(("http://", "https://")):
            return
        sink = self._sink()
        shown = "".join(sink)[start:].strip()
        # Keep where a link points when its text does not say it: "Page: <a href=URL>Post title</a>".
        if shown and href.rstrip("/") not in shown and shown.rstrip("/") not in href:
            sink.append(f" ({href.strip()})")

    def _enter_pre(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep the line breaks inside an element styled ``white-space: pre`` (or pre-wrap, pre-line)."""
        if tag != "pre" and tag in _HANDLED and any(
                name == "style" and value and _PRE_STYLE.search(value) for name, value in attrs):
            self.pre += 1
            self.pre_tags.append(tag)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        # The open cell, as _cell() finds it (inline: this runs for every piece of text).
        cell = self.rows[-1].open_cell if self.rows else None
        if not self.pre:
            if not data.strip():
                # The indentation between tags, most of all data.
                (cell.parts if cell is not None else self.line).append(" ")
                return
            if not data.isprintable() or "  " in data:  # printable: no newline, tab or odd space
                data = _SPACES.sub(" ", data.replace("\n", " "))
        visible = len(data.strip())
        if cell is not None:
            cell.chars += visible
            cell.line_chars += visible
            if self.bold:
                cell.bold_chars += visible
                cell.line_bold += visible
            cell.parts.append(data)
        else:
            self.line_chars += visible
            if self.bold:
                self.line_bold += visible
            self.line.append(data)

    def close(self) -> None:
        super().close()
        self._close_rows(0)
        self._flush_header(0)
        self._newline()
        if self.pending_label is not None:
            self.items.append(self.pending_label)
            self.pending_label = None


# A tokenizer for what notification HTML holds: tags, text, comments and declarations. It does what
# html.parser does for these (lower-cased tag names, unescaped text and attribute values, self-closing
# tags) at about a third of its cost, which made HTML the largest share of a parse. Attribute values
# and tag bodies stop at "<" so that broken markup cannot make a match scan the rest of the mail.
# A tag comes first as (slash, name, attributes); anything else is the fourth group: a comment, a
# declaration, text or a lone "<". findall hands these out as plain tuples, which costs less than a
# match object per token. The attributes are read a run at a time and never given back (possessive):
# a quote always opens a quoted value and nothing else ends at ">", so no shorter reading could end
# where a longer one does not (tests/ingest/parse/test_html_text.py compares it with the one-character form).
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][^\s/<>]*)((?:[^<>\"']++|\"[^\"<]*+\"|'[^'<]*+')*+)>"
    r"|(<!--.*?(?:-->|\Z)|<[!?][^<>]*>?|[^<]+|<)",
    re.DOTALL)
_ATTRIBUTE = re.compile(r"""([^\s=/"'<>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


# The tags whose attributes the renderer reads, and the attribute it reads.
_ATTRIBUTE_TAGS = {"td": "class", "th": "class", "a": "href"}
# The tags the renderer acts on; any other tag (span, font, img ...) changes nothing, so the tokenizer
# does not hand it over at all.
_HANDLED = _SKIPPED | _BOLD | _BLOCKS | {"br", "table", "tr", "td", "th", "pre", "a", "span", "label", "font",
                                        "small", "em", "i", "u", "sup", "sub"}
# Elements without content: hiding one hides nothing, and it has no end tag to wait for.
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source"})
# Inline styles that keep an element's text from the reader.
_HIDDEN_STYLE = re.compile(
    r"(^|;|\s)(display\s*:\s*none|visibility\s*:\s*hidden|opacity\s*:\s*0(\.0*)?\s*(;|!|$)|"
    r"font-size\s*:\s*0(\.0*)?(px|pt|em|rem|%)?\s*(;|!|$)|max-height\s*:\s*0(px)?\s*(;|!|$))", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)(?:</style\s*>|$)", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_BRACE = re.compile(r"[{}]")
_CLASS_SELECTOR = re.compile(r"^[a-z0-9]*\.([\w-]+)$", re.IGNORECASE)


def _hidden_classes(html: str) -> frozenset[str]:
    """The classes a top-level rule of the mail's style sheets hides (``.preheader {display: none}``).
    Rules inside ``@media`` are left out: they hide text on some screens only (a mobile layout)."""
    found: set[str] = set()
    for sheet in _STYLE_BLOCK.findall(html):
        if _HIDDEN_STYLE.search(sheet) is None:
            continue  # most style sheets hide nothing
        sheet = _CSS_COMMENT.sub("", sheet)
        depth, start, selector = 0, 0, ""
        for brace in _BRACE.finditer(sheet):
            index = brace.start()
            if brace.group() == "{":
                if depth == 0:
                    selector = sheet[start:index]
                depth += 1
            else:
                depth = max(0, depth - 1)
                if depth == 0 and "@" not in selector and _HIDDEN_STYLE.search(sheet[start:index]):
                    for part in selector.split(","):
                        match = _CLASS_SELECTOR.match(part.strip())
                        if match is not None:
                            found.add(match.group(1).lower())
            start = index + 1
    return frozenset(found)


def _may_hide(rest: str, hidden_classes: frozenset[str]) -> bool:
    """True when a tag's attribute text can hide it: a style with a hiding property, or a class when
    the style sheet hides some. A cheap look at the text, so that most tags' attributes go unparsed."""
    if hidden_classes and "class" in rest.lower():
        return True
    if "tyle" not in rest and "TYLE" not in rest:
        return False
    lowered = rest.lower()
    return any(word in lowered for word in ("none", "hidden", "opacity", "size", "height"))


def _is_hidden(attrs: list[tuple[str, str | None]], hidden_classes: frozenset[str]) -> bool:
    """True for an element a mail client does not show: the ``hidden`` attribute, an inline style that
    hides it, or a class the style sheet hides."""
    for name, value in attrs:
        if name == "hidden" or (name == "style" and value and _HIDDEN_STYLE.search(value)):
            return True
        if name == "class" and value and hidden_classes and any(
                word.lower() in hidden_classes for word in value.split()):
            return True
    return False


def _attributes(text: str) -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    for match in _ATTRIBUTE.finditer(text):
        value = next((v for v in match.group(2, 3, 4) if v is not None), None)
        found.append((match.group(1).lower(), storable(unescape(value)) if value and "&" in value else value))
    return found


def _feed(renderer: _Renderer, html: str) -> None:
    for slash, tag, rest, text in _TOKEN.findall(html):
        if not tag:
            if text.isspace() and not renderer.pre:
                # The indentation between tags, most of all data: what handle_data makes of it.
                if not renderer.skip:
                    renderer._sink().append(" ")
                continue
            if not text.startswith(("<!", "<?")):
                # An entity can stand for a character no database holds ("&#12;"): checked here,
                # so that the items need no check of their own.
                renderer.handle_data(storable(unescape(text)) if "&" in text else text)
            continue
        tag = tag.lower()
        if tag not in _HANDLED:
            continue
        if slash:
            renderer.handle_endtag(tag)
            continue
        # Only cells (their class) and links (their target) are read for attributes, and only when
        # the attribute's name is there at all (most cells have a width or colour but no class).
        wanted = ("=" in rest and ((tag in _ATTRIBUTE_TAGS and _ATTRIBUTE_TAGS[tag] in rest.lower())
                                   or "white-space" in rest or "label" in rest or "question" in rest
                                   or _may_hide(rest, renderer.hidden_classes))) or "hidden" in rest
        renderer.handle_starttag(tag, _attributes(rest) if wanted else [])
        if rest.rstrip().endswith("/"):
            renderer.handle_endtag(tag)


def _is_label_class(attrs: list[tuple[str, str | None]], pattern: re.Pattern[str] = _LABEL_CLASS) -> bool:
    """True when the element's class says it holds a label (and not a value)."""
    classes = " ".join(value or "" for name, value in attrs if name == "class")
    return bool(classes) and bool(pattern.search(classes)) and "value" not in classes.lower()


def _unmarked(text: str) -> str:
    return _tidy(text.replace(_LABEL_MARK, ""))


def _forced_lines(text: str) -> list[str]:
    """The lines of a cell's text, a marked line short enough for a label as a :class:`ForcedLabel`."""
    lines: list[str] = []
    for line in text.split("\n"):
        if line.startswith(_LABEL_MARK):
            label = line.replace(_LABEL_MARK, "").strip()
            lines.append(ForcedLabel(label) if label and len(label) <= 60 else label)
        else:
            lines.append(line.replace(_LABEL_MARK, ""))
    return lines


def render(html: str) -> HtmlText:
    """Render ``html``; malformed markup is rendered as well as it can be, never raised on."""
    renderer = _Renderer()
    html = storable(html)
    if "<style" in html or "<STYLE" in html:
        renderer.hidden_classes = _hidden_classes(html)
    if _LABEL_MARK in html:
        html = html.replace(_LABEL_MARK, "")  # the renderer's own mark, never the sender's
    try:
        _feed(renderer, html)
        renderer.close()
    except Exception:  # HTMLParser has raised on odd declarations in the past; keep what was read
        renderer.line.append(" ")
        renderer._newline()
    items: list[Item] = []
    for item in renderer.items:
        if isinstance(item, tuple) or item or (items and items[-1] != ""):
            items.append(item)
    while items and items[-1] == "":
        items.pop()
    text = "\n".join(item if isinstance(item, str) else f"{item[0]}: {item[1]}" for item in items)
    return HtmlText(text=text.strip(), items=tuple(items), hides=renderer.hides)


def visible(html: str) -> str:
    """``html`` without the elements a mail client does not show (as :func:`render` leaves them out),
    for the sanitised view: text a sender hid is not shown as if it were the visitor's."""
    hidden_classes = _hidden_classes(html) if "<style" in html or "<STYLE" in html else frozenset()
    out: list[str] = []
    hidden: list[tuple[str, int]] = []
    for token in _TOKEN.finditer(html):
        slash, tag, rest = token.group(1), token.group(2), token.group(3)
        if hidden:
            name = tag.lower() if tag else ""
            if name == hidden[-1][0] and not (rest or "").rstrip().endswith("/"):
                depth = hidden.pop()[1] + (1 if not slash else -1)
                if depth:
                    hidden.append((name, depth))
            continue
        if tag and not slash and tag.lower() in _HANDLED and tag.lower() not in _VOID and (
                "hidden" in rest or _may_hide(rest, hidden_classes)) and _is_hidden(
                    _attributes(rest), hidden_classes) and not rest.rstrip().endswith("/"):
            hidden.append((tag.lower(), 1))
            continue
        out.append(token.group(0))
    return "".join(out)
