"""Each claim has a discussion thread: comments with their author and time."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from editorial.models import Comment
from editorial.services.comments import comment_create
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_a_reviewer_comments_on_a_claim(reviewer) -> None:
    claim = ClaimFactory.create()

    comment = comment_create(claim=claim, author=reviewer, body="  The report is from 2022.  ")

    assert (comment.claim, comment.author, comment.body) == (
        claim,
        reviewer,
        "The report is from 2022.",
    )
    assert comment.created_at is not None


def test_an_empty_comment_is_refused(reviewer) -> None:
    with pytest.raises(ValidationError, match="Write something"):
        comment_create(claim=ClaimFactory.create(), author=reviewer, body=" \n ")

    assert not Comment.objects.exists()


def test_people_without_a_role_cannot_comment(outsider) -> None:
    with pytest.raises(PermissionDenied):
        comment_create(claim=ClaimFactory.create(), author=outsider, body="Hello")


def test_the_thread_reads_oldest_first_with_authors(reviewer_api, reviewer, editor) -> None:
    claim = ClaimFactory.create()
    comment_create(claim=claim, author=reviewer, body="First.")
    comment_create(claim=claim, author=editor, body="Second.")
    comment_create(claim=ClaimFactory.create(), author=editor, body="Elsewhere.")

    response = reviewer_api.get(f"/api/v1/claims/{claim.pk}/comments/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["author"], row["body"]) for row in rows] == [
        (reviewer.username, "First."),
        (editor.username, "Second."),
    ]
    assert all(row["created_at"] for row in rows)


def test_posting_a_comment_answers_201_with_it(reviewer_api, reviewer) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        f"/api/v1/claims/{claim.pk}/comments/", {"body": "Checked the PDF."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["author"] == reviewer.username
    assert Comment.objects.get().body == "Checked the PDF."
