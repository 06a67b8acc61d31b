"""Evidence for a claim over the REST API: list, add, change and delete one's own."""

from __future__ import annotations

import pytest

from claims.models import Evidence, SourceStatus, Stance
from tests.factories import ClaimFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {"claim", "url", "excerpt", "stance", "note"}


def evidence_url(claim_id: int, evidence_id: int | None = None) -> str:
    base = f"/api/v1/claims/{claim_id}/evidence/"
    return base if evidence_id is None else f"{base}{evidence_id}/"


def test_evidence_of_a_claim_is_listed_with_the_contract_fields(reviewer_api) -> None:
    claim = ClaimFactory.create()
    first = EvidenceFactory.create(claim=claim, status=SourceStatus.PENDING, note="annual report")
    second = EvidenceFactory.create(claim=claim, status=SourceStatus.PENDING)
    EvidenceFactory.create(status=SourceStatus.PENDING)  # another claim's

    response = reviewer_api.get(evidence_url(claim.pk))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert set(rows[0]) >= CONTRACT_FIELDS
    assert rows[0]["claim"] == claim.pk
    assert rows[0]["url"] == first.url
    assert rows[0]["stance"] == "supports"
    assert rows[0]["note"] == "annual report"


def test_a_reviewer_adds_evidence_with_a_url(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        evidence_url(claim.pk),
        {"url": "https://example.org/report.pdf", "stance": "refutes", "note": "p. 12"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["claim"] == claim.pk
    assert body["author"] == reviewer.username
    assert (body["url"], body["excerpt"], body["stance"], body["note"]) == (
        "https://example.org/report.pdf",
        "",
        "refutes",
        "p. 12",
    )
    evidence = Evidence.objects.get(pk=body["id"])
    assert (evidence.author, evidence.stance) == (reviewer, Stance.REFUTES)


def test_a_reviewer_adds_evidence_with_only_an_excerpt(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        evidence_url(claim.pk),
        {"excerpt": "3,950 trees were planted.", "stance": "context"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["excerpt"] == "3,950 trees were planted."
    assert response.json()["url"] == ""


def test_evidence_needs_a_url_or_an_excerpt(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        evidence_url(claim.pk), {"stance": "supports", "note": "trust me"}, format="json"
    )

    assert response.status_code == 400
    assert "URL" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_evidence_with_an_unknown_stance_is_refused(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        evidence_url(claim.pk),
        {"url": "https://example.org/", "stance": "agrees"},
        format="json",
    )

    assert response.status_code == 400
    assert "stance" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_evidence_with_a_url_that_is_not_one_is_refused(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        evidence_url(claim.pk), {"url": "javascript:alert(1)", "stance": "supports"}, format="json"
    )

    assert response.status_code == 400
    assert "url" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_changing_only_the_note_keeps_the_other_fields(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(
        author=reviewer,
        status=SourceStatus.PENDING,
        url="https://example.org/a",
        excerpt="A quoted line.",
        stance=Stance.REFUTES,
    )

    response = reviewer_api.patch(
        evidence_url(evidence.claim_id, evidence.pk), {"note": "Checked twice."}, format="json"
    )

    assert response.status_code == 200
    evidence.refresh_from_db()
    assert (evidence.url, evidence.excerpt, evidence.stance, evidence.note) == (
        "https://example.org/a",
        "A quoted line.",
        Stance.REFUTES,
        "Checked twice.",
    )
    assert response.json()["url"] == "https://example.org/a"
    assert response.json()["note"] == "Checked twice."


def test_changing_the_stance_of_ones_evidence(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.PENDING)

    response = reviewer_api.patch(
        evidence_url(evidence.claim_id, evidence.pk), {"stance": "context"}, format="json"
    )

    assert response.status_code == 200
    evidence.refresh_from_db()
    assert evidence.stance == Stance.CONTEXT


def test_clearing_both_url_and_excerpt_is_refused(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(
        author=reviewer, status=SourceStatus.PENDING, url="https://example.org/a"
    )

    response = reviewer_api.patch(
        evidence_url(evidence.claim_id, evidence.pk), {"url": ""}, format="json"
    )

    assert response.status_code == 400
    evidence.refresh_from_db()
    assert evidence.url == "https://example.org/a"


def test_an_empty_patch_leaves_the_evidence_as_it_is(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.PENDING, note="Kept")

    response = reviewer_api.patch(evidence_url(evidence.claim_id, evidence.pk), {}, format="json")

    assert response.status_code == 200
    assert response.json()["note"] == "Kept"


def test_the_author_deletes_their_evidence(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.PENDING)

    response = reviewer_api.delete(evidence_url(evidence.claim_id, evidence.pk))

    assert response.status_code == 204
    assert not Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_is_only_found_under_its_own_claim(reviewer_api, reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.PENDING)
    other_claim = ClaimFactory.create()

    response = reviewer_api.delete(evidence_url(other_claim.pk, evidence.pk))

    assert response.status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_evidence_of_an_unknown_claim_is_a_404(reviewer_api) -> None:
    response = reviewer_api.get(evidence_url(999_999))

    assert response.status_code == 404
    assert response.json()["detail"]
