"""Quotes the article attributes to a cited source, checked against the fetched source."""

from __future__ import annotations

import pytest

from claims.models import ClaimKind, QuoteCheck, QuoteResult, Source, SourceStatus, Stance
from claims.pipeline.fetches import run_fetch
from claims.pipeline.quotes import verify_claim, verify_evidence
from claims.policies import OPERATOR
from claims.services.claims import claim_create, claim_update
from claims.services.evidence import evidence_create
from claims.services.sources import source_set_url
from tests.webserver import PageServer, article_page

pytestmark = pytest.mark.django_db

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
# The sample article's citation with no URL, so each test gives it the page it needs.
UNLINKED = "up for renewal"


def fetched(source: Source, pages: PageServer, path: str, html: str) -> Source:
    source_set_url(source=source, url=pages.add(path, html), user=OPERATOR)
    run_fetch(Source, source.pk, task_id=f"t-{path}", final_attempt=True)
    source.refresh_from_db()
    return source


def test_a_quote_found_word_for_word_is_exact(sample_article, reviewer, pages):
    source = fetched(
        sample_article.sources.get(anchor_text=UNLINKED),
        pages,
        "/forecast",
        article_page(
            "The parks director's forecast",
            "Some other paragraph about watering contracts.",
            "If the survival  rate holds, Riverside will reach 30 percent canopy by 2035. "
            "Until then, the new trees add little shade.",
        ),
    )
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=QUOTE,
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    [check] = verify_claim(claim_id=claim.pk)
    assert check.result == QuoteResult.EXACT
    assert check.score == 1.0
    assert check.source_wording == QUOTE  # the page's whitespace, as shown
    assert check.snapshot == source.snapshots.get()


def test_a_quote_with_a_changed_word_is_altered_with_the_sources_wording(
    sample_article, reviewer, pages
):
    source = fetched(
        sample_article.sources.get(anchor_text=UNLINKED),
        pages,
        "/ruiz",
        article_page(
            "Councillor Ruiz",
            "The programme cost twice what the council was promised, and a third of the "
            "saplings died in the first summer.",
        ),
    )
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="cost twice what the council was promised, and a third of the saplings died in "
        "the first summer.",
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    source.snapshots.update(
        text="The programme cost twice what the council was promised, and a third of the "
        "saplings may have died in the first summer."
    )
    [check] = verify_claim(claim_id=claim.pk)
    assert check.result == QuoteResult.ALTERED
    assert 0.85 <= check.score < 1.0
    assert "may have died" in check.source_wording
    assert any("may" in flag for flag in check.flags)


def test_a_quote_the_source_does_not_contain_is_not_found(sample_article, reviewer, pages):
    source = fetched(
        sample_article.sources.get(anchor_text=UNLINKED),
        pages,
        "/forecast",
        article_page("The parks director's forecast", "An unrelated text about trade tariffs."),
    )
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=QUOTE,
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    [check] = verify_claim(claim_id=claim.pk)
    assert check.result == QuoteResult.NOT_FOUND
    assert check.source_wording == ""


def test_a_quote_with_an_ellipsis_across_two_paragraphs_is_exact(sample_article, reviewer, pages):
    source = fetched(
        sample_article.sources.get(anchor_text=UNLINKED),
        pages,
        "/two",
        article_page(
            "Two paragraphs",
            "Researchers behind the survey warn that newly planted trees take a decade to add "
            "measurable shade.",
            "Something in between that the article leaves out.",
            "Canopy is measured from aerial photographs.",
        ),
    )
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote="Researchers behind the survey warn that newly planted trees take a decade to add "
        "measurable shade.",
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    claim.quote = (
        "Researchers behind the survey warn that newly planted trees take a decade to add "
        "measurable shade. … Canopy is measured from aerial photographs."
    )
    claim.save()
    [check] = verify_claim(claim_id=claim.pk)
    assert check.result == QuoteResult.EXACT


def test_a_source_that_is_not_fetched_is_unavailable(sample_article, reviewer):
    source = sample_article.sources.get(anchor_text=UNLINKED)
    assert source.status == SourceStatus.NEEDS_URL
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=QUOTE,
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    [check] = verify_claim(claim_id=claim.pk)
    assert check.result == QuoteResult.SOURCE_UNAVAILABLE


def test_a_claim_that_is_no_longer_a_quote_loses_its_checks(sample_article, reviewer):
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=QUOTE,
        kind=ClaimKind.QUOTE,
        sources=[sample_article.sources.first()],
    )
    verify_claim(claim_id=claim.pk)
    claim_update(claim=claim, user=reviewer, kind=ClaimKind.FACTUAL)
    assert verify_claim(claim_id=claim.pk) == []
    assert not QuoteCheck.objects.exists()


def test_a_new_snapshot_checks_the_quotes_citing_the_source_again(sample_article, reviewer, pages):
    from claims.tasks import fetch_source

    source = sample_article.sources.get(anchor_text=UNLINKED)
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=QUOTE,
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    verify_claim(claim_id=claim.pk)
    assert QuoteCheck.objects.get().result == QuoteResult.SOURCE_UNAVAILABLE

    source_set_url(
        source=source,
        url=pages.add("/forecast", article_page("Forecast", f"Yes. {QUOTE}")),
        user=OPERATOR,
    )
    fetch_source.apply(args=[source.pk])

    assert QuoteCheck.objects.get().result == QuoteResult.EXACT


def test_an_evidence_excerpt_is_checked_against_its_own_page(reviewer, pages):
    from claims.tasks import fetch_evidence
    from tests.factories import ClaimFactory

    url = pages.add("/report", article_page("Report", "Street trees planted in 2023: 4,012."))
    evidence = evidence_create(
        claim=ClaimFactory.create(),
        author=reviewer,
        stance=Stance.SUPPORTS,
        url=url,
        excerpt="Street trees planted in 2023: 4,000",
    )
    assert evidence.status == SourceStatus.PENDING
    fetch_evidence.apply(args=[evidence.pk])
    evidence.refresh_from_db()
    assert evidence.status == SourceStatus.OK
    assert evidence.snapshots.count() == 1
    check = QuoteCheck.objects.get(evidence=evidence)
    assert check.result == QuoteResult.ALTERED
    assert any("4,012" in flag for flag in check.flags)
    assert verify_evidence(evidence_id=evidence.pk) is not None
