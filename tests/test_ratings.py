from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from claims.models import Evidence, Rating, Stance, Verdict
from claims.services.evidence import evidence_create, evidence_update
from editorial.services.ratings import rating_submit, rating_withdraw
from tests.factories import ClaimFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_rating_twice_updates_the_first():
    claim = ClaimFactory.create()
    reviewer = UserFactory.create(roles=["reviewer"])
    first, created = rating_submit(
        claim=claim, reviewer=reviewer, verdict="false", rationale="No such report."
    )
    assert created
    second, created = rating_submit(
        claim=claim,
        reviewer=reviewer,
        verdict="mostly_true",
        rationale="  Found it on page 12.  ",
        confidence="high",
    )
    assert not created
    assert second.pk == first.pk
    assert Rating.objects.count() == 1
    rating = Rating.objects.get()
    assert (rating.verdict, rating.confidence, rating.rationale) == (
        Verdict.MOSTLY_TRUE,
        "high",
        "Found it on page 12.",
    )
    assert [h.verdict for h in rating.history.order_by("history_date")] == ["false", "mostly_true"]


def test_the_database_refuses_a_second_rating_by_the_same_reviewer():
    rating = RatingFactory.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            claim=rating.claim, reviewer=rating.reviewer, verdict="true", rationale="again"
        )
    assert Rating.objects.count() == 1


def test_the_database_refuses_a_rating_without_rationale():
    with pytest.raises(IntegrityError), transaction.atomic():
        RatingFactory.create(rationale="")


def test_different_reviewers_rate_the_same_claim():
    claim = ClaimFactory.create()
    for reviewer in UserFactory.create_batch(3, roles=["reviewer"]):
        rating_submit(claim=claim, reviewer=reviewer, verdict="true", rationale="Checked.")
    assert claim.ratings.count() == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"verdict": "pants_on_fire", "rationale": "x"}, "verdict"),
        ({"verdict": "true", "rationale": "   "}, "rationale"),
        ({"verdict": "true", "rationale": "x", "confidence": "total"}, "confidence"),
    ],
)
def test_invalid_ratings_name_the_bad_field(fields, field):
    with pytest.raises(ValidationError) as raised:
        rating_submit(
            claim=ClaimFactory.create(), reviewer=UserFactory.create(roles=["reviewer"]), **fields
        )
    assert field in raised.value.message_dict
    assert not Rating.objects.exists()


def test_withdrawing_a_rating_deletes_only_mine():
    mine = RatingFactory.create()
    theirs = RatingFactory.create(claim=mine.claim)
    assert rating_withdraw(claim=mine.claim, reviewer=mine.reviewer)
    assert not rating_withdraw(claim=mine.claim, reviewer=mine.reviewer)
    assert list(Rating.objects.all()) == [theirs]


def test_evidence_needs_a_url_or_an_excerpt():
    claim = ClaimFactory.create()
    with pytest.raises(ValidationError, match="URL, a quoted excerpt"):
        evidence_create(claim=claim, author=claim.created_by, stance=Stance.SUPPORTS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Evidence.objects.create(claim=claim, stance=Stance.SUPPORTS)
    excerpt_only = evidence_create(
        claim=claim, author=claim.created_by, stance=Stance.REFUTES, excerpt="3,950 trees"
    )
    assert excerpt_only.url == ""


def test_evidence_rejects_a_non_web_url_and_an_unknown_stance():
    claim = ClaimFactory.create()
    with pytest.raises(ValidationError) as raised:
        evidence_create(
            claim=claim, author=claim.created_by, stance="agrees", url="javascript:alert(1)"
        )
    assert set(raised.value.message_dict) == {"stance", "url"}


def test_evidence_update_changes_fields_and_keeps_history():
    claim = ClaimFactory.create()
    evidence = evidence_create(
        claim=claim, author=claim.created_by, stance=Stance.SUPPORTS, url="https://a.example"
    )
    evidence_update(evidence=evidence, user=claim.created_by, stance=Stance.CONTEXT, note="n")
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.note) == (Stance.CONTEXT, "n")
    assert evidence.history.count() == 2
    with pytest.raises(ValidationError, match="no field"):
        evidence_update(evidence=evidence, user=claim.created_by, claim="other")
