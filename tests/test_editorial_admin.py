"""The admin of the editorial workflow: read-only logs, and writes through the services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Claim, ClaimStatus, Verdict
from editorial.models import Assignment, ClaimConsensus, ClaimTransition, Comment, Publication
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from tests.factories import ClaimFactory, UserFactory
from tests.test_admin import errors_of, management_forms, queries_to_render
from tests.workflow import make_ready, publish, rate

pytestmark = pytest.mark.django_db

MODELS = [ClaimConsensus, ClaimTransition, Assignment, Comment, Publication]


def url_of(model: type[Any], view: str = "changelist", *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def some_of_everything(admin_user: Any) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.TRUE, Verdict.TRUE)
    reviewer = UserFactory.create(roles=["reviewer"])
    claim_assign(claim=claim, reviewers=[reviewer], assigned_by=admin_user)
    comment_create(claim=claim, author=reviewer, body="Looks right.")
    publish(claim, admin_user, Verdict.TRUE)


@pytest.mark.parametrize("model", MODELS)
def test_every_editorial_changelist_costs_the_same_queries_for_one_claim_as_for_twenty(
    admin_client: Client, admin_user: Any, model: type[Any]
) -> None:
    some_of_everything(admin_user)
    few = queries_to_render(admin_client, url_of(model))

    for _ in range(19):
        some_of_everything(admin_user)
    many = queries_to_render(admin_client, url_of(model))

    assert many == few


@pytest.mark.parametrize("model", [ClaimConsensus, ClaimTransition])
def test_the_logs_are_read_only(admin_client: Client, admin_user: Any, model: type[Any]) -> None:
    some_of_everything(admin_user)
    row = model.objects.first()

    assert admin_client.get(url_of(model, "add")).status_code == 403
    assert admin_client.get(url_of(model, "change", row.pk)).status_code == 200  # a view page
    assert admin_client.post(url_of(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()


def test_an_editor_corrects_and_deletes_a_comment_in_the_admin_through_the_service(
    admin_client: Client, admin_user: Any
) -> None:
    comment = Comment.objects.create(claim=ClaimFactory.create(), body="Whcih report?")

    assert admin_client.get(url_of(Comment, "add")).status_code == 403
    empty = admin_client.post(url_of(Comment, "change", comment.pk), {"body": "  "})
    assert empty.status_code == 200  # the form, with its error
    comment.refresh_from_db()
    assert (comment.body, comment.edited_at) == ("Whcih report?", None)

    edited = admin_client.post(url_of(Comment, "change", comment.pk), {"body": "Which report?"})
    assert edited.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Which report?"
    assert comment.edited_at is not None
    assert comment.history.latest().history_user == admin_user

    deleted = admin_client.post(url_of(Comment, "delete", comment.pk), {"post": "yes"})
    assert deleted.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    record = Comment.history.filter(id=comment.pk).latest()
    assert (record.history_type, record.history_user) == ("-", admin_user)


def test_assigning_in_the_admin_goes_through_the_service(admin_client: Client, admin_user) -> None:
    claim, reviewer = ClaimFactory.create(), UserFactory.create(roles=["reviewer"])

    response = admin_client.post(
        url_of(Assignment, "add"), {"claim": claim.pk, "reviewer": reviewer.pk}
    )

    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.claim, assignment.reviewer, assignment.assigned_by) == (
        claim,
        reviewer,
        admin_user,
    )


def test_assigning_someone_without_a_role_is_a_form_error(admin_client: Client) -> None:
    claim, outsider = ClaimFactory.create(), UserFactory.create()

    response = admin_client.post(
        url_of(Assignment, "add"), {"claim": claim.pk, "reviewer": outsider.pk}
    )

    assert "Only active reviewers and editors can be assigned" in errors_of(response)
    assert not Assignment.objects.exists()


def test_unassigning_in_the_admin_goes_through_the_service(
    admin_client: Client, admin_user
) -> None:
    claim, reviewer = ClaimFactory.create(), UserFactory.create(roles=["reviewer"])
    (assignment,) = claim_assign(claim=claim, reviewers=[reviewer], assigned_by=admin_user)

    response = admin_client.post(url_of(Assignment, "delete", assignment.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Assignment.objects.exists()


def test_publishing_in_the_admin_goes_through_the_service(admin_client: Client, admin_user) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, admin_user)

    response = admin_client.post(
        url_of(Publication, "add"),
        {
            "claim": claim.pk,
            "verdict": Verdict.FALSE,
            "rationale": "The budget.",
            "note": "",
            "confirm_no_evidence": "on",
        },
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PUBLISHED
    assert Publication.objects.get().published_by == admin_user


def test_publishing_an_override_without_a_note_is_a_form_error(
    admin_client: Client, admin_user
) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, admin_user)

    response = admin_client.post(
        url_of(Publication, "add"),
        {"claim": claim.pk, "verdict": Verdict.TRUE, "rationale": "Hm.", "note": ""},
    )

    assert "add a note saying why" in errors_of(response)
    assert not Publication.objects.exists()


def test_a_publication_page_shows_its_history(admin_client: Client, admin_user) -> None:
    claim = ClaimFactory.create()
    publication = publish(claim, admin_user, Verdict.TRUE)

    assert admin_client.get(url_of(Publication, "change", publication.pk)).status_code == 200
    assert admin_client.get(url_of(Publication, "history", publication.pk)).status_code == 200


def test_a_refused_status_change_in_the_claim_admin_is_a_form_error(admin_client: Client) -> None:
    claim = ClaimFactory.create()

    response = admin_client.post(
        url_of(Claim, "change", claim.pk),
        {
            "kind": claim.kind,
            "status": ClaimStatus.PUBLISHED,
            **management_forms("evidence", "ratings"),
        },
    )

    assert "cannot go from open to published" in errors_of(response)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


def test_rejecting_in_the_claim_admin_needs_and_records_a_note(admin_client: Client) -> None:
    claim = ClaimFactory.create()
    form = {
        "kind": claim.kind,
        "status": ClaimStatus.REJECTED,
        **management_forms("evidence", "ratings"),
    }

    refused = admin_client.post(url_of(Claim, "change", claim.pk), form)
    done = admin_client.post(url_of(Claim, "change", claim.pk), {**form, "note": "Opinion."})

    assert "Say why" in errors_of(refused)
    assert done.status_code == 302
    assert ClaimTransition.objects.get().note == "Opinion."
