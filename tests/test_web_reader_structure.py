"""The reader merges the article's form with its claims and citations into HTML that nests,
whose text is still exactly the article's text, and which escapes every character."""

from __future__ import annotations

from html.parser import HTMLParser

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE_ARTICLE
from texts.extraction import extract_markdown
from texts.structure import KINDS, header_blocks
from web.reader import ClaimMark, SourceMark, render_article

BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "div"}
TEXT_ONLY_TAGS = {"p", "h2", "h3", "h4", "h5", "h6"}


def claim(id: int, start: int, end: int, look: str = "st-open") -> ClaimMark:
    return ClaimMark(
        id=id, number=id, start=start, end=end, look=look, label=f"Claim {id}", url=f"/c/{id}/"
    )


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


class Checker(HTMLParser):
    """Checks what a browser relies on: tags that nest, no block inside a paragraph (the
    browser would move it), and every ``data-offset`` where that element's text starts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []
        self.nontext_depth = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in BLOCK_TAGS and any(open_tag in TEXT_ONLY_TAGS for open_tag in self.stack):
            self.problems.append(f"<{tag}> inside {self.stack}")
        offset = attributes.get("data-offset")
        if offset is not None and int(offset) != len("".join(self.text)):
            self.problems.append(f"<{tag} data-offset={offset}> at {len(''.join(self.text))}")
        if self.nontext_depth or "data-nontext" in attributes:
            self.nontext_depth += 1
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack}")
            return
        self.stack.pop()
        if self.nontext_depth:
            self.nontext_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.nontext_depth:
            self.text.append(data)


def check(html: str, text: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert "".join(checker.text) == text
    return checker


TEXT = "Heading\n\nSome soft and loud words here.\n\nQuoted one\n\nQuoted two\n\nAfter."


def at(kind: str, words: str) -> list:
    start = TEXT.index(words)
    return [kind, start, start + len(words)]


def structure() -> list[list]:
    return [
        at("h1", "Heading"),
        at("p", "Some soft and loud words here."),
        at("em", "soft"),
        at("strong", "loud"),
        at("blockquote", "Quoted one\n\nQuoted two"),
        at("p", "Quoted one"),
        at("p", "Quoted two"),
        at("p", "After."),
    ]


def without_markers(element: lxml.html.HtmlElement) -> str:
    for marker in element.xpath(".//*[@data-nontext]"):
        marker.drop_tree()
    return element.text_content()


def test_blocks_and_emphasis_are_rendered_as_our_own_elements():
    html = render_article(TEXT, [], [], structure=structure())
    check(html, TEXT)
    root = parse(html)
    assert [element.tag for element in root] == [
        "h2", "span", "p", "span", "blockquote", "span", "p",
    ]  # fmt: skip
    assert root.xpath("//h2")[0].text_content() == "Heading"
    assert root.xpath("//em")[0].text == "soft"
    assert root.xpath("//strong")[0].text == "loud"
    assert [p.text for p in root.xpath("//blockquote/p")] == ["Quoted one", "Quoted two"]


def test_emphasis_inside_a_claim_splits_the_mark_not_the_words():
    start, end = TEXT.index("soft"), TEXT.index("words") + 5
    html = render_article(TEXT, [claim(1, start, end)], [], structure=structure())
    check(html, TEXT)
    root = parse(html)
    marks = root.xpath("//mark")
    assert "".join(mark.text_content() for mark in marks) == TEXT[start:end]
    assert marks[0].getparent().tag == "em"
    assert root.xpath("//strong/mark")[0].text == "loud"
    assert len(root.xpath("//*[@id='hl-1']")) == 1


def test_a_claim_crossing_paragraphs_and_a_quote_is_marked_in_each_block():
    start, end = TEXT.index("words"), TEXT.index("Quoted two") + 6
    html = render_article(TEXT, [claim(1, start, end)], [], structure=structure())
    check(html, TEXT)
    marks = parse(html).xpath("//mark")
    assert [mark.getparent().tag for mark in marks] == ["p", "p", "p"]
    assert "".join(mark.text_content() for mark in marks) == "words here.Quoted oneQuoted"


def test_emphasis_crossing_a_paragraph_end_is_split_so_elements_still_nest():
    text = "one two\n\nthree four"
    html = render_article(text, [], [], structure=[["p", 0, 7], ["em", 4, 14], ["p", 9, 19]])
    check(html, text)
    assert [em.text for em in parse(html).xpath("//p/em")] == ["two", "three"]


def test_crossing_emphasis_is_split_where_it_crosses():
    text = "aa bb cc"
    html = render_article(text, [], [], structure=[["em", 0, 5], ["strong", 3, 8]])
    check(html, text)
    assert "<em>aa <strong>bb</strong></em><strong> cc</strong>" in html


def test_a_quote_nested_in_a_list_item_stays_in_it():
    document = extract_markdown("1. First\n\n   > said *she*\n\n2. Second\n")
    start = document.text.index("said")
    html = render_article(
        document.text, [claim(1, start, start + 8)], [], structure=document.structure
    )
    check(html, document.text)
    root = parse(html)
    (quote,) = root.xpath("//ol/li/blockquote")
    assert without_markers(quote) == "said she"
    assert root.xpath("//ol/li/blockquote/p/em/mark")[0].text == "she"


def test_text_and_markup_characters_are_escaped_inside_structure():
    text = 'a <b>&"x"</b> <script>alert(1)</script>'
    html = render_article(
        text, [claim(1, 0, len(text))], [], structure=[["p", 0, len(text)], ["em", 2, 13]]
    )
    check(html, text)
    assert "<b>" not in html
    assert "<script" not in html
    escaped = "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"
    assert f'<em><mark class="hl hl-st-open" data-claims="1">{escaped}' in html


def test_no_attribute_of_the_article_reaches_the_page():
    document = extract_markdown(
        '<p class="x" onclick="alert(1)" style="color:red">Hi <em title="t">there</em></p>\n'
    )
    html = render_article(document.text, [], [], structure=document.structure)
    assert "onclick" not in html
    assert "style" not in html
    assert "title" not in html
    assert '<p data-offset="0">Hi <em>there</em></p>' in html


def test_a_claims_number_follows_its_emphasis_not_inside_it():
    text = "Read this now."
    html = render_article(text, [claim(1, 5, 9)], [], structure=[["p", 0, len(text)], ["em", 5, 9]])
    check(html, text)
    assert '<em><span class="anchor" id="hl-1"></span><mark' in html
    assert '</mark></em><a class="claim-ref' in html


def test_the_header_lines_are_hidden_unless_a_claim_or_citation_is_in_them():
    document = extract_markdown(SAMPLE_ARTICLE.read_text())
    header = header_blocks(
        document.text,
        document.structure,
        title="Riverside's tree pledge: 4,000 planted, or 4,000 promised?",
        byline="Maya Okafor",
        publisher="The Riverside Ledger",
    )
    link = document.links[0]  # "The Riverside Ledger" on the "Source:" line
    source = SourceMark(id=1, position=1, start=link.start, end=link.end)
    html = render_article(document.text, [], [source], structure=document.structure, header=header)
    check(html, document.text)
    root = parse(html)
    first = root[0]
    assert first.get("class") == "gap"
    assert first.text == document.text[: document.text.index("Source:")]
    assert root.xpath("//p")[0].text_content().startswith("Source: The Riverside Ledger")

    byline = document.text.index("Maya")
    html = render_article(
        document.text,
        [claim(1, byline, byline + 5)],
        [],
        structure=document.structure,
        header=header,
    )
    root = parse(html)
    assert root[0].tag == "span"  # the title still hidden
    assert without_markers(root.xpath("//p")[0]) == "By Maya Okafor"


def test_the_claim_passage_keeps_its_form(db):
    document = extract_markdown("Intro:\n\n> quoted *words* here\n")
    start = document.text.index("quoted")
    html = render_article(
        document.text, [claim(1, start, start + 12)], [], structure=document.structure
    )
    check(html, document.text)
    assert parse(html).xpath("//blockquote/p/em/mark")[0].text == "words"


_spans = st.lists(
    st.tuples(st.sampled_from(sorted(KINDS)), st.integers(0, 40), st.integers(0, 40)),
    max_size=12,
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ab <&\n\t\"'", max_size=40),
    raw=_spans,
    claims=st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=4),
    sources=st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=3),
    hide=st.integers(0, 12),
)
def test_any_spans_give_well_formed_html_with_the_articles_text(
    text: str, raw: list, claims: list, sources: list, hide: int
):
    structure = [[kind, min(a, b), max(a, b)] for kind, a, b in raw]
    html = render_article(
        text,
        [claim(i, a, b) for i, (a, b) in enumerate(claims, start=1)],
        [SourceMark(i, i, a, b) for i, (a, b) in enumerate(sources, start=1)],
        structure=structure,
        header=[(0, min(hide, len(text)), min(hide, len(text)))] if hide else [],
    )
    check(html, text)
