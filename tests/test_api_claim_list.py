"""The claims list is rendered from rows (``api.claim_rows``) for speed; it must say
exactly what ``ClaimSerializer``, which documents it in the schema, says."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from api.serializers import ClaimSerializer
from api.views import claims_for_api
from claims.models import Claim, ClaimKind, Verdict
from claims.services.claims import claim_create
from editorial.services.ratings import rating_submit
from tests.factories import ClaimantFactory, UserFactory
from tests.workflow import publish, rate

pytestmark = pytest.mark.django_db


def serialized(claims: list[Claim], user: object) -> list[dict[str, object]]:
    data = ClaimSerializer(claims, many=True, context={"request": SimpleNamespace(user=user)})
    return json.loads(JSONRenderer().render(data.data))


@pytest.mark.parametrize("time_zone", ["UTC", "Europe/Paris"])
def test_the_claims_list_says_what_the_claim_serializer_says(
    sample_article, reviewer, reviewer_api, editor, settings, time_zone: str
) -> None:
    settings.TIME_ZONE = time_zone
    sources = list(sample_article.sources.order_by("position"))
    claimant = ClaimantFactory.create(same_as=["https://example.org/who"])
    words = sample_article.text.split()
    claims = [
        claim_create(
            article=sample_article,
            created_by=UserFactory.create(roles=["reviewer"]) if n else reviewer,
            start=sample_article.text.index(words[n * 7]),
            end=sample_article.text.index(words[n * 7]) + len(words[n * 7]),
            kind=ClaimKind.QUOTE if n == 1 else ClaimKind.FACTUAL,
            sources=sources[n : n + 3][::-1],
            summary=f"Summary {n}" if n != 3 else "",
            claimant=claimant if n in (1, 2) else None,
            claim_date=date(2024, 5, n + 1) if n != 2 else None,
        )
        for n in range(4)
    ]
    rate(claims[0], Verdict.TRUE, Verdict.MOSTLY_TRUE, Verdict.FALSE)
    rating_submit(claim=claims[0], reviewer=reviewer, verdict=Verdict.MIXED, rationale="Hm.")
    rate(claims[1], Verdict.MISLEADING, Verdict.MISLEADING)
    publish(claims[1], editor, Verdict.MISLEADING)
    rating_submit(claim=claims[2], reviewer=editor, verdict=Verdict.OPINION, rationale="So.")

    with timezone.override(time_zone):
        response = reviewer_api.get("/api/v1/claims/", {"page_size": 100})
        everything = claims_for_api().order_by("article_id", "start", "id")
        expected = serialized(list(everything), reviewer)

    assert response.status_code == 200
    listed = response.json()["results"]
    assert listed == expected
    assert [list(claim) for claim in listed] == [list(claim) for claim in expected]
    assert listed[0]["my_rating"] == Verdict.MIXED
    assert listed[0]["sources"] == [source.pk for source in sources[0:3]]
    assert listed[1]["published_verdict"] == Verdict.MISLEADING
    assert listed[1]["claimant"] == {
        "id": claimant.pk,
        "name": claimant.name,
        "kind": "person",
        "same_as": ["https://example.org/who"],
    }
    assert (listed[1]["summary"], listed[1]["claim_date"]) == ("Summary 1", "2024-05-02")
