"""Who may do what over the REST API (the rules of ``claims.policies``), both sides of each rule.

Every refusal is checked to leave the database as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    ClaimStatus,
    Evidence,
    Rating,
    Source,
    SourceStatus,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class World:
    published: Article
    draft: Article
    published_claim: Claim  # published, in the published article
    open_claim: Claim  # open, in the published article
    claim_in_draft: Claim  # published, but in the draft article
    source: Source
    needs_url: Source
    evidence: Evidence
    rating: Rating


@pytest.fixture
def world(db) -> World:
    """Content by someone else than the callers of the tests."""
    author = UserFactory.create(roles=["reviewer"])
    published = ArticleFactory.create(status=ArticleStatus.PUBLISHED, imported_by=author)
    draft = ArticleFactory.create(status=ArticleStatus.DRAFT, imported_by=author)
    published_claim = ClaimFactory.create(
        article=published, start=0, end=8, status=ClaimStatus.PUBLISHED, created_by=author
    )
    open_claim = ClaimFactory.create(article=published, start=10, end=20, created_by=author)
    claim_in_draft = ClaimFactory.create(
        article=draft, start=0, end=8, status=ClaimStatus.PUBLISHED, created_by=author
    )
    return World(
        published=published,
        draft=draft,
        published_claim=published_claim,
        open_claim=open_claim,
        claim_in_draft=claim_in_draft,
        source=SourceFactory.create(article=published),
        needs_url=SourceFactory.create(article=published, status=SourceStatus.NEEDS_URL, url=""),
        evidence=EvidenceFactory.create(
            claim=published_claim, author=author, status=SourceStatus.PENDING, note="theirs"
        ),
        rating=RatingFactory.create(claim=published_claim, reviewer=author),
    )


def database_state() -> tuple[Any, ...]:
    return (
        sorted(Article.objects.values_list("id", "title", "status", "publisher")),
        sorted(Claim.objects.values_list("id", "kind", "status")),
        sorted(Claim.sources.through.objects.values_list("claim_id", "source_id")),
        sorted(Source.objects.values_list("id", "url", "status")),
        sorted(Evidence.objects.values_list("id", "url", "excerpt", "stance", "note")),
        sorted(Rating.objects.values_list("id", "reviewer_id", "verdict", "rationale")),
    )


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def write_requests(w: World) -> list[tuple[str, str, dict[str, Any]]]:
    """Every kind of write, each valid for a caller allowed to make it."""
    claim, evidence = w.published_claim, w.evidence
    return [
        ("post", "/api/v1/articles/", {"body": "A brand new article.", "format": "text"}),
        ("patch", f"/api/v1/articles/{w.published.pk}/", {"title": "Renamed"}),
        ("delete", f"/api/v1/articles/{w.published.pk}/", {}),
        ("post", "/api/v1/claims/", {"article": w.published.pk, "start": 30, "end": 40}),
        ("patch", f"/api/v1/claims/{claim.pk}/", {"kind": "opinion"}),
        ("delete", f"/api/v1/claims/{claim.pk}/", {}),
        ("post", f"/api/v1/claims/{claim.pk}/evidence/", {"excerpt": "x", "stance": "supports"}),
        ("patch", f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/", {"note": "mine now"}),
        ("delete", f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/", {}),
        ("put", f"/api/v1/claims/{claim.pk}/my-rating/", {"verdict": "true", "rationale": "x"}),
        ("delete", f"/api/v1/claims/{claim.pk}/my-rating/", {}),
        ("patch", f"/api/v1/sources/{w.needs_url.pk}/", {"url": "https://example.org/found"}),
        ("post", f"/api/v1/sources/{w.source.pk}/fetch/", {}),
    ]


def reviewer_only_reads(w: World) -> list[str]:
    claim = w.published_claim
    return [
        "/api/v1/sources/",
        f"/api/v1/sources/{w.source.pk}/",
        f"/api/v1/claims/{claim.pk}/evidence/",
        f"/api/v1/claims/{claim.pk}/evidence/{w.evidence.pk}/",
        f"/api/v1/claims/{claim.pk}/ratings/",
        f"/api/v1/claims/{claim.pk}/my-rating/",
    ]


# --- Anonymous -------------------------------------------------------------------


def test_anonymous_visitors_list_only_published_articles(api, world: World) -> None:
    assert ids(api.get("/api/v1/articles/")) == {world.published.pk}


def test_anonymous_visitors_read_a_published_article(api, world: World) -> None:
    response = api.get(f"/api/v1/articles/{world.published.pk}/")

    assert response.status_code == 200
    assert response.json()["text"] == world.published.text


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW])
def test_anonymous_visitors_get_a_404_for_an_unpublished_article(
    api, world: World, status: str
) -> None:
    Article.objects.filter(pk=world.draft.pk).update(status=status)

    response = api.get(f"/api/v1/articles/{world.draft.pk}/")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_anonymous_visitors_list_only_published_claims_of_published_articles(
    api, world: World
) -> None:
    assert ids(api.get("/api/v1/claims/")) == {world.published_claim.pk}
    assert ids(api.get("/api/v1/claims/", {"article": world.draft.pk})) == set()


def test_anonymous_visitors_read_a_published_claim(api, world: World) -> None:
    response = api.get(f"/api/v1/claims/{world.published_claim.pk}/")

    assert response.status_code == 200
    assert response.json()["my_rating"] is None


def test_anonymous_visitors_get_a_404_for_unpublished_claims(api, world: World) -> None:
    for claim in [world.open_claim, world.claim_in_draft]:
        response = api.get(f"/api/v1/claims/{claim.pk}/")

        assert response.status_code == 404, claim


def test_anonymous_visitors_filtering_by_their_own_ratings_get_no_error(api, world: World) -> None:
    assert ids(api.get("/api/v1/claims/", {"needs_my_rating": "true"})) == {
        world.published_claim.pk
    }
    assert ids(api.get("/api/v1/claims/", {"needs_my_rating": "false"})) == set()


def test_anonymous_visitors_get_a_401_for_sources_evidence_and_ratings(api, world: World) -> None:
    for url in reviewer_only_reads(world):
        response = api.get(url)

        assert response.status_code == 401, url
        assert response.json()["detail"] == "Authentication credentials were not provided."


def test_anonymous_visitors_get_a_401_for_every_write(api, world: World) -> None:
    before = database_state()

    for method, url, body in write_requests(world):
        response = getattr(api, method)(url, body, format="json")

        assert response.status_code == 401, (method, url, response.content)
        assert response.json()["detail"]
    assert database_state() == before


def test_anonymous_visitors_cannot_upload_an_article(api) -> None:
    upload = SimpleUploadedFile("a.md", b"# Hello\n\nText.")

    response = api.post("/api/v1/articles/", {"file": upload}, format="multipart")

    assert response.status_code == 401
    assert not Article.objects.exists()


# --- Signed in without a role ------------------------------------------------------


def test_users_without_a_role_read_like_anonymous_visitors(outsider_api, world: World) -> None:
    assert ids(outsider_api.get("/api/v1/articles/")) == {world.published.pk}
    assert ids(outsider_api.get("/api/v1/claims/")) == {world.published_claim.pk}
    assert outsider_api.get(f"/api/v1/articles/{world.draft.pk}/").status_code == 404
    assert outsider_api.get(f"/api/v1/claims/{world.open_claim.pk}/").status_code == 404
    assert outsider_api.get(f"/api/v1/claims/{world.claim_in_draft.pk}/").status_code == 404


def test_users_without_a_role_get_a_403_for_sources_evidence_and_ratings(
    outsider_api, world: World
) -> None:
    for url in reviewer_only_reads(world):
        assert outsider_api.get(url).status_code == 403, url


def test_users_without_a_role_get_a_403_for_every_write(outsider_api, world: World) -> None:
    before = database_state()

    for method, url, body in write_requests(world):
        response = getattr(outsider_api, method)(url, body, format="json")

        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["detail"]
    assert database_state() == before


def test_an_inactive_reviewer_has_no_rights(world: World) -> None:
    client = APIClient()
    client.force_authenticate(UserFactory.create(roles=["reviewer"], is_active=False))

    assert client.get("/api/v1/sources/").status_code == 403
    assert ids(client.get("/api/v1/articles/")) == {world.published.pk}


# --- Reviewers ---------------------------------------------------------------------


def test_reviewers_read_everything(reviewer_api, world: World) -> None:
    assert ids(reviewer_api.get("/api/v1/articles/")) == {world.published.pk, world.draft.pk}
    assert ids(reviewer_api.get("/api/v1/claims/")) == {
        world.published_claim.pk,
        world.open_claim.pk,
        world.claim_in_draft.pk,
    }
    assert reviewer_api.get(f"/api/v1/articles/{world.draft.pk}/").status_code == 200
    assert reviewer_api.get(f"/api/v1/claims/{world.open_claim.pk}/").status_code == 200
    for url in reviewer_only_reads(world):
        expected = 404 if url.endswith("my-rating/") else 200  # they have not rated it
        assert reviewer_api.get(url).status_code == expected, url


def test_reviewers_create_claims_evidence_and_ratings_on_others_articles(
    reviewer_api, reviewer, world: World
) -> None:
    claim = reviewer_api.post(
        "/api/v1/claims/", {"article": world.draft.pk, "start": 10, "end": 20}, format="json"
    )
    evidence = reviewer_api.post(
        f"/api/v1/claims/{world.open_claim.pk}/evidence/",
        {"url": "https://example.org/", "stance": "refutes"},
        format="json",
    )
    rating = reviewer_api.put(
        f"/api/v1/claims/{world.open_claim.pk}/my-rating/",
        {"verdict": "false", "rationale": "No."},
        format="json",
    )

    assert (claim.status_code, evidence.status_code, rating.status_code) == (201, 201, 201)
    assert Claim.objects.filter(created_by=reviewer).count() == 1
    assert Evidence.objects.filter(author=reviewer).count() == 1
    assert Rating.objects.filter(reviewer=reviewer).count() == 1


def test_reviewers_may_not_change_or_delete_others_claims(reviewer_api, world: World) -> None:
    before = database_state()
    claim = world.open_claim

    changed = reviewer_api.patch(f"/api/v1/claims/{claim.pk}/", {"kind": "quote"}, format="json")
    deleted = reviewer_api.delete(f"/api/v1/claims/{claim.pk}/")

    assert changed.status_code == deleted.status_code == 403
    assert "reviewer who marked" in changed.json()["detail"]
    assert database_state() == before


def test_reviewers_may_not_change_or_delete_others_evidence(reviewer_api, world: World) -> None:
    before = database_state()
    url = f"/api/v1/claims/{world.published_claim.pk}/evidence/{world.evidence.pk}/"

    changed = reviewer_api.patch(url, {"note": "mine now"}, format="json")
    deleted = reviewer_api.delete(url)

    assert changed.status_code == deleted.status_code == 403
    assert "author" in changed.json()["detail"]
    assert database_state() == before


def test_reviewers_change_their_own_claims_kind_and_sources(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    source = SourceFactory.create(article=claim.article)

    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"kind": "prediction", "sources": [source.pk]}, format="json"
    )

    assert response.status_code == 200
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.PREDICTION
    assert list(claim.sources.all()) == [source]


def test_a_status_change_by_patch_follows_the_transition_table_like_transition(
    reviewer_api, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    refused = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "published", "kind": "quote"}, format="json"
    )
    by_transition = reviewer_api.post(
        f"/api/v1/claims/{claim.pk}/transition/", {"to": "published"}, format="json"
    )

    assert refused.status_code == by_transition.status_code == 400
    assert refused.json()["detail"] == by_transition.json()["detail"]
    assert "cannot go from open to published" in refused.json()["detail"]
    claim.refresh_from_db()
    assert (claim.status, claim.kind) == (ClaimStatus.OPEN, ClaimKind.FACTUAL)


def test_a_reviewer_may_start_the_review_by_patch_as_by_transition(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "in_review"}, format="json"
    )

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW


def test_editors_only_may_make_the_editors_moves_by_patch(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer, status=ClaimStatus.IN_REVIEW)

    response = reviewer_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "open", "kind": "quote"}, format="json"
    )

    assert response.status_code == 403
    assert "editors" in response.json()["detail"]
    claim.refresh_from_db()
    assert (claim.status, claim.kind) == (ClaimStatus.IN_REVIEW, ClaimKind.FACTUAL)


def test_reviewers_delete_their_own_claim_only_while_nobody_has_rated_it(
    reviewer_api, reviewer
) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    RatingFactory.create(claim=claim)

    refused = reviewer_api.delete(f"/api/v1/claims/{claim.pk}/")

    assert refused.status_code == 403
    assert "rated" in refused.json()["detail"]
    assert Claim.objects.filter(pk=claim.pk).exists()
    Rating.objects.filter(claim=claim).delete()
    assert reviewer_api.delete(f"/api/v1/claims/{claim.pk}/").status_code == 204
    assert not Claim.objects.filter(pk=claim.pk).exists()


def test_reviewers_change_and_delete_their_own_evidence(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.PENDING)
    url = f"/api/v1/claims/{evidence.claim_id}/evidence/{evidence.pk}/"

    assert reviewer_api.patch(url, {"note": "n"}, format="json").status_code == 200
    assert reviewer_api.delete(url).status_code == 204
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_reviewers_rating_changes_only_their_own_rating(reviewer_api, world: World) -> None:
    theirs = world.rating

    reviewer_api.put(
        f"/api/v1/claims/{theirs.claim_id}/my-rating/",
        {"verdict": "false", "rationale": "Mine."},
        format="json",
    )
    reviewer_api.delete(f"/api/v1/claims/{theirs.claim_id}/my-rating/")

    theirs.refresh_from_db()
    assert (theirs.verdict, theirs.rationale) == (world.rating.verdict, world.rating.rationale)
    assert Rating.objects.filter(claim=theirs.claim).count() == 1


def test_reviewers_correct_the_metadata_of_unpublished_articles_only(
    reviewer_api, reviewer, world: World
) -> None:
    before = database_state()

    published = reviewer_api.patch(
        f"/api/v1/articles/{world.published.pk}/", {"title": "Mine"}, format="json"
    )
    assert published.status_code == 403
    assert "published" in published.json()["detail"]
    assert database_state() == before

    others = reviewer_api.patch(
        f"/api/v1/articles/{world.draft.pk}/", {"title": "Corrected"}, format="json"
    )
    assert others.status_code == 200
    world.draft.refresh_from_db()
    assert world.draft.title == "Corrected"


def test_reviewers_may_not_change_an_articles_status_even_their_own(reviewer_api, reviewer) -> None:
    own = ArticleFactory.create(imported_by=reviewer, title="Kept")

    response = reviewer_api.patch(
        f"/api/v1/articles/{own.pk}/", {"status": "published", "title": "New"}, format="json"
    )

    assert response.status_code == 403
    own.refresh_from_db()
    assert (own.status, own.title) == (ArticleStatus.DRAFT, "Kept")


def test_reviewers_may_not_delete_articles_even_their_own(reviewer_api, reviewer) -> None:
    own = ArticleFactory.create(imported_by=reviewer)

    response = reviewer_api.delete(f"/api/v1/articles/{own.pk}/")

    assert response.status_code == 403
    assert "editors" in response.json()["detail"]
    assert Article.objects.filter(pk=own.pk).exists()


# --- Editors and staff ---------------------------------------------------------------


@pytest.fixture(params=["editor", "staff"])
def privileged_api(request: pytest.FixtureRequest) -> APIClient:
    """Editors, and admins (staff users without a group), who may do everything."""
    return request.getfixturevalue(f"{request.param}_api")


def test_editors_and_staff_change_any_claim_including_its_status(
    privileged_api, world: World
) -> None:
    claim = world.open_claim

    response = privileged_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"status": "in_review", "kind": "quote"}, format="json"
    )

    assert response.status_code == 200
    claim.refresh_from_db()
    assert (claim.status, claim.kind) == (ClaimStatus.IN_REVIEW, ClaimKind.QUOTE)


def test_editors_and_staff_publish_any_article(privileged_api, world: World) -> None:
    response = privileged_api.patch(
        f"/api/v1/articles/{world.draft.pk}/", {"status": "published"}, format="json"
    )

    assert response.status_code == 200
    world.draft.refresh_from_db()
    assert world.draft.status == ArticleStatus.PUBLISHED


def test_editors_and_staff_delete_a_rated_claim(privileged_api, world: World) -> None:
    response = privileged_api.delete(f"/api/v1/claims/{world.published_claim.pk}/")

    assert response.status_code == 204
    assert not Claim.objects.filter(pk=world.published_claim.pk).exists()
    assert not Rating.objects.filter(pk=world.rating.pk).exists()


def test_editors_and_staff_change_and_delete_others_evidence(privileged_api, world: World) -> None:
    url = f"/api/v1/claims/{world.published_claim.pk}/evidence/{world.evidence.pk}/"

    changed = privileged_api.patch(url, {"note": "Edited."}, format="json")
    world.evidence.refresh_from_db()
    deleted = privileged_api.delete(url)

    assert changed.status_code == 200
    assert world.evidence.note == "Edited."
    assert deleted.status_code == 204
    assert not Evidence.objects.filter(pk=world.evidence.pk).exists()


def test_editors_and_staff_delete_articles(privileged_api, world: World) -> None:
    response = privileged_api.delete(f"/api/v1/articles/{world.draft.pk}/")

    assert response.status_code == 204
    assert not Article.objects.filter(pk=world.draft.pk).exists()
    assert not Claim.objects.filter(pk=world.claim_in_draft.pk).exists()


def test_editors_and_staff_may_make_every_write(privileged_api, world: World) -> None:
    expected = [201, 200, 204, 201, 200, 204, 201, 200, 204, 201, 204, 200, 202]
    requests = write_requests(world)
    # Deleting the article first would take everything else with it: delete it last.
    order = [0, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 5, 2]

    statuses = {}
    for index in order:
        method, url, body = requests[index]
        statuses[index] = getattr(privileged_api, method)(url, body, format="json").status_code

    assert [statuses[index] for index in range(len(requests))] == expected
