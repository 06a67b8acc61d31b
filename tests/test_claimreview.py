"""Published claims as schema.org ClaimReview JSON-LD, checked against a JSON Schema written
from schema.org's and Google's documentation (tests/schemas/claimreview.schema.json)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from claims.models import ArticleStatus, ClaimStatus, Verdict
from editorial.claimreview import article_claim_reviews, claim_review
from editorial.selectors import published_claims
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "claimreview.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
BASE = "https://factcheck.example.org"


def assert_valid(document: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]
    assert not errors, errors


@pytest.fixture(autouse=True)
def _organization(settings) -> None:
    settings.CLAIMREVIEW_ORGANIZATION_NAME = "The Checkers"
    settings.CLAIMREVIEW_ORGANIZATION_URL = "https://checkers.example.org"


@pytest.fixture
def article():
    return ArticleFactory.create(
        title="Trees in the city",
        byline="Ana Writer",
        publisher="The Ledger",
        url="https://ledger.example.org/trees",
        published_on=date(2024, 1, 15),
        status=ArticleStatus.PUBLISHED,
    )


def test_the_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def test_an_ordinal_verdict_is_a_rating_from_1_to_5_with_its_name(editor, article) -> None:
    claim = ClaimFactory.create(article=article, start=0, end=39)
    publication = publish(claim, editor, Verdict.MOSTLY_TRUE, rationale="3,950 trees.")

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{BASE}/fact-checks/{claim.pk}/"
    assert review["claimReviewed"] == claim.quote
    assert review["datePublished"] == publication.first_published_at.date().isoformat()
    assert review["author"] == {
        "@type": "Organization",
        "name": "The Checkers",
        "url": "https://checkers.example.org",
    }
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 4,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Mostly true",
        "ratingExplanation": "3,950 trees.",
    }
    appearance = {
        "@type": "CreativeWork",
        "url": "https://ledger.example.org/trees",
        "headline": "Trees in the city",
        "author": {"@type": "Person", "name": "Ana Writer"},
        "datePublished": "2024-01-15",
        "publisher": {"@type": "Organization", "name": "The Ledger"},
    }
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Ana Writer"},
        "datePublished": "2024-01-15",
        "appearance": appearance,
        "firstAppearance": appearance,
    }


@pytest.mark.parametrize(
    ("verdict", "value"),
    [("true", 5), ("mostly_true", 4), ("mixed", 3), ("mostly_false", 2), ("false", 1)],
)
def test_each_ordinal_verdict_has_its_rating_value(
    editor, article, verdict: str, value: int
) -> None:
    publication = publish(ClaimFactory.create(article=article), editor, verdict)

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["reviewRating"]["ratingValue"] == value


@pytest.mark.parametrize("verdict", ["misleading", "unverifiable", "opinion"])
def test_a_categorical_verdict_has_its_name_and_no_number(editor, article, verdict: str) -> None:
    publication = publish(ClaimFactory.create(article=article), editor, verdict)

    rating = claim_review(publication=publication, base_url=BASE)["reviewRating"]

    assert_valid(claim_review(publication=publication, base_url=BASE))
    assert rating["alternateName"] == Verdict(verdict).label
    assert not {"ratingValue", "bestRating", "worstRating"} & set(rating)


def test_an_article_without_byline_url_or_date_still_gives_valid_output(editor) -> None:
    bare = ArticleFactory.create(byline="", publisher="", url="", published_on=None)
    publication = publish(ClaimFactory.create(article=bare), editor, Verdict.FALSE)

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["itemReviewed"] == {"@type": "Claim"}


def test_a_publisher_without_a_byline_is_the_claims_organization(editor) -> None:
    article = ArticleFactory.create(byline="", publisher="nsnbc")
    publication = publish(ClaimFactory.create(article=article), editor, Verdict.FALSE)

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "nsnbc"}


def test_the_schema_rejects_what_google_requires(editor, article) -> None:
    review = claim_review(
        publication=publish(ClaimFactory.create(article=article), editor, "true"), base_url=BASE
    )

    for broken in (
        {k: v for k, v in review.items() if k != "claimReviewed"},
        {**review, "url": "/fact-checks/1/"},
        {**review, "reviewRating": {"@type": "Rating", "ratingValue": 5}},
        {**review, "reviewRating": {**review["reviewRating"], "ratingValue": 7}},
        {**review, "datePublished": "15 January 2024"},
    ):
        assert list(VALIDATOR.iter_errors(broken)), broken


def test_the_article_document_lists_its_published_claims_in_text_order(editor, article) -> None:
    second = ClaimFactory.create(article=article, start=40, end=50)
    first = ClaimFactory.create(article=article, start=0, end=10)
    ClaimFactory.create(article=article, start=20, end=30)  # not published
    publish(second, editor, Verdict.FALSE)
    publish(first, editor, Verdict.TRUE)

    publications = published_claims().filter(claim__article=article).order_by("claim__start")
    document = article_claim_reviews(publications=publications, base_url=BASE)

    assert [review["url"] for review in document] == [
        f"{BASE}/fact-checks/{first.pk}/",
        f"{BASE}/fact-checks/{second.pk}/",
    ]
    for review in document:
        assert_valid(review)


# --- API -----------------------------------------------------------------------------


def test_anyone_reads_a_public_claims_claimreview(api, editor, article, settings) -> None:
    settings.PUBLIC_BASE_URL = BASE
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.FALSE)

    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/")

    assert response.status_code == 200
    assert_valid(response.json())
    assert response.json()["url"] == f"{BASE}/fact-checks/{claim.pk}/"


def test_without_a_public_base_url_the_request_host_is_used(api, editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.FALSE)

    body = api.get(f"/api/v1/claims/{claim.pk}/claimreview/").json()

    assert body["url"] == f"http://testserver/fact-checks/{claim.pk}/"


def test_claimreview_is_served_as_json_ld_when_asked(api, editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.FALSE)

    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/", HTTP_ACCEPT="application/ld+json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"


def test_an_unpublished_claim_has_no_claimreview(api, reviewer_api, article) -> None:
    claim = ClaimFactory.create(article=article, status=ClaimStatus.READY)

    assert api.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    response = reviewer_api.get(f"/api/v1/claims/{claim.pk}/claimreview/")
    assert response.status_code == 404
    assert response.json()["detail"] == "This claim has no published verdict."


def test_a_published_claim_in_an_unpublished_article_is_not_public(
    api, reviewer_api, editor
) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.DRAFT))
    publish(claim, editor, Verdict.FALSE)

    assert api.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 404
    assert reviewer_api.get(f"/api/v1/claims/{claim.pk}/claimreview/").status_code == 200


def test_the_articles_claimreview_document(api, editor, article) -> None:
    published = ClaimFactory.create(article=article, start=0, end=10)
    ClaimFactory.create(article=article, start=20, end=30)
    publish(published, editor, Verdict.MISLEADING)

    response = api.get(f"/api/v1/articles/{article.pk}/claimreview/")

    assert response.status_code == 200
    document = response.json()
    assert len(document) == 1
    assert_valid(document[0])
    assert document[0]["reviewRating"]["alternateName"] == "Misleading"


def test_a_draft_articles_document_is_not_public(api, reviewer_api) -> None:
    draft = ArticleFactory.create(status=ArticleStatus.DRAFT)

    assert api.get(f"/api/v1/articles/{draft.pk}/claimreview/").status_code == 404
    assert reviewer_api.get(f"/api/v1/articles/{draft.pk}/claimreview/").json() == []
