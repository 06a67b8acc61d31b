from __future__ import annotations

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from claims.errors import AmbiguousQuote, QuoteNotFound
from claims.models import Claim, ClaimKind
from claims.services.claims import claim_create, claim_update
from tests.factories import ArticleFactory, SourceFactory

QUOTE = "a third of the saplings died in the first summer"


def test_claim_from_a_quote_alone_finds_its_offsets_and_context(sample_article, reviewer):
    claim = claim_create(article=sample_article, created_by=reviewer, quote=QUOTE, kind="quote")
    text = sample_article.text
    assert text[claim.start : claim.end] == QUOTE == claim.quote
    assert claim.prefix == text[claim.start - 32 : claim.start]
    assert claim.suffix == text[claim.end : claim.end + 32]
    assert len(claim.prefix) == len(claim.suffix) == 32
    assert claim.kind == ClaimKind.QUOTE
    assert claim.created_by == reviewer


def test_claim_with_explicit_offsets_is_stored_as_given(sample_article, reviewer):
    start = sample_article.text.index(QUOTE)
    claim = claim_create(
        article=sample_article, created_by=reviewer, start=start, end=start + len(QUOTE)
    )
    assert (claim.start, claim.quote) == (start, QUOTE)


def test_claim_whose_quote_is_not_the_text_at_its_offsets_is_refused(sample_article, reviewer):
    start = sample_article.text.index(QUOTE)
    with pytest.raises(ValidationError) as raised:
        claim_create(
            article=sample_article,
            created_by=reviewer,
            quote=QUOTE,
            start=start + 1,
            end=start + 1 + len(QUOTE),
        )
    assert raised.value.code == "quote_mismatch"
    assert not Claim.objects.exists()


@pytest.mark.parametrize(("start", "end"), [(-1, 5), (10, 10), (20, 10), (0, 10**7), (5, None)])
def test_offsets_out_of_range_or_incomplete_are_refused(sample_article, reviewer, start, end):
    with pytest.raises(ValidationError) as raised:
        claim_create(article=sample_article, created_by=reviewer, start=start, end=end)
    assert raised.value.code in {"offsets_out_of_range", "offsets_incomplete"}
    assert not Claim.objects.exists()


def test_missing_quote_is_a_clear_error(sample_article, reviewer):
    with pytest.raises(QuoteNotFound, match="does not appear"):
        claim_create(article=sample_article, created_by=reviewer, quote="Riverside is in Africa.")


def test_ambiguous_quote_lists_every_occurrence(sample_article, reviewer):
    occurrences = sample_article.text.count("percent")
    assert occurrences > 1
    with pytest.raises(AmbiguousQuote) as raised:
        claim_create(article=sample_article, created_by=reviewer, quote="percent")
    error = raised.value
    assert len(error.spans) == occurrences
    assert all(sample_article.text[s.start : s.end] == "percent" for s in error.spans)
    assert f"appears {occurrences} times" in error.messages[0]
    assert f"{error.spans[0].start}-{error.spans[0].end}" in error.messages[0]


@pytest.mark.django_db
def test_quote_with_other_whitespace_and_straight_quotes_still_anchors(reviewer):
    article = ArticleFactory.create(
        text="He said \u201cno\u00a0more\u201d\n\ntwice.", source_text="x"
    )
    claim = claim_create(article=article, created_by=reviewer, quote='said "no\u00a0more"  twice.')
    assert claim.quote == "said \u201cno\u00a0more\u201d\n\ntwice."


@pytest.mark.django_db
@pytest.mark.parametrize("text_form", ["NFC", "NFD"])
@pytest.mark.parametrize("quote_form", ["NFC", "NFD"])
def test_a_quote_with_accents_written_the_other_way_still_anchors(
    reviewer, text_form: str, quote_form: str
) -> None:
    words = "Le caf\u00e9 est ferm\u00e9 le lundi."
    text = unicodedata.normalize(text_form, f"Intro. {words} Fin.")  # type: ignore[arg-type]
    article = ArticleFactory.create(text=text, source_text=text)
    quote = unicodedata.normalize(quote_form, words)  # type: ignore[arg-type]

    claim = claim_create(article=article, created_by=reviewer, quote=quote)
    start = text.index("Le caf")
    again = claim_create(
        article=ArticleFactory.create(text=text, source_text=text + " "),
        created_by=reviewer,
        quote=quote,
        start=claim.start,
        end=claim.end,
    )

    assert (claim.start, claim.quote) == (start, unicodedata.normalize(text_form, words))  # type: ignore[arg-type]
    assert (again.start, again.end, again.quote) == (claim.start, claim.end, claim.quote)


def test_the_same_passage_cannot_be_claimed_twice(sample_article, reviewer, editor):
    claim_create(article=sample_article, created_by=reviewer, quote=QUOTE)
    with pytest.raises(ValidationError, match="already exists"):
        claim_create(article=sample_article, created_by=editor, quote=QUOTE)
    assert Claim.objects.count() == 1


def test_claim_sources_must_belong_to_the_article(sample_article, reviewer):
    own = sample_article.sources.get(anchor_text="council's budget papers")
    foreign = SourceFactory.create()
    with pytest.raises(ValidationError, match="another article"):
        claim_create(article=sample_article, created_by=reviewer, quote=QUOTE, sources=[foreign])
    claim = claim_create(article=sample_article, created_by=reviewer, quote=QUOTE, sources=[own])
    assert list(claim.sources.all()) == [own]
    claim_update(claim=claim, user=reviewer, kind=ClaimKind.QUOTE, sources=[])
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.QUOTE
    assert not claim.sources.exists()


def test_claim_changes_are_kept_in_history(sample_article, reviewer, editor):
    claim = claim_create(article=sample_article, created_by=reviewer, quote=QUOTE)
    claim_update(claim=claim, user=editor, kind=ClaimKind.OPINION)
    history = list(claim.history.order_by("history_date"))
    assert [(h.history_type, h.kind, h.history_user) for h in history] == [
        ("+", ClaimKind.FACTUAL, reviewer),
        ("~", ClaimKind.OPINION, editor),
    ]
