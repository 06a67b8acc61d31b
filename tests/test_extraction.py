from __future__ import annotations

import pytest

from texts.extraction import extract_html, extract_markdown


def _anchors(doc):
    return [(link.anchor_text, link.href) for link in doc.links]


def test_markdown_link_offsets_slice_back_to_anchor_text_through_emphasis() -> None:
    doc = extract_markdown(
        "Intro with **[bold *link*](https://a.example)** and\n"
        "a [link\nover two lines](https://b.example 'title').\n\n"
        "> quoted [ref][1]\n\n[1]: https://c.example/x?y=1&z=2\n"
    )
    assert _anchors(doc) == [
        ("bold link", "https://a.example"),
        ("link over two lines", "https://b.example"),
        ("ref", "https://c.example/x?y=1&z=2"),
    ]
    for link in doc.links:
        assert doc.text[link.start : link.end] == link.anchor_text
    assert doc.text == ("Intro with bold link and a link over two lines.\n\nquoted ref")


def test_markdown_keeps_the_href_as_written() -> None:
    doc = extract_markdown('[a](<https://x.example/a b>) [c](https://x.example/ü?q="1")')
    assert [link.href for link in doc.links] == [
        "https://x.example/a b",
        'https://x.example/ü?q="1"',
    ]


def test_lists_headings_code_and_tables_become_lines_of_text() -> None:
    doc = extract_markdown(
        "# Head\n\n- one\n- two [x](#)\n\n```\ncode  keeps   spaces\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert doc.text == "Head\n\none\ntwo x\n\ncode  keeps   spaces\n\na b\n1 2"
    assert doc.title == "Head"


def test_inline_html_in_markdown_is_text_only() -> None:
    doc = extract_markdown(
        'Hello <span onmouseover="alert(1)">world</span>'
        '<script>alert(2)</script> <a href="https://x.example">raw</a>\n'
    )
    assert doc.text == "Hello world raw"
    assert _anchors(doc) == [("raw", "https://x.example")]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>a&nbsp;b</p>", "a\u00a0b"),
        ("<p>one<br>two<br><br>three</p>", "one\ntwo\n\nthree"),
        ("<div>  spaced \n\n  out  </div>", "spaced out"),
        ("<p>x</p><template><p>hidden</p></template><p>y</p>", "x\n\ny"),
        ("<p>a<a href='#'></a>b</p>", "ab"),
    ],
)
def test_html_whitespace_follows_the_browser(html: str, text: str) -> None:
    assert extract_html(html).text == text


def test_html_metadata_is_read_from_meta_tags() -> None:
    doc = extract_html(
        '<head><meta property="og:title" content="OG title"><meta name="author" content="Ann">'
        '<meta property="og:site_name" content="Daily"></head><h1>Body title</h1>'
    )
    assert (doc.title, doc.byline, doc.publisher) == ("OG title", "Ann", "Daily")


def test_unclosed_link_ends_with_the_document() -> None:
    doc = extract_html('<p>see <a href="https://x.example">the end')
    assert _anchors(doc) == [("the end", "https://x.example")]
