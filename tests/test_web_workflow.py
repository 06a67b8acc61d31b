"""The claim page's editorial side: workflow moves, publishing, assignments, discussion."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import ArticleStatus, ClaimStatus
from editorial.models import Assignment, ClaimTransition, Comment, Publication
from tests.factories import ClaimFactory
from tests.failed_forms import failed_post
from tests.workflow import make_ready, rate

pytestmark = pytest.mark.django_db


def signed_in(client: Client, user) -> Client:
    client.force_login(user)
    return client


def page(client: Client, claim) -> str:
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def move_buttons(html: str) -> list[str]:
    start = html.index('class="workflow-moves"')
    section = html[start : html.index("</form>", start)]
    return [part.split('"', 1)[0] for part in section.split('name="to" value="')[1:]]


def test_a_reviewer_starts_the_review_and_the_move_is_logged(client: Client, reviewer):
    claim = ClaimFactory.create()
    signed_in(client, reviewer)
    assert move_buttons(page(client, claim)) == ["in_review"]
    response = client.post(
        f"/claims/{claim.pk}/move/", {"to": "in_review", "note": "Looks checkable."}
    )
    assert response["Location"] == f"/claims/{claim.pk}/#workflow"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
    move = ClaimTransition.objects.get()
    assert (move.user, move.note) == (reviewer, "Looks checkable.")
    html = page(client, claim)
    assert "moved it from Open to In review" in html
    assert "<q>Looks checkable.</q>" in html


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_editors_see_every_move_they_may_make(client: Client, editor, reviewer):
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    html = page(signed_in(client, editor), claim)
    assert move_buttons(html) == ["open", "ready"]
    assert 'id="move-rejected"' in html  # rejecting has its own form, for its note
    reviewers_page = page(signed_in(Client(), reviewer), claim)
    assert 'class="workflow-moves"' not in reviewers_page  # no consensus yet: no "Mark ready"
    assert 'id="move-rejected"' not in reviewers_page
    rate(claim, "true", "true")
    assert move_buttons(page(signed_in(Client(), reviewer), claim)) == ["ready"]


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_ready_needs_a_consensus_from_a_reviewer_and_the_page_says_why(client: Client, reviewer):
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    signed_in(client, reviewer)
    html = failed_post(
        client, f"/claims/{claim.pk}/move/", {"to": "ready"}, page=f"/claims/{claim.pk}/"
    )
    assert "A claim is ready once its ratings reach consensus" in html
    rate(claim, "true", "true")
    response = client.post(f"/claims/{claim.pk}/move/", {"to": "ready"})
    assert response.status_code == 302


def test_rejecting_needs_a_note_next_to_the_field(client: Client, editor):
    claim = ClaimFactory.create()
    signed_in(client, editor)
    html = failed_post(
        client, f"/claims/{claim.pk}/move/", {"to": "rejected"}, page=f"/claims/{claim.pk}/"
    )
    assert 'id="move-rejected-note_errors"' in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.OPEN


@pytest.mark.parametrize(
    ("status", "path", "data"),
    [
        (ClaimStatus.READY, "move/", {"to": "rejected", "note": "No."}),
        (ClaimStatus.READY, "publish/", {"verdict": "true", "rationale": "Yes."}),
        (ClaimStatus.PUBLISHED, "unpublish/", {"note": "Oops."}),
    ],
)
def test_reviewers_cannot_make_editors_moves(client: Client, reviewer, status, path: str, data):
    claim = ClaimFactory.create(status=status)
    response = signed_in(client, reviewer).post(f"/claims/{claim.pk}/{path}", data)
    assert response.status_code == 403


def test_an_editor_publishes_the_verdict_and_the_page_links_the_public_page(client: Client, editor):
    claim = ClaimFactory.create()
    rate(claim, "mostly_true", "mostly_true")
    make_ready(claim, editor)
    signed_in(client, editor)
    html = page(client, claim)
    assert "Publish a verdict" in html
    assert 'value="mostly_true" required id="publish-verdict_1" checked' in html  # the consensus
    response = client.post(
        f"/claims/{claim.pk}/publish/",
        {
            "verdict": "mostly_true",
            "rationale": "The report lists 3,950 trees.",
            "confirm_no_evidence": "on",
        },
    )
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.verdict, publication.published_by) == ("mostly_true", editor)
    html = page(client, claim)
    assert "The public page appears once the article itself is published." in html
    claim.article.status = ArticleStatus.PUBLISHED
    claim.article.save()
    assert f'href="/fact-checks/{claim.pk}/"' in page(client, claim)


def test_a_verdict_against_the_consensus_needs_a_note(client: Client, editor):
    claim = ClaimFactory.create()
    rate(claim, "true", "true")
    make_ready(claim, editor)
    signed_in(client, editor)
    data = {"verdict": "false", "rationale": "No."}
    html = failed_post(client, f"/claims/{claim.pk}/publish/", data, page=f"/claims/{claim.pk}/")
    assert 'id="publish-note_errors"' in html
    assert not Publication.objects.exists()


def test_unpublishing_takes_the_claim_back_to_ready(client: Client, editor):
    from tests.workflow import publish

    claim = ClaimFactory.create()
    publish(claim, editor, "false")
    signed_in(client, editor)
    assert "Unpublish" in page(client, claim)
    client.post(f"/claims/{claim.pk}/unpublish/", {"note": "Wrong verdict."})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY
    assert not Publication.objects.exists()


def test_an_editor_assigns_reviewers_who_then_see_it_in_their_queue(
    client: Client, editor, reviewer
):
    claim = ClaimFactory.create()
    signed_in(client, editor)
    assert "Assign reviewers" in page(client, claim)
    response = client.post(f"/claims/{claim.pk}/assign/", {"reviewers": [reviewer.pk]})
    assert response["Location"] == f"/claims/{claim.pk}/#assignments"
    assert Assignment.objects.get().reviewer == reviewer
    assert "waiting" in page(client, claim)
    reviewer_client = signed_in(Client(), reviewer)
    assert f"/claims/{claim.pk}/" in reviewer_client.get("/").content.decode()
    assert "Assign reviewers" not in page(reviewer_client, claim)


def test_assigning_nobody_or_someone_without_a_role_is_an_error(client: Client, editor, outsider):
    claim = ClaimFactory.create()
    signed_in(client, editor)
    claim_page = f"/claims/{claim.pk}/"
    failed_post(client, f"/claims/{claim.pk}/assign/", {}, page=claim_page)
    failed_post(
        client, f"/claims/{claim.pk}/assign/", {"reviewers": [outsider.pk]}, page=claim_page
    )
    assert not Assignment.objects.exists()


def test_reviewers_discuss_a_claim(client: Client, reviewer):
    claim = ClaimFactory.create()
    signed_in(client, reviewer)
    response = client.post(f"/claims/{claim.pk}/comments/", {"body": "Is <b>this</b> checkable?"})
    assert response["Location"] == f"/claims/{claim.pk}/#discussion"
    assert Comment.objects.get().author == reviewer
    html = page(client, claim)
    assert "Is &lt;b&gt;this&lt;/b&gt; checkable?" in html


def test_an_empty_comment_is_an_error(client: Client, reviewer):
    claim = ClaimFactory.create()
    signed_in(client, reviewer)
    failed_post(
        client, f"/claims/{claim.pk}/comments/", {"body": "  "}, page=f"/claims/{claim.pk}/"
    )
    assert not Comment.objects.exists()


def test_an_editor_publishes_the_article_from_the_reader(client: Client, editor):
    claim = ClaimFactory.create()
    signed_in(client, editor)
    html = client.get(f"/articles/{claim.article_id}/").content.decode()
    assert 'name="status"' in html
    response = client.post(f"/articles/{claim.article_id}/status/", {"status": "published"})
    assert response.status_code == 302
    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.PUBLISHED
    assert claim.article.history.latest().history_user == editor


def test_reviewers_see_the_article_status_but_cannot_change_it(client: Client, reviewer):
    claim = ClaimFactory.create(article__imported_by=reviewer)
    signed_in(client, reviewer)
    html = client.get(f"/articles/{claim.article_id}/").content.decode()
    assert 'name="status"' not in html
    assert "badge--status-draft" in html
    response = client.post(f"/articles/{claim.article_id}/status/", {"status": "published"})
    assert response.status_code == 403


def test_an_unknown_article_status_is_refused(client: Client, editor):
    claim = ClaimFactory.create()
    response = signed_in(client, editor).post(
        f"/articles/{claim.article_id}/status/", {"status": "viral"}, follow=True
    )
    assert "Choose draft, in review or published." in response.content.decode()
    claim.article.refresh_from_db()
    assert claim.article.status == ArticleStatus.DRAFT
