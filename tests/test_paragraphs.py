"""A claim's paragraph: one definition for the reader, the claim page and the API."""

from __future__ import annotations

import pytest

from claims.models import ArticleStatus, ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory
from texts.paragraphs import paragraph_spans, passage_span


def paragraphs(text: str) -> list[str]:
    return [text[start:end] for start, end in paragraph_spans(text)]


def test_paragraphs_are_separated_by_lines_with_only_whitespace_on_them() -> None:
    text = "One.\n \t\nTwo.\r\n\r\nThree.\n\n\n  Four.  \nstill four.\n"

    assert paragraphs(text) == ["One.", "Two.", "Three.", "Four.  \nstill four.\n"]


def test_text_without_paragraphs_has_none() -> None:
    assert paragraph_spans("") == []
    assert paragraph_spans(" \n\n \n") == []


def test_a_long_run_of_spaces_is_read_in_one_pass() -> None:
    text = "A" + " " * 200_000 + "\n\nB"

    assert paragraphs(text) == ["A", "B"]


def test_a_claim_stands_in_the_paragraph_it_starts_and_ends_in() -> None:
    text = "Intro.\n\nThe city planted trees, it says.\n\nOutro."
    start = text.index("planted")

    span = passage_span(text, start, start + len("planted trees"))

    assert text[slice(*span)] == "The city planted trees, it says."


def test_a_claim_across_a_paragraph_break_gets_every_paragraph_it_touches() -> None:
    text = "Intro.\n\nFirst half of it.\n\nSecond half. More.\n\nOutro."
    start, end = text.index("half of"), text.index(" More")

    span = passage_span(text, start, end)

    assert text[slice(*span)] == "First half of it.\n\nSecond half. More."


def test_the_passage_always_holds_the_claim_even_one_that_starts_in_a_gap() -> None:
    text = "One.\n\nTwo."

    assert passage_span(text, 4, len(text)) == (4, len(text))  # the gap, then "Two."


@pytest.mark.django_db
@pytest.mark.parametrize("blank_line", ["\n \n", "\r\n\r\n"])
def test_the_api_and_the_claim_page_show_the_same_paragraph(
    blank_line: str, reviewer_api, client, reviewer
) -> None:
    # Before, the API split only on "\n\n" and the page also on lines of spaces (not
    # "\r"): a whitespace-only line gave the API the whole text and the page one paragraph.
    text = f"Other news entirely.{blank_line}Critics say the cost doubled."
    article = ArticleFactory.create(text=text, status=ArticleStatus.PUBLISHED)
    start = text.index("the cost")
    claim = ClaimFactory.create(
        article=article, start=start, end=start + 8, quote="the cost", status=ClaimStatus.OPEN
    )
    client.force_login(reviewer)

    body = reviewer_api.get(f"/api/v1/claims/{claim.pk}/").json()
    page = client.get(f"/claims/{claim.pk}/").content.decode()

    assert body["paragraph"] == "Critics say the cost doubled."
    assert "Critics say" in page
    assert "Other news entirely" not in page
