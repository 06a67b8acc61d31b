"""GET /api/v1/claims/{id}/similar/ and the claim page's "Checked before"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import ArticleStatus, Claim, Verdict
from memory import index, services
from memory.embeddings import get_embedder
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

ORIGINAL = "The unemployment rate fell to 4 percent last year."
PARAPHRASES = [
    "Last year the jobless rate dropped to four percent.",
    "Unemployment went down to 4 percent last year.",
    "The jobless rate fell to 4% in the last year.",
    "Last year, unemployment declined to four per cent.",
]
UNRELATED = "The museum opens a new exhibition on Roman coins in May."


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    """The index mirrors a database that each test rolls back."""
    index.reset()


@pytest.fixture(scope="session")
def embedder() -> Any:
    return get_embedder()


def public_claim(summary: str, editor: Any, verdict: str = Verdict.FALSE) -> Claim:
    claim = ClaimFactory.create(
        summary=summary, article=ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    )
    publish(claim, editor, verdict)
    claim.refresh_from_db()
    return claim


def url(claim: Claim) -> str:
    return f"/api/v1/claims/{claim.pk}/similar/"


@pytest.fixture
def matches(db: Any, embedder: Any, editor: Any) -> dict[str, Claim]:
    found = {
        "original": public_claim(ORIGINAL, editor),
        "published": public_claim(PARAPHRASES[0], editor, Verdict.TRUE),
        "in_review": ClaimFactory.create(summary=PARAPHRASES[1]),
        "unrelated": public_claim(UNRELATED, editor),
    }
    services.claim_vectors_update(Claim.objects.all(), embedder=embedder)
    services.claim_matches_rebuild()
    return found


def test_reviewers_see_every_match_with_its_article_score_and_verdict(
    reviewer_api: Any, matches: dict[str, Claim]
) -> None:
    response = reviewer_api.get(url(matches["original"]))

    assert response.status_code == 200
    body = response.json()
    rows = {row["claim"]: row for row in body}
    assert set(rows) == {matches["published"].pk, matches["in_review"].pk}
    assert [row["score"] for row in body] == sorted((row["score"] for row in body), reverse=True)
    published = matches["published"]
    assert rows[published.pk] == {
        "claim": published.pk,
        "number": published.number,
        "article": {"id": published.article_id, "title": published.article.title},
        "score": rows[published.pk]["score"],
        "verdict": Verdict.TRUE,
        "published": True,
    }
    assert 0.55 <= rows[published.pk]["score"] <= 1
    assert rows[matches["in_review"].pk]["verdict"] is None
    assert rows[matches["in_review"].pk]["published"] is False


def test_anonymous_callers_see_only_public_matches(api: Any, matches: dict[str, Claim]) -> None:
    response = api.get(url(matches["original"]))

    assert response.status_code == 200
    assert [row["claim"] for row in response.json()] == [matches["published"].pk]


def test_a_claim_under_review_is_not_found_for_readers_without_a_role(
    api: Any, outsider_api: Any, matches: dict[str, Claim]
) -> None:
    for client in (api, outsider_api):
        response = client.get(url(matches["in_review"]))
        assert response.status_code == 404
        assert "detail" in response.json()


def test_an_unknown_claim_is_not_found(reviewer_api: Any, db: Any) -> None:
    assert reviewer_api.get("/api/v1/claims/987654/similar/").status_code == 404


def test_writing_to_the_endpoint_is_refused(reviewer_api: Any, matches: dict[str, Claim]) -> None:
    assert reviewer_api.post(url(matches["original"]), {}).status_code == 405


def test_the_endpoint_makes_as_many_queries_for_many_matches_as_for_one(
    reviewer_api: Any,
    matches: dict[str, Claim],
    embedder: Any,
    django_assert_num_queries: Any,
    editor: Any,
) -> None:
    original = matches["original"]
    reviewer_api.get(url(original))  # the user's roles are read once
    with django_assert_num_queries(2):  # the claim, its stored matches
        assert len(reviewer_api.get(url(original)).json()) == 2

    for summary in PARAPHRASES[2:]:
        public_claim(summary, editor)
    services.claim_vectors_update(Claim.objects.all(), embedder=embedder)
    services.claim_matches_rebuild()
    with django_assert_num_queries(2):
        assert len(reviewer_api.get(url(original)).json()) == 4


def test_the_claim_page_lists_the_claims_checked_before(
    client: Client, reviewer: Any, matches: dict[str, Claim]
) -> None:
    client.force_login(reviewer)

    page = client.get(f"/claims/{matches['original'].pk}/").content.decode()

    assert "Checked before" in page
    assert matches["published"].article.title in page
    assert matches["in_review"].article.title in page
    assert matches["unrelated"].article.title not in page
    assert "% similar" in page


def test_the_claim_page_works_on_when_the_model_cannot_be_loaded(
    client: Client, reviewer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = ClaimFactory.create()

    def no_model() -> None:
        raise OSError("the model's files cannot be read")

    monkeypatch.setattr("memory.selectors.get_embedder", no_model)
    client.force_login(reviewer)

    response = client.get(f"/claims/{claim.pk}/")

    assert response.status_code == 200
    assert "Similar claims cannot be looked up right now." in response.content.decode()


def test_the_endpoint_answers_503_when_the_model_cannot_be_loaded(
    reviewer_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim = ClaimFactory.create()

    def no_model() -> None:
        raise OSError("the model's files cannot be read")

    monkeypatch.setattr("memory.selectors.get_embedder", no_model)

    response = reviewer_api.get(f"/api/v1/claims/{claim.pk}/similar/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "cannot be looked up right now" in response.json()["detail"]
