"""Published claims as schema.org ClaimReview JSON-LD, checked against a JSON Schema written
from schema.org's and Google's documentation (tests/schemas/claimreview.schema.json)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from claims.models import (
    ArticleStatus,
    Claim,
    ClaimantKind,
    ClaimAppearance,
    ClaimKind,
    ClaimStatus,
    Verdict,
)
from claims.policies import OPERATOR
from claims.services.claimants import Appearance, NewClaimant, claim_describe, claimant_create
from claims.services.claims import claim_create
from editorial.claimreview import article_claim_reviews
from editorial.claimreview import claim_review as build_claim_review
from editorial.selectors import published_claims
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "claimreview.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
BASE = "https://factcheck.example.org"


def claim_review(*, publication: Any, base_url: str) -> dict[str, Any]:
    """The ClaimReview of a publication that has one (not an opinion)."""
    review = build_claim_review(publication=publication, base_url=base_url)
    assert review is not None
    return review


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
    claim = ClaimFactory.create(
        article=article, start=0, end=39, summary="Riverside planted 4,000 trees"
    )
    claim_appears(claim, article.url)
    publication = publish(claim, editor, Verdict.MOSTLY_TRUE, rationale="3,950 trees.")

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"{BASE}/fact-checks/{claim.pk}/"
    assert review["claimReviewed"] == "Riverside planted 4,000 trees"
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
    # No claimant named: the byline made the claim. No page marked first: no firstAppearance.
    assert review["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Person", "name": "Ana Writer"},
        "datePublished": "2024-01-15",
        "appearance": [appearance],
    }
    assert "inLanguage" not in review


def claim_appears(claim, *urls: str, first: str = "") -> None:
    claim_describe(
        claim=claim,
        user=OPERATOR,
        appearances=[Appearance(url, url == first) for url in urls],
    )


def test_the_claimant_is_the_claims_author_with_their_pages(editor, article) -> None:
    claimant = claimant_create(
        name="Green Future Institute",
        kind=ClaimantKind.ORGANIZATION,
        description="Think tank",
        same_as=["https://www.wikidata.org/wiki/Q1", "https://greenfuture.example.org/"],
        user=editor,
    )
    claim = ClaimFactory.create(article=article, claimant=claimant, claim_date=date(2023, 12, 1))
    review = claim_review(publication=publish(claim, editor, Verdict.FALSE), base_url=BASE)

    assert_valid(review)
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Green Future Institute",
        "description": "Think tank",
        "sameAs": ["https://www.wikidata.org/wiki/Q1", "https://greenfuture.example.org/"],
    }
    assert review["itemReviewed"]["datePublished"] == "2023-12-01"


def test_a_person_claimant_without_pages_has_no_same_as(editor, article) -> None:
    claim = ClaimFactory.create(article=article, claimant=ClaimantFactory.create(name="Dana Ruiz"))
    review = claim_review(publication=publish(claim, editor, Verdict.FALSE), base_url=BASE)

    assert_valid(review)
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Dana Ruiz"}


def test_first_appearance_only_when_one_is_marked(editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    origin = "https://social.example.net/@ruiz/1"
    claim_appears(claim, article.url, origin, first=origin)

    item = claim_review(publication=publish(claim, editor, Verdict.FALSE), base_url=BASE)[
        "itemReviewed"
    ]

    assert [work["url"] for work in item["appearance"]] == [origin, article.url]
    assert item["firstAppearance"] == {"@type": "CreativeWork", "url": origin}


def test_the_article_language_is_the_reviews_language(editor, article) -> None:
    article.language = "pt-BR"
    article.save()
    claim = ClaimFactory.create(article=article)

    review = claim_review(publication=publish(claim, editor, Verdict.FALSE), base_url=BASE)

    assert_valid(review)
    assert review["inLanguage"] == "pt-BR"


def test_an_opinion_gets_no_claimreview(editor, article) -> None:
    opinion = publish(ClaimFactory.create(article=article, start=0, end=10), editor, "opinion")
    checked = publish(ClaimFactory.create(article=article, start=20, end=30), editor, "false")

    assert build_claim_review(publication=opinion, base_url=BASE) is None
    document = article_claim_reviews(publications=[opinion, checked], base_url=BASE)
    assert [review["url"] for review in document] == [f"{BASE}/fact-checks/{checked.claim_id}/"]


def test_an_old_publication_without_summary_reviews_the_quote(editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    publication = publish(claim, editor, Verdict.FALSE)
    Claim.objects.filter(pk=claim.pk).update(summary="")
    claim.refresh_from_db()

    assert claim_review(publication=publication, base_url=BASE)["claimReviewed"] == claim.quote


def test_date_modified_follows_the_publications_last_change(editor, article) -> None:
    publication = publish(ClaimFactory.create(article=article), editor, Verdict.FALSE)
    review = claim_review(publication=publication, base_url=BASE)
    assert "dateModified" not in review

    # Published again three days later (corrections: tests/test_published_corrections.py).
    publication.published_at = publication.first_published_at + timedelta(days=3)
    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    expected = (publication.first_published_at + timedelta(days=3)).date().isoformat()
    assert review["dateModified"] == expected


def test_without_an_organisation_url_the_public_site_is_the_authors(editor, article, settings):
    settings.CLAIMREVIEW_ORGANIZATION_URL = ""
    publication = publish(ClaimFactory.create(article=article), editor, Verdict.FALSE)

    review = claim_review(publication=publication, base_url=BASE)

    assert_valid(review)
    assert review["author"]["url"] == f"{BASE}/"


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


@pytest.mark.parametrize("verdict", ["misleading", "unverifiable"])
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
    assert not ClaimAppearance.objects.filter(claim=publication.claim).exists()


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


def test_an_opinions_claimreview_is_not_found_with_the_reason(api, editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.OPINION)

    response = api.get(f"/api/v1/claims/{claim.pk}/claimreview/")

    assert response.status_code == 404
    assert "opinion" in response.json()["detail"]


# --- As a crawler reads it: the JSON-LD of the public page --------------------------


def crawl(path: str) -> tuple[str, list[dict[str, Any]]]:
    """The page's <html lang> and its JSON-LD documents, parsed from the HTML."""
    html = Client().get(path).content.decode()
    tree = lxml.html.fromstring(html)
    scripts = tree.xpath('//script[@type="application/ld+json"]/text()')
    return tree.get("lang"), [json.loads(script) for script in scripts]


def test_the_public_page_carries_the_claimreview_a_crawler_reads(editor, article) -> None:
    article.language = "en"
    article.save()
    claim = claim_create(
        article=article,
        created_by=editor,
        start=0,
        end=20,
        kind=ClaimKind.QUOTE,
        claimant=NewClaimant("Dana Ruiz", ClaimantKind.PERSON),
        summary="Riverside planted 4,000 trees in 2023",
    )
    publish(claim, editor, Verdict.MOSTLY_TRUE)

    lang, (review,) = crawl(f"/fact-checks/{claim.pk}/")

    assert_valid(review)
    assert lang == "en"
    assert review["inLanguage"] == "en"
    assert review["claimReviewed"] == "Riverside planted 4,000 trees in 2023"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Dana Ruiz"}
    assert review["itemReviewed"]["datePublished"] == "2024-01-15"  # the article's date
    assert [work["url"] for work in review["itemReviewed"]["appearance"]] == [article.url]
    assert "firstAppearance" not in review["itemReviewed"]


def test_a_german_articles_page_is_in_german(editor) -> None:
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED, language="de")
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.FALSE)

    lang, (review,) = crawl(f"/fact-checks/{claim.pk}/")

    assert (lang, review["inLanguage"]) == ("de", "de")


def test_an_opinions_page_says_so_and_has_no_claimreview(editor, article) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.OPINION)

    response = Client().get(f"/fact-checks/{claim.pk}/")
    _, documents = crawl(f"/fact-checks/{claim.pk}/")

    assert response.status_code == 200
    assert "This is an opinion, not a checkable claim" in response.content.decode()
    assert documents == []
