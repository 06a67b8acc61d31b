"""The reader's HTML is built from the plain text and offsets, and gives the text back."""

from __future__ import annotations

import lxml.html

from texts.paragraphs import paragraph_spans
from web.diff import word_diff
from web.reader import ClaimMark, SourceMark, render_article

TEXT = (
    "First paragraph: the city planted 4,000 trees.\n\n"
    "Second one <b>cites</b> a report.\n\n\nThird."
)


def claim(id: int, start: int, end: int, look: str = "st-open") -> ClaimMark:
    return ClaimMark(
        id=id, number=id, start=start, end=end, look=look, label=f"Claim {id}", url=f"/c/{id}/"
    )


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(html, create_parent="div")


def text_without_markers(html: str) -> str:
    root = parse(html)
    for marker in root.xpath("//*[@data-nontext]"):
        marker.drop_tree()
    return root.text_content()


def test_paragraphs_are_runs_of_text_between_blank_lines():
    assert [TEXT[s:e] for s, e in paragraph_spans(TEXT)] == [
        "First paragraph: the city planted 4,000 trees.",
        "Second one <b>cites</b> a report.",
        "Third.",
    ]


def test_the_rendered_text_is_exactly_the_articles_text():
    start = TEXT.index("the city")
    html = render_article(
        TEXT,
        [claim(1, start, start + 30), claim(2, start + 4, TEXT.index("report") + 6)],
        [SourceMark(id=9, position=1, start=TEXT.index("report"), end=TEXT.index("report") + 6)],
    )
    assert text_without_markers(html) == TEXT


def test_each_paragraph_knows_its_offset():
    root = parse(render_article(TEXT, [], []))
    offsets = [int(p.get("data-offset")) for p in root.xpath("//p")]
    assert offsets == [start for start, _ in paragraph_spans(TEXT)]


def test_markup_in_the_text_is_escaped_never_rendered():
    html = render_article('<img src=x onerror=alert(1)> & <script>alert("x")</script>', [], [])
    assert "<img" not in html
    assert "<script" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &lt;script&gt;" in html


def test_a_claim_is_a_mark_in_its_colour_followed_by_its_numbered_link():
    start = TEXT.index("the city")
    root = parse(render_article(TEXT, [claim(1, start, start + 8, "v-true")], []))
    (mark,) = root.xpath("//mark")
    assert mark.text_content() == "the city"
    assert mark.get("class") == "hl hl-v-true"
    assert mark.get("data-claims") == "1"
    (link,) = root.xpath("//a[@data-claim]")
    assert link.get("href") == "/c/1/"
    assert link.text_content() == "C1"
    assert root.xpath("//*[@id='hl-1']")


def test_overlapping_claims_share_the_overlap_which_takes_the_innermost_colour():
    start = TEXT.index("the city")
    outer = claim(1, start, start + 29, "v-false")
    inner = claim(2, start + 4, start + 8, "v-true")
    root = parse(render_article(TEXT, [outer, inner], []))
    marks = root.xpath("//mark")
    assert [m.text_content() for m in marks] == ["the ", "city", TEXT[start + 8 : start + 29]]
    assert marks[1].get("data-claims") == "1 2"
    assert marks[1].get("class") == "hl hl-v-true hl-multi"
    assert marks[0].get("class") == marks[2].get("class") == "hl hl-v-false"


def test_a_claim_across_paragraphs_is_marked_in_each_and_gaps_stay_hidden():
    start, end = TEXT.index("4,000"), TEXT.index("cites")
    root = parse(render_article(TEXT, [claim(1, start, end)], []))
    marks = root.xpath("//mark")
    assert [m.getparent().tag for m in marks] == ["p", "p"]
    assert root.xpath("//span[@class='gap']")[0].text == "\n\n"


def test_whitespace_around_a_claim_is_left_out_of_its_marker_position():
    start = TEXT.index("trees.")
    root = parse(render_article(TEXT, [claim(1, start, start + 8)], []))  # "trees.\n\n"
    link = root.xpath("//a[@data-claim]")[0]
    assert link.getparent().tag == "p"


def test_citations_are_underlined_and_numbered():
    start = TEXT.index("report")
    root = parse(
        render_article(TEXT, [], [SourceMark(id=9, position=4, start=start, end=start + 6)])
    )
    (cite,) = root.xpath("//span[@class='cite']")
    assert cite.text_content() == "report"
    assert cite.get("data-sources") == "9"
    (ref,) = root.xpath("//a[@data-source]")
    assert ref.get("href") == "#source-9"
    assert ref.text_content() == "[4]"


def test_offsets_beyond_the_text_do_not_break_the_page():
    html = render_article("Short.", [claim(1, 3, 500)], [SourceMark(2, 1, 400, 900)])
    assert text_without_markers(html) == "Short."


def test_the_word_diff_marks_only_the_words_that_differ():
    quote, source = word_diff("Safe enclaves should emerge", "Relatively safe enclaves may emerge")
    assert [(p.text, p.changed) for p in quote] == [
        ("Safe enclaves ", False),
        ("should", True),
        (" emerge", False),
    ]
    assert [(p.text, p.changed) for p in source] == [
        ("Relatively", True),
        (" safe enclaves ", False),
        ("may", True),
        (" emerge", False),
    ]


def test_the_word_diff_ignores_case_curly_quotes_and_trailing_punctuation():
    quote, source = word_diff("It\u2019s \u201cdone\u201d.", 'it\'s "done"')
    assert not any(piece.changed for piece in quote + source)
