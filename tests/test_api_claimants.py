"""The API's claimants, and the claim fields that say who made a claim, what and when."""

from __future__ import annotations

import pytest

from claims.models import ArticleStatus, Claimant, ClaimKind, Verdict
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.workflow import make_ready, publish

pytestmark = pytest.mark.django_db


def test_reviewers_search_claimants_by_name(reviewer_api) -> None:
    ClaimantFactory.create(name="Zoë Ölund", name_folded="zoe olund")
    ClaimantFactory.create(name="Green Future Institute", name_folded="green future institute")

    response = reviewer_api.get("/api/v1/claimants/", {"q": "ZOE"})

    assert response.status_code == 200
    assert [c["name"] for c in response.json()["results"]] == ["Zoë Ölund"]


def test_anonymous_and_outsiders_see_no_claimants(api, outsider_api) -> None:
    ClaimantFactory.create()
    assert api.get("/api/v1/claimants/").status_code == 401
    assert outsider_api.get("/api/v1/claimants/").status_code == 403


def test_a_reviewer_adds_a_claimant(reviewer_api, reviewer) -> None:
    response = reviewer_api.post(
        "/api/v1/claimants/",
        {
            "name": "Green Future Institute",
            "kind": "organization",
            "description": "Think tank",
            "same_as": ["https://greenfuture.example.org/"],
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "organization"
    assert body["same_as"] == ["https://greenfuture.example.org/"]
    assert body["created_by"] == reviewer.username
    assert body["published_verdicts"] == {}


def test_a_bad_same_as_url_is_a_400(reviewer_api) -> None:
    response = reviewer_api.post(
        "/api/v1/claimants/", {"name": "X", "same_as": ["not a url"]}, format="json"
    )
    assert response.status_code == 400
    assert "same_as" in response.json()["errors"]
    assert not Claimant.objects.exists()


def test_only_editors_change_a_claimant(reviewer_api, editor_api) -> None:
    claimant = ClaimantFactory.create(name="Dana Ruiz")

    refused = reviewer_api.patch(f"/api/v1/claimants/{claimant.pk}/", {"name": "D"}, format="json")
    assert refused.status_code == 403
    claimant.refresh_from_db()
    assert claimant.name == "Dana Ruiz"

    changed = editor_api.patch(
        f"/api/v1/claimants/{claimant.pk}/", {"description": "Councillor"}, format="json"
    )
    assert changed.status_code == 200
    assert changed.json()["description"] == "Councillor"


def test_a_claimants_detail_counts_their_published_verdicts(reviewer_api, editor) -> None:
    claimant = ClaimantFactory.create()
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    publish(ClaimFactory.create(article=article, claimant=claimant, start=0), editor, "false")
    publish(ClaimFactory.create(article=article, claimant=claimant, start=20), editor, "mixed")
    ClaimFactory.create(article=article, claimant=claimant, start=40)

    body = reviewer_api.get(f"/api/v1/claimants/{claimant.pk}/").json()

    assert body["claims_count"] == 3
    assert body["published_verdicts"] == {"false": 1, "mixed": 1}


# --- Claim fields ------------------------------------------------------------------------


def test_a_claim_is_marked_with_a_new_claimant_and_a_summary(reviewer_api, sample_article):
    response = reviewer_api.post(
        "/api/v1/claims/",
        {
            "article": sample_article.pk,
            "start": 0,
            "end": 20,
            "kind": "quote",
            "claimant_name": "Dana Ruiz",
            "claimant_kind": "person",
            "summary": "False: the city planted 4,000 trees",
            "claim_date": "2024-01-12",
        },
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    claimant = Claimant.objects.get()
    assert body["claimant"] == {
        "id": claimant.pk,
        "name": "Dana Ruiz",
        "kind": "person",
        "same_as": [],
    }
    assert body["summary"] == "False: the city planted 4,000 trees"
    assert body["claim_date"] == "2024-01-12"
    assert len(body["summary_warnings"]) == 1
    assert "“false”" in body["summary_warnings"][0]
    assert body["warnings"] == body["summary_warnings"]
    assert body["appearances"] == []  # the imported text has no URL


def test_a_quote_without_claimant_is_warned_about(reviewer_api, sample_article) -> None:
    response = reviewer_api.post(
        "/api/v1/claims/",
        {"article": sample_article.pk, "start": 0, "end": 20, "kind": "quote"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["claimant"] is None
    assert any("name the person quoted" in w for w in response.json()["warnings"])


def test_an_unknown_claimant_id_is_a_400_and_nothing_is_created(reviewer_api, sample_article):
    response = reviewer_api.post(
        "/api/v1/claims/",
        {"article": sample_article.pk, "start": 0, "end": 20, "claimant": 999},
        format="json",
    )
    assert response.status_code == 400
    assert "claimant" in response.json()["errors"]
    assert not sample_article.claims.exists()


def test_patch_describes_a_claim(reviewer_api) -> None:
    claim = ClaimFactory.create(kind=ClaimKind.QUOTE)
    claimant = ClaimantFactory.create(same_as=["https://example.org/who"])

    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {
            "claimant": claimant.pk,
            "summary": "The city planted 4,000 trees",
            "claim_date": "2023-12-31",
            "appearances": [
                {"url": "https://example.org/a"},
                {"url": "https://example.org/b", "first": True},
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["claimant"]["same_as"] == ["https://example.org/who"]
    assert body["claim_date"] == "2023-12-31"
    assert body["appearances"] == [
        {"url": "https://example.org/b", "first": True},
        {"url": "https://example.org/a", "first": False},
    ]
    assert body["warnings"] == []


def test_patch_with_a_claimant_name_alone_makes_a_person(reviewer_api) -> None:
    claim = ClaimFactory.create(kind=ClaimKind.QUOTE)

    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"claimant_name": "Dana Whitfield"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["claimant"]["name"] == "Dana Whitfield"
    claim.refresh_from_db()
    assert claim.claimant is not None
    assert claim.claimant.kind == "person"


def test_two_first_appearances_are_a_400_and_change_nothing(reviewer_api) -> None:
    claim = ClaimFactory.create(summary="Before")
    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {
            "summary": "After",
            "appearances": [
                {"url": "https://example.org/a", "first": True},
                {"url": "https://example.org/b", "first": True},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "appearances" in response.json()["errors"]
    claim.refresh_from_db()
    assert claim.summary == "Before"
    assert not claim.appearances.exists()


def test_a_reviewer_cannot_redescribe_a_published_claim(reviewer_api, editor_api, editor):
    claim = ClaimFactory.create(
        article=ArticleFactory.create(status=ArticleStatus.PUBLISHED), summary="Before"
    )
    publish(claim, editor, Verdict.FALSE)

    refused = reviewer_api.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "X"}, format="json")
    assert refused.status_code == 403
    assert "published" in refused.json()["detail"]
    claim.refresh_from_db()
    assert claim.summary == "Before"

    allowed = editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"summary": "Y"}, format="json")
    assert allowed.status_code == 200


def test_publishing_without_a_summary_is_a_400(editor_api, editor) -> None:
    claim = make_ready(ClaimFactory.create(summary=""), editor)

    response = editor_api.post(
        f"/api/v1/claims/{claim.pk}/publish/",
        {"verdict": "false", "rationale": "The report.", "note": "Decided."},
        format="json",
    )

    assert response.status_code == 400
    assert "summary" in response.json()["errors"]


def test_publishing_answers_with_warnings(editor_api, editor, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    article = ArticleFactory.create(url="https://checks.example.org/our-own-story")
    claim = make_ready(ClaimFactory.create(article=article, summary="x" * 80), editor)

    response = editor_api.post(
        f"/api/v1/claims/{claim.pk}/publish/",
        {
            "verdict": "false",
            "rationale": "The report.",
            "note": "Decided.",
            "confirm_no_evidence": True,
        },
        format="json",
    )

    assert response.status_code == 201
    warnings = response.json()["warnings"]
    assert any("80 characters" in w for w in warnings)
    assert any("own site" in w for w in warnings)


def test_the_article_language_is_patched_and_checked(reviewer_api, sample_article) -> None:
    url = f"/api/v1/articles/{sample_article.pk}/"

    response = reviewer_api.patch(url, {"language": "pt_br"}, format="json")
    assert response.status_code == 200
    assert response.json()["language"] == "pt-BR"

    refused = reviewer_api.patch(url, {"language": "not a language"}, format="json")
    assert refused.status_code == 400
    assert "language" in refused.json()["errors"]
    sample_article.refresh_from_db()
    assert sample_article.language == "pt-BR"
