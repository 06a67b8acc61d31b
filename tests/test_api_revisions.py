"""Article revisions over the REST API: add one (a body, or the page fetched again), list
them, read one; claims say where they are anchored."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.models import ArticleStatus
from claims.services.articles import article_import
from claims.services.claims import claim_create

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "revisions"


@pytest.fixture
def bridge(reviewer):
    article = article_import(
        content=(DATA / "bridge-v1.txt").read_text(), source_format="text", imported_by=reviewer
    )
    claim_create(article=article, created_by=reviewer, quote="carries about 11,000 vehicles a day")
    claim_create(article=article, created_by=reviewer, quote="a detour of 7 miles through Greyford")
    return article


def revisions_url(article) -> str:
    return f"/api/v1/articles/{article.pk}/revisions/"


def test_a_new_body_makes_a_revision_and_answers_how_the_claims_fared(reviewer_api, bridge):
    edited = (DATA / "bridge-v2.txt").read_text().replace("7 miles", "9 miles")

    response = reviewer_api.post(revisions_url(bridge), {"body": edited}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["revision"], body["same"], body["changed"], body["orphaned"]) == (2, 1, 1, 0)
    assert body["unchanged"] is False
    listed = reviewer_api.get(revisions_url(bridge)).json()
    assert [(r["number"], r["origin"]) for r in listed] == [(2, "pasted"), (1, "pasted")]
    assert listed[0]["summary"]["changed"] == 1
    assert listed[0]["created_by"] == listed[1]["created_by"] != ""
    one = reviewer_api.get(revisions_url(bridge) + "1/").json()
    assert one["text"].startswith("Old Mill Bridge")
    claims = reviewer_api.get("/api/v1/claims/", {"article": bridge.pk}).json()["results"]
    states = {c["quote"]: (c["anchor_state"], c["revision"], c["quote_as_marked"]) for c in claims}
    assert states == {
        "carries about 11,000 vehicles a day": ("current", 2, ""),
        "a detour of 9 miles through Greyford": (
            "changed",
            2,
            "a detour of 7 miles through Greyford",
        ),
    }
    for claim in claims:
        detail = reviewer_api.get(f"/api/v1/claims/{claim['id']}/").json()
        assert (detail["anchor_state"], detail["revision"]) == states[claim["quote"]][:2]


def test_the_same_body_again_makes_no_revision_and_says_so(reviewer_api, bridge):
    response = reviewer_api.post(
        revisions_url(bridge), {"body": (DATA / "bridge-v1.txt").read_text()}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["unchanged"] is True
    assert "no new revision" in response.json()["detail"]


def test_bad_requests_are_4xx_with_a_message(reviewer_api, api, bridge):
    assert reviewer_api.post(revisions_url(bridge), {}, format="json").status_code == 400
    both = {"body": "x", "from_url": True}
    assert reviewer_api.post(revisions_url(bridge), both, format="json").status_code == 400
    blank = reviewer_api.post(revisions_url(bridge), {"body": "   "}, format="json")
    assert blank.status_code == 400
    assert blank.json()["detail"]
    pasted = reviewer_api.post(revisions_url(bridge), {"from_url": True}, format="json")
    assert pasted.status_code == 400
    assert "imported from its URL" in pasted.json()["detail"]
    assert api.post(revisions_url(bridge), {"body": "x"}, format="json").status_code in {401, 403}
    assert reviewer_api.get(revisions_url(bridge) + "9/").status_code == 404


def test_a_published_article_is_revised_by_editors_only(reviewer_api, editor_api, bridge):
    bridge.status = ArticleStatus.PUBLISHED
    bridge.save()
    edited = {"body": (DATA / "bridge-v2.txt").read_text()}
    refused = reviewer_api.post(revisions_url(bridge), edited, format="json")
    assert refused.status_code == 403
    assert "only editors" in refused.json()["detail"]
    assert editor_api.post(revisions_url(bridge), edited, format="json").status_code == 201
