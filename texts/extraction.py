"""Turn an article (Markdown, HTML or plain text) into plain text and its links.

The plain text is what claims and sources anchor into: no Markdown or HTML
syntax left, paragraphs separated by a blank line, whitespace collapsed the way
a browser shows it, and every link's ``start``/``end`` slicing back to exactly
its anchor text. Markdown is rendered to HTML (CommonMark) and then read by the
same HTML walker, so both formats follow the same rules. The walker only ever
produces text, so script, style and event handlers cannot reach the output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock

from texts.structure import BLOCKS, Span, as_stored, infer_quotations


@dataclass(frozen=True, slots=True)
class ExtractedLink:
    anchor_text: str
    href: str
    start: int
    end: int


@dataclass(slots=True)
class ExtractedDocument:
    text: str
    links: list[ExtractedLink] = field(default_factory=list)
    title: str = ""
    byline: str = ""
    publisher: str = ""
    # The form beside the text: [kind, start, end] spans (``texts.structure``).
    structure: list[list] = field(default_factory=list)


# Leading block-quote and list markers, as many as a line has.
_NESTING_MARKERS = re.compile(r"^(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)))*[ \t]*", re.M)


class _FlatteningParserBlock(ParserBlock):
    """Block quotes and lists nested deeper than ``maxNesting`` become one paragraph.

    markdown-it stops there (each level costs Python stack) and drops the rest of
    the container, and for a list the rest of the document. Here the lines it would
    have dropped lose their quote and list markers and are kept as a paragraph,
    whose links and emphasis are still read.
    """

    def tokenize(self, state: StateBlock, startLine: int, endLine: int) -> None:
        if state.level < state.md.options.maxNesting:
            super().tokenize(state, startLine, endLine)
            return
        first = line = state.skipEmptyLines(startLine)
        # The container's lines end where the parser's own loop would stop.
        while line < endLine and (state.isEmpty(line) or state.sCount[line] >= state.blkIndent):
            line += 1
        state.line = line
        content = _NESTING_MARKERS.sub("", state.getLines(first, line, state.blkIndent, False))
        if not content.strip():
            return
        state.push("paragraph_open", "p", 1).map = [first, line]
        inline = state.push("inline", "", 0)
        inline.content, inline.map, inline.children = content.strip(), [first, line], []
        state.push("paragraph_close", "p", -1)


def _markdown_renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    flattening = _FlatteningParserBlock()
    flattening.ruler = md.block.ruler
    md.block = flattening
    # Keep every href exactly as the author wrote it, unusable ones included
    # (``#``, ``javascript:``): the walker records them and never renders them.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_MARKDOWN = _markdown_renderer()

# Paragraph-level elements end with a blank line; list items and rows with a newline.
_PARAGRAPH_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "ul",
    }
)
_LINE_TAGS = frozenset({"li", "dt", "dd", "tr"})
_CELL_TAGS = frozenset({"td", "th"})
_SKIPPED_TAGS = frozenset(
    {
        "script",
        "style",
        "template",
        "noscript",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "select",
        "textarea",
        "button",
        "head",
    }
)
_VOID_TAGS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The elements whose span the structure keeps, by the kind it keeps them as.
_STRUCTURE_KINDS = {tag: tag for tag in BLOCKS} | {
    "em": "em",
    "i": "em",
    "cite": "em",
    "strong": "strong",
    "b": "strong",
}
# Starting one of these ends an open paragraph, as a browser does (``<p>a<p>b``).
_ENDS_PARAGRAPH = (_PARAGRAPH_TAGS | _LINE_TAGS) - {"dt", "dd", "tr"}
# HTML's whitespace, unlike Python's \s, does not include the no-break space.
_HTML_WHITESPACE = re.compile(r"[ \t\n\r\f]+")


class _TextWalker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.length = 0
        self.pending_break = 0  # newlines owed before the next text
        self.pending_space = False
        self.skip_depth = 0
        self.pre_depth = 0
        self.open_links: list[list] = []  # [href, start | None, end]
        self.links: list[ExtractedLink] = []
        self.first_heading: tuple[str, int, int] | None = None  # (tag, start, end)
        self.heading: list | None = None  # [tag, start | None, end] while inside one
        self.in_title = False
        self.document_title = ""
        self.meta: dict[str, str] = {}
        self.structure: list[list] = []  # [kind, start | None, end], in document order
        self.open_structure: list[tuple[str, list]] = []  # (tag, its entry)
        self.unstarted: list[list] = []  # open entries that no text has reached yet

    # -- writing ----------------------------------------------------------

    def _write(self, chunk: str) -> None:
        if self.length:
            if self.pending_break:
                self.out.append("\n" * self.pending_break)
                self.length += self.pending_break
            elif self.pending_space:
                self.out.append(" ")
                self.length += 1
        self.pending_break = 0
        self.pending_space = False
        for link in self.open_links:
            if link[1] is None:
                link[1] = self.length
        if self.heading is not None and self.heading[1] is None:
            self.heading[1] = self.length
        if self.unstarted:
            for entry in self.unstarted:
                entry[1] = self.length
            self.unstarted.clear()
        self.out.append(chunk)
        self.length += len(chunk)
        for link in self.open_links:
            link[2] = self.length
        if self.heading is not None:
            self.heading[2] = self.length

    def _break(self, newlines: int) -> None:
        if self.length:
            self.pending_break = max(self.pending_break, newlines)

    # -- parser callbacks -------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._read_meta(dict(attrs))
            return
        if tag == "title":
            self.in_title = True
            return
        if tag in _SKIPPED_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_depth += 1
            return
        if self.skip_depth:
            return
        self._open_structure(tag)
        if tag == "br":
            if self.length:
                self.pending_break = min(self.pending_break + 1, 2)
        elif tag in _PARAGRAPH_TAGS:
            self._break(2)
            if tag == "pre":
                self.pre_depth += 1
            elif tag in _HEADINGS and self.first_heading is None and self.heading is None:
                self.heading = [tag, None, 0]
        elif tag in _LINE_TAGS:
            self._break(1)
        elif tag in _CELL_TAGS:
            self.pending_space = self.pending_space or bool(self.length)
        elif tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.open_links.append([href, None, 0])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <hr/>, <meta/>: never opens anything.
        if tag in _VOID_TAGS or tag not in _SKIPPED_TAGS:
            self.handle_starttag(tag, attrs)
            if tag == "a":
                self.handle_endtag(tag)
            elif not self.skip_depth:
                self._close_structure(tag)  # <em/> holds nothing

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
            return
        if tag in _SKIPPED_TAGS:
            if tag not in _VOID_TAGS:
                self.skip_depth = max(self.skip_depth - 1, 0)
            return
        if self.skip_depth:
            return
        self._close_structure(tag)
        if tag in _PARAGRAPH_TAGS:
            self._break(2)
            if tag == "pre":
                self.pre_depth = max(self.pre_depth - 1, 0)
            elif self.heading is not None and tag == self.heading[0]:
                if self.heading[1] is not None:
                    self.first_heading = (self.heading[0], self.heading[1], self.heading[2])
                self.heading = None
        elif tag in _LINE_TAGS:
            self._break(1)
        elif tag == "a" and self.open_links:
            href, start, end = self.open_links.pop()
            if start is None:  # a link with no text (an image link, say)
                start = end = self.length
            self.links.append(
                ExtractedLink(anchor_text="", href=href.strip(), start=start, end=end)
            )

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.document_title += data
            return
        if self.skip_depth:
            return
        if self.pre_depth:
            # Preformatted text keeps its spaces; its trailing newlines become a break so
            # that paragraphs stay one blank line apart.
            content = data.rstrip("\n")
            if content:
                self._write(content)
            if trailing := len(data) - len(content):
                self._break(min(trailing, 2))
            return
        # Each run of HTML whitespace is one space, written only between words: the words
        # of one run of text go out as one chunk.
        parts = _HTML_WHITESPACE.split(data)
        if data and not parts[0] and self.length:  # it starts with whitespace
            self.pending_space = True
        if words := " ".join(part for part in parts if part):
            self._write(words)
            if not parts[-1]:  # and ends with it
                self.pending_space = True

    def _open_structure(self, tag: str) -> None:
        if tag in _ENDS_PARAGRAPH:
            self._close_structure("p")
            if tag == "li":
                # A list item ends the previous one of its list (not one of an outer list).
                for open_tag, _ in reversed(self.open_structure):
                    if open_tag in {"ul", "ol", "li"}:
                        if open_tag == "li":
                            self._close_structure("li")
                        break
        kind = _STRUCTURE_KINDS.get(tag)
        if kind is not None and tag not in _VOID_TAGS:
            entry = [kind, None, 0]
            self.structure.append(entry)
            self.open_structure.append((tag, entry))
            self.unstarted.append(entry)

    def _close_structure(self, tag: str) -> None:
        for index in range(len(self.open_structure) - 1, -1, -1):
            if self.open_structure[index][0] == tag:
                entry = self.open_structure.pop(index)[1]
                if entry[1] is None:  # an element with no text
                    self.unstarted = [other for other in self.unstarted if other is not entry]
                # Separators wait for the next text, so the text written so far ends here.
                entry[2] = self.length
                return

    def structure_spans(self) -> list[Span]:
        for _, entry in self.open_structure:  # unclosed at the end of the document
            entry[2] = self.length
        return [
            Span(kind, start, end, order)
            for order, (kind, start, end) in enumerate(self.structure)
            if start is not None and end > start
        ]

    def _read_meta(self, attrs: dict[str, str | None]) -> None:
        key = (attrs.get("name") or attrs.get("property") or "").lower()
        content = attrs.get("content")
        if key and content and key not in self.meta:
            self.meta[key] = content.strip()

    def result(self) -> tuple[str, list[ExtractedLink]]:
        self.close()
        while self.open_links:  # unclosed <a> at the end of the document
            self.handle_endtag("a")
        text = "".join(self.out)
        links = sorted(
            (
                ExtractedLink(
                    anchor_text=text[link.start : link.end],
                    href=link.href,
                    start=link.start,
                    end=link.end,
                )
                for link in self.links
            ),
            key=lambda link: (link.start, link.end),
        )
        return text, links


_BYLINE = re.compile(r"^(?:by|written by)\s+(?P<name>[^\n]{2,120})$", re.IGNORECASE)
_PUBLISHER = re.compile(r"^(?:source|published by|via):\s*(?P<name>[^\n]{2,120})$", re.IGNORECASE)
_BARE_URL = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
_URL_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def _header_line(text: str, pattern: re.Pattern[str]) -> str:
    """A "By ..." or "Source: ..." line among the first paragraphs, as articles print them."""
    for paragraph in text.split("\n\n")[:6]:
        if match := pattern.match(paragraph.strip()):
            return match.group("name").strip()
    return ""


def extract_html(html: str) -> ExtractedDocument:
    walker = _TextWalker()
    walker.feed(html)
    text, links = walker.result()
    structure = as_stored(infer_quotations(text, walker.structure_spans()))
    title = ""
    if walker.first_heading and walker.first_heading[0] == "h1":
        title = text[walker.first_heading[1] : walker.first_heading[2]]
    meta = walker.meta
    title = (
        meta.get("og:title") or _HTML_WHITESPACE.sub(" ", walker.document_title).strip() or title
    )
    return ExtractedDocument(
        text=text,
        links=links,
        title=title,
        byline=meta.get("author") or meta.get("article:author") or _header_line(text, _BYLINE),
        publisher=meta.get("og:site_name") or _header_line(text, _PUBLISHER),
        structure=structure,
    )


def extract_markdown(markdown: str) -> ExtractedDocument:
    return extract_html(_MARKDOWN.render(markdown))


def extract_text(text: str) -> ExtractedDocument:
    """Plain text stays as written; bare http(s) URLs in it become links."""
    links = []
    for match in _BARE_URL.finditer(text):
        url = match.group().rstrip(_URL_TRAILING_PUNCTUATION)
        start = match.start()
        links.append(ExtractedLink(anchor_text=url, href=url, start=start, end=start + len(url)))
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return ExtractedDocument(
        text=text,
        links=links,
        title=first_line,
        byline=_header_line(text, _BYLINE),
        publisher=_header_line(text, _PUBLISHER),
    )


def extract(content: str, source_format: str) -> ExtractedDocument:
    """``source_format`` is one of ``claims.models.ArticleFormat``'s values."""
    if source_format == "markdown":
        return extract_markdown(content)
    if source_format == "html":
        return extract_html(content)
    if source_format == "text":
        return extract_text(content)
    raise ValueError(f"Unknown article format: {source_format!r}")
