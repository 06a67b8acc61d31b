"""Markdown and HTML nested deeper than any article needs keep every word, in order,
and never exhaust the parser's recursion."""

from __future__ import annotations

import re

import pytest

from claims.services.articles import article_import
from fetching.content import article_from_html, page_content
from texts.extraction import extract_html, extract_markdown


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text)


DEEP_MARKDOWN = {
    "block quotes": "> " * 10_000 + "text",
    "quotes between paragraphs": "Intro.\n\n" + "> " * 10_000 + "deep words\n\nOutro.",
    "quote lines": "\n".join(">" * level + f" line{level}" for level in range(1, 60)),
    "list markers": "- " * 5_000 + "deep list",
    "ordered markers": "1. " * 5_000 + "deep ordered",
    "indented list": "\n".join("  " * level + f"- item{level}" for level in range(300))
    + "\n\nAfter the list.",
    "quotes and lists": "> - " * 2_000 + "mixed\n\nAfter.",
}
EXPECTED_WORDS = {
    "block quotes": ["text"],
    "quotes between paragraphs": ["intro", "deep", "words", "outro"],
    "quote lines": [f"line{level}" for level in range(1, 60)],
    "list markers": ["deep", "list"],
    "ordered markers": ["deep", "ordered"],
    "indented list": [f"item{level}" for level in range(300)] + ["after", "the", "list"],
    "quotes and lists": ["mixed", "after"],
}


@pytest.mark.parametrize("name", DEEP_MARKDOWN)
def test_deeply_nested_markdown_keeps_every_word_in_order(name: str) -> None:
    document = extract_markdown(DEEP_MARKDOWN[name])

    assert _words(document.text.lower()) == EXPECTED_WORDS[name]


def test_markdown_inside_the_nesting_limit_is_rendered_as_before() -> None:
    document = extract_markdown("> > quoted **bold** [link](https://a.example)\n\n- a\n  - b")

    assert document.text == "quoted bold link\n\na\n\nb"
    assert [(link.anchor_text, link.href) for link in document.links] == [
        ("link", "https://a.example")
    ]


def test_links_deeper_than_the_limit_are_still_found() -> None:
    document = extract_markdown("> " * 100 + "see [the report](https://a.example/r)")

    assert document.text == "see the report"
    assert [(link.anchor_text, link.href) for link in document.links] == [
        ("the report", "https://a.example/r")
    ]


@pytest.mark.parametrize("tag", ["div", "blockquote", "ul", "b", "span"])
def test_deeply_nested_html_keeps_its_text(tag: str) -> None:
    html = (
        "<p>Intro.</p>" + f"<{tag}>" * 10_000 + "deep text" + f"</{tag}>" * 10_000 + "<p>End.</p>"
    )

    document = extract_html(html)

    assert _words(document.text.lower()) == ["intro", "deep", "text", "end"]


@pytest.mark.django_db
def test_importing_a_deeply_quoted_article_keeps_its_words(editor) -> None:
    article = article_import(
        content=DEEP_MARKDOWN["quotes between paragraphs"],
        source_format="markdown",
        imported_by=editor,
    )

    assert _words(article.text.lower()) == ["intro", "deep", "words", "outro"]


@pytest.mark.parametrize("tag", ["div", "blockquote", "font"])
def test_a_fetched_page_nested_past_the_html_parsers_depth_keeps_its_text(tag: str) -> None:
    html = (
        "<html><head><title>Deep page</title></head><body>"
        "<p>An introduction long enough to be the start of an article.</p>"
        + f"<{tag}>" * 10_000
        + "deep text "
        + f"</{tag}>" * 10_000
        + "<p>The end of the page.</p></body></html>"
    ).encode()

    snapshot = page_content(html, content_type="text/html", charset="utf-8", url="https://a.test/")
    imported = extract_html(article_from_html(html, charset="utf-8", url="https://a.test/").html)

    for text in (snapshot.text, imported.text):
        assert _words(text.lower())[-7:] == ["deep", "text", "the", "end", "of", "the", "page"]
    assert snapshot.title == "Deep page"
