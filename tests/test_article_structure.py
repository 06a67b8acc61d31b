"""An import keeps the article's form (headings, quotes, lists, emphasis) beside its plain
text, as spans over that text, and the plain text itself stays exactly as it was."""

from __future__ import annotations

import hashlib
import importlib
import json

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.models import Article
from claims.services.articles import article_import
from tests.conftest import SAMPLE_ARTICLE, demo_article_text
from tests.factories import ArticleFactory
from texts.extraction import extract, extract_html, extract_markdown, extract_text
from texts.structure import Span, header_blocks, layout, spans_of, structure_errors


def spans(document_text: str, structure: list[list]) -> list[tuple[str, str]]:
    return [(kind, document_text[start:end]) for kind, start, end in structure]


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()


# --- The plain text does not move -----------------------------------------------------

# The plain text and link offsets these articles had before their structure was kept.
SAMPLE_TEXT_SHA256 = "efe6f66f7c3dc641e2cbdea54f9661bc527fb0b0b79e3a0f76b499b741c0508e"
SAMPLE_LINKS_SHA256 = "414eb6a2fe26686cc5c75a4c62a11eba56e027c05a5a190417a9b0185857f40b"
DEMO_TEXT_SHA256 = "d153bb6bd8f10305e84d043d4468e3791dd7c452350648b3fc01c5bf8f455308"
DEMO_LINKS_SHA256 = "38f62fd6c7dc699a2538ef1c3265ee28c75817a737064c4ae956f2ededde84d9"


def links_digest(document) -> str:
    return digest([[link.href, link.start, link.end] for link in document.links])


def test_the_sample_articles_plain_text_and_link_offsets_are_unchanged():
    document = extract_markdown(SAMPLE_ARTICLE.read_text())
    assert hashlib.sha256(document.text.encode()).hexdigest() == SAMPLE_TEXT_SHA256
    assert links_digest(document) == SAMPLE_LINKS_SHA256


def test_the_opinion_articles_plain_text_and_link_offsets_are_unchanged():
    document = extract_markdown(demo_article_text())
    assert hashlib.sha256(document.text.encode()).hexdigest() == DEMO_TEXT_SHA256
    assert links_digest(document) == DEMO_LINKS_SHA256


# --- What the structure holds ---------------------------------------------------------


def test_markdown_keeps_headings_paragraphs_quotes_lists_and_emphasis():
    document = extract_markdown(
        "# Title\n\nSome *soft* and **loud** words.\n\n"
        "> Quoted\n>\n> > nested *deeply*\n\n"
        "- one\n- two with > sign\n"
    )
    assert document.text == (
        "Title\n\nSome soft and loud words.\n\nQuoted\n\nnested deeply\n\none\ntwo with > sign"
    )
    assert spans(document.text, document.structure) == [
        ("h1", "Title"),
        ("p", "Some soft and loud words."),
        ("em", "soft"),
        ("strong", "loud"),
        ("blockquote", "Quoted\n\nnested deeply"),
        ("p", "Quoted"),
        ("blockquote", "nested deeply"),
        ("p", "nested deeply"),
        ("em", "deeply"),
        ("ul", "one\ntwo with > sign"),
        ("li", "one"),
        ("li", "two with > sign"),
    ]


def test_quotes_nested_in_list_items_keep_their_nesting():
    document = extract_markdown("1. First\n\n   > said *she*\n\n2. Second\n")
    assert spans(document.text, document.structure) == [
        ("ol", "First\n\nsaid she\n\nSecond"),
        ("li", "First\n\nsaid she"),
        ("p", "First"),
        ("blockquote", "said she"),
        ("p", "said she"),
        ("em", "she"),
        ("li", "Second"),
        ("p", "Second"),
    ]


def test_html_i_and_b_count_as_emphasis_and_a_new_paragraph_ends_the_open_one():
    document = extract_html("<p>one <i>two</i><p>three <b>four</b><ul><li>a<li>b</ul>")
    assert spans(document.text, document.structure) == [
        ("p", "one two"),
        ("em", "two"),
        ("p", "three four"),
        ("strong", "four"),
        ("ul", "a\nb"),
        ("li", "a"),
        ("li", "b"),
    ]


def test_skipped_and_empty_elements_leave_no_span():
    document = extract_html(
        "<p>kept</p><script><p>no</p></script><p></p><em/><blockquote></blockquote>"
    )
    assert document.text == "kept"
    assert document.structure == [["p", 0, 4]]


def test_a_run_of_italic_paragraphs_after_a_colon_is_a_quotation():
    document = extract_markdown(
        "The paper says (emphasis added):\n\n*First quoted.*\n\n*Second **added**.*\n\n"
        "Back to the author.\n\n*An italic sign-off.*\n"
    )
    blockquotes = [s for s in spans(document.text, document.structure) if s[0] == "blockquote"]
    assert blockquotes == [("blockquote", "First quoted.\n\nSecond added.")]
    assert ("strong", "added") in spans(document.text, document.structure)


def test_the_opinion_articles_quotations_and_added_emphasis_are_kept():
    document = extract_markdown(demo_article_text())
    found = spans(document.text, document.structure)
    quotes = [text for kind, text in found if kind == "blockquote"]
    assert len(quotes) == 3
    assert quotes[1].startswith("The end-game for these zones")
    assert ("strong", "ISIS is Clearly the Product of State-Sponsorship") in found
    added = [text for kind, text in found if kind == "strong"]
    assert any(text.startswith("But in the short term") for text in added)


def test_plain_text_has_no_structure_and_reads_as_paragraphs():
    document = extract_text("One.\n\nTwo\nlines.")
    assert document.structure == []
    assert [(s.kind, s.start, s.end) for s in layout(document.text, [])] == [
        ("p", 0, 4),
        ("p", 6, 16),
    ]


# --- Layout: any spans become blocks that nest ----------------------------------------


def test_layout_cuts_a_block_that_crosses_its_parent_and_drops_blocks_inside_paragraphs():
    text = "aaaa bbbb cccc"
    result = layout(text, [["blockquote", 0, 9], ["li", 5, 14], ["p", 0, 4], ["h2", 1, 3]])
    assert [(s.kind, s.start, s.end) for s in result] == [
        ("blockquote", 0, 9),
        ("p", 0, 4),
        ("li", 5, 9),
        ("p", 10, 14),  # the words that no block holds any more
    ]


def test_layout_gives_bare_text_in_a_quote_its_paragraphs_without_crossing_the_quote():
    text = "intro\nquoted one\n\nquoted two\nafter"
    result = layout(text, [["blockquote", 6, 28]])
    assert [(s.kind, text[s.start : s.end]) for s in result] == [
        ("p", "intro"),
        ("blockquote", "quoted one\n\nquoted two"),
        ("p", "quoted one"),
        ("p", "quoted two"),
        ("p", "after"),
    ]


def test_stored_spans_are_clamped_to_the_text_and_unknown_ones_ignored():
    assert spans_of([["p", -3, 99], ["script", 0, 2], ["em", 2, 2], "junk"], 5) == [
        Span("p", 0, 5, 0)
    ]


def test_a_structure_is_validated_before_it_is_stored(db):
    assert structure_errors([["p", 0, 4], ["em", 1, 2]]) == []
    assert structure_errors({"p": 1})
    assert structure_errors([["p", 4, 4]])
    assert structure_errors([["iframe", 0, 4]])
    assert structure_errors([["p", "0", 4]])
    article = ArticleFactory.build(structure=[["onclick", 0, 3]])
    with pytest.raises(ValidationError, match="known kind"):
        article.full_clean()


# --- The header blocks --------------------------------------------------------------


def test_the_leading_title_byline_and_source_lines_are_found_as_header_blocks():
    document = extract_markdown(SAMPLE_ARTICLE.read_text())
    found = header_blocks(
        document.text,
        document.structure,
        title="Riverside's tree pledge: 4,000 planted, or 4,000 promised?",
        byline="Maya Okafor",
        publisher="The Riverside Ledger",
    )
    assert [document.text[start:end] for start, end, _ in found] == [
        "Riverside's tree pledge: 4,000 planted, or 4,000 promised?",
        "By Maya Okafor",
        "Source: The Riverside Ledger",
    ]
    assert document.text[found[-1][2] :].startswith("Riverside planted")


def test_only_lines_that_repeat_the_header_count_and_only_at_the_start():
    text = "Body first.\n\nMy title"
    assert header_blocks(text, [], title="My title", byline="", publisher="") == []
    text = "My title\n\nBy Someone Else\n\nBody."
    found = header_blocks(text, [["h1", 0, 8]], title="my  TITLE", byline="Ana", publisher="")
    assert [(start, end) for start, end, _ in found] == [(0, 8)]


def test_a_plain_paragraph_that_is_also_the_title_stays_in_the_text():
    # A plain-text article's title is its first line: that line is text to read and mark.
    text = "The city planted 4,000 trees.\n\nCritics say otherwise."
    title = "The city planted 4,000 trees."
    assert header_blocks(text, [], title=title, byline="", publisher="") == []
    assert header_blocks(text, [["h1", 0, 29]], title=title, byline="", publisher="") != []


# --- Imports and the back-fill ------------------------------------------------------


def test_an_import_stores_the_structure(db, reviewer):
    article = article_import(
        content="# Head\n\n> *quoted*\n", source_format="markdown", imported_by=reviewer
    )
    article.refresh_from_db()
    assert spans(article.text, article.structure) == [
        ("h1", "Head"),
        ("blockquote", "quoted"),
        ("p", "quoted"),
        ("em", "quoted"),
    ]


def test_the_migration_fills_the_structure_only_where_the_text_comes_out_the_same(db):
    fill_structure = importlib.import_module(
        "claims.migrations.0008_article_structure"
    ).fill_structure
    markdown = "# Head\n\nSome *words*.\n"
    same = ArticleFactory.create(source_text=markdown, source_format="markdown", text="")
    Article.objects.filter(pk=same.pk).update(text=extract(markdown, "markdown").text)
    moved = ArticleFactory.create(
        source_text=markdown, source_format="markdown", text="Head\n\nSome words, edited."
    )
    fill_structure(django_apps, None)
    same.refresh_from_db()
    moved.refresh_from_db()
    assert same.structure == [["h1", 0, 4], ["p", 6, 17], ["em", 11, 16]]
    assert moved.structure == []


_PIECES = [
    "# H\n", "> q\n", "> > qq *e*\n", "- a\n", "1. b\n", "   > in\n", "*em*", "**st**", "<p>",
    "</p>", "<em>", "</em>", "<b>", "<li>", "<ul>", "</ul>", "<blockquote>", "</blockquote>",
    "<pre>\n", "</pre>", "<br>", "<h2>", "</h2>", "[l](#)", "text", " ", "\n", "\n\n", "<em/>",
    ":\n\n*q*\n\n", "<script>x</script>",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=25))
def test_any_input_gives_a_valid_structure_within_its_text(pieces: list[str]):
    for document in (extract_markdown("".join(pieces)), extract_html("".join(pieces))):
        assert structure_errors(document.structure) == []
        assert all(end <= len(document.text) for _, _, end in document.structure)
