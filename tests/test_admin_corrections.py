"""Corrections in the Django admin go through the same services and policies: a claim's
passage, a source's URL in any status, a deleted claim's history naming who deleted it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from claims.models import Claim, SourceStatus
from tests.factories import (
    ClaimantFactory,
    ClaimFactory,
    RatingFactory,
    SnapshotFactory,
    SourceFactory,
)
from tests.test_admin import errors_of, management_forms, url_of

pytestmark = pytest.mark.django_db

NEW_URL = "https://parks.example/report-2023"


def claim_form(claim: Claim, **changes: Any) -> dict[str, Any]:
    fields = {
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "status": claim.status,
        "summary": claim.summary,
        "claimant": claim.claimant_id or "",
        "claim_date": claim.claim_date.isoformat() if claim.claim_date else "",
    }
    return {**fields, "note": "", **changes, **management_forms("evidence", "ratings")}


def test_an_editor_moves_a_rated_claim_in_the_admin(admin_client: Client, admin_user) -> None:
    claim = ClaimFactory.create(start=0, end=8)
    RatingFactory.create(claim=claim)

    response = admin_client.post(
        url_of(Claim, "change", claim.pk), claim_form(claim, start=9, end=16)
    )

    assert response.status_code == 302, errors_of(response)
    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.quote) == (9, 16, claim.article.text[9:16])
    assert claim.history.latest().history_user == admin_user


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(5, 5, "cover nothing"), (0, 100_000, "outside the article")],
)
def test_a_passage_outside_the_text_is_a_form_error(
    admin_client: Client, start: int, end: int, message: str
) -> None:
    claim = ClaimFactory.create(start=0, end=8)

    response = admin_client.post(
        url_of(Claim, "change", claim.pk), claim_form(claim, start=start, end=end)
    )

    assert message in errors_of(response)
    claim.refresh_from_db()
    assert (claim.start, claim.end) == (0, 8)


def test_moving_onto_another_claims_passage_is_a_form_error(admin_client: Client) -> None:
    first = ClaimFactory.create(start=0, end=8)
    second = ClaimFactory.create(article=first.article, start=9, end=16)

    response = admin_client.post(
        url_of(Claim, "change", second.pk), claim_form(second, start=0, end=8)
    )

    assert "already exists" in errors_of(response)
    second.refresh_from_db()
    assert (second.start, second.end) == (9, 16)


def test_leaving_the_offsets_empty_keeps_the_passage(admin_client: Client) -> None:
    claim = ClaimFactory.create(start=0, end=8)

    response = admin_client.post(
        url_of(Claim, "change", claim.pk), claim_form(claim, start="", end="", kind="opinion")
    )

    assert response.status_code == 302, errors_of(response)
    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.kind) == (0, 8, "opinion")


def test_a_fetched_sources_url_is_corrected_in_the_admin(admin_client: Client) -> None:
    source = SourceFactory.create(status=SourceStatus.OK)
    snapshot = SnapshotFactory.create(source=source)

    response = admin_client.post(
        url_of(type(source), "change", source.pk), {"url": NEW_URL, **management_forms("snapshots")}
    )

    assert response.status_code == 302, errors_of(response)
    source.refresh_from_db()
    assert (source.url, source.status) == (NEW_URL, SourceStatus.PENDING)
    assert list(source.snapshots.all()) == [snapshot]


def test_a_deleted_claims_history_in_the_admin_names_who_deleted_it(
    admin_client: Client, admin_user
) -> None:
    claim = ClaimFactory.create()
    pk = claim.pk

    assert admin_client.post(url_of(Claim, "delete", pk), {"post": "yes"}).status_code == 302

    assert not Claim.objects.filter(pk=pk).exists()
    history = admin_client.get(url_of(Claim, "history", pk))
    assert history.status_code == 200
    html = history.content.decode()
    assert "Deleted" in html
    assert admin_user.username in html


def test_the_summary_claimant_and_date_are_described_in_the_admin(
    admin_client: Client, admin_user
) -> None:
    claim = ClaimFactory.create(summary="Before")
    dana = ClaimantFactory.create(name="Dana Ruiz")

    response = admin_client.post(
        url_of(Claim, "change", claim.pk),
        claim_form(
            claim, summary="The city planted 4,000 trees", claimant=dana.pk, claim_date="2024-03-01"
        ),
    )

    assert response.status_code == 302, errors_of(response)
    claim.refresh_from_db()
    assert (claim.summary, claim.claimant, str(claim.claim_date)) == (
        "The city planted 4,000 trees",
        dana,
        "2024-03-01",
    )
    assert claim.history.latest().history_user == admin_user
