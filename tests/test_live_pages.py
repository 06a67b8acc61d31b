"""Pages that update themselves: each write a page shows counts its article's change stamp
up (once committed), and the poll an open page sends answers 304 while nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse

from claims import stamps
from claims.models import Article, ClaimKind, SourceStatus, Stance, Verdict
from claims.pipeline.fetches import PageFetch, claim, finish
from claims.services.claims import claim_create, claim_delete, claim_update
from claims.services.evidence import evidence_create, evidence_delete, evidence_update
from claims.services.sources import source_set_url
from editorial.services.assignments import assignment_delete, claim_assign
from editorial.services.comments import comment_create, comment_delete, comment_update
from editorial.services.ratings import rating_submit, rating_withdraw
from editorial.services.workflow import claim_transition
from notifications.models import Kind, Notification
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, UserFactory
from tests.workflow import publish
from web import presence

pytestmark = pytest.mark.django_db


def stamp(article: Article) -> int:
    value = stamps.article_stamp(article.pk)
    assert value is not None
    return value


@pytest.fixture
def bumps(django_capture_on_commit_callbacks) -> Callable[..., int]:
    """How many times ``write()`` counted the article's stamp up, once committed."""

    def count(article: Article, write: Callable[[], Any]) -> int:
        before = stamp(article)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            write()
        assert stamp(article) == before, "counted up before the commit"
        for callback in callbacks:  # an event's listeners count up as they run
            with django_capture_on_commit_callbacks(execute=True):
                callback()
        return stamp(article) - before

    return count


def test_every_write_a_page_shows_counts_the_stamp_up_after_commit(bumps, editor):
    article = ArticleFactory.create(text="The river rose by 2 metres in 2012. It fell after.")
    source = SourceFactory.create(article=article, url="https://example.org/a")
    ana, ben = (UserFactory.create(roles=["reviewer"]) for _ in range(2))
    made: dict[str, Any] = {}

    def create() -> None:
        made["claim"] = claim_create(article=article, created_by=ana, start=0, end=34)

    writes: list[tuple[str, Callable[[], Any]]] = [
        ("claim marked", create),
        (
            "claim changed",
            lambda: claim_update(claim=made["claim"], user=ana, kind=ClaimKind.QUOTE),
        ),
        (
            "evidence added",
            lambda: made.update(
                evidence=evidence_create(
                    claim=made["claim"], author=ana, stance=Stance.SUPPORTS, excerpt="2 metres"
                )
            ),
        ),
        (
            "evidence changed",
            lambda: evidence_update(evidence=made["evidence"], user=ana, note="p. 4"),
        ),
        ("evidence deleted", lambda: evidence_delete(evidence=made["evidence"], user=ana)),
        (
            "comment posted",
            lambda: made.update(
                comment=comment_create(claim=made["claim"], author=ben, body="What about 2012?")
            ),
        ),
        ("comment edited", lambda: comment_update(comment=made["comment"], user=ben, body="2011?")),
        ("comment deleted", lambda: comment_delete(comment=made["comment"], user=ben)),
        (
            "rated",
            lambda: rating_submit(
                claim=made["claim"], reviewer=ben, verdict=Verdict.TRUE, rationale="The report."
            ),
        ),
        ("rating withdrawn", lambda: rating_withdraw(claim=made["claim"], reviewer=ben)),
        (
            "assigned",
            lambda: claim_assign(claim=made["claim"], reviewers=[ben], assigned_by=editor),
        ),
        ("unassigned", lambda: assignment_delete(claim=made["claim"], reviewer=ben, user=editor)),
        (
            "moved",
            lambda: claim_transition(claim=made["claim"], to_status="open", user=editor),
        ),
        (
            "source URL set",
            lambda: source_set_url(source=source, url="https://example.org/b", user=editor),
        ),
        ("claim deleted", lambda: claim_delete(claim=made["claim"], user=ana)),
    ]
    for name, write in writes:
        assert bumps(article, write) >= 1, name


def test_a_fetch_taken_and_finished_counts_the_stamp_up(bumps):
    source = SourceFactory.create(url="https://example.org/a", status=SourceStatus.PENDING)
    taken: dict[str, Any] = {}

    def take() -> None:
        taken["row"] = claim(type(source), source.pk, task_id="t1")

    assert bumps(source.article, take) == 1
    page = PageFetch(status=SourceStatus.OK, http_status=200, title="A page", text="Text.")
    assert bumps(source.article, lambda: finish(taken["row"], task_id="t1", page=page)) >= 1


def test_publishing_counts_the_stamp_up_through_its_event(bumps, editor):
    claim_ = ClaimFactory.create()
    assert bumps(claim_.article, lambda: publish(claim_, editor, Verdict.TRUE)) >= 1


def test_a_write_that_rolls_back_leaves_the_stamp(django_capture_on_commit_callbacks):
    claim_ = ClaimFactory.create()
    before = stamp(claim_.article)

    def write_then_fail() -> None:
        with transaction.atomic():
            stamps.claim_changed(claim_.pk)
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        write_then_fail()
    assert stamp(claim_.article) == before


def test_a_change_costs_one_update(django_assert_num_queries, django_capture_on_commit_callbacks):
    claim_ = ClaimFactory.create()
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        stamps.claim_changed(claim_.pk)
    with django_assert_num_queries(1), django_capture_on_commit_callbacks(execute=True):
        stamps.article_changed(claim_.article_id)
    assert stamp(claim_.article) == 2


# --- The poll -------------------------------------------------------------------------


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_poll_answers_304_while_nothing_changed_and_200_once_something_did(
    reviewer, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    client = signed_in(reviewer)
    url = reverse("web:claim-live", args=[claim_.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Live-Stamp"] == str(stamp(claim_.article))
    assert first["Cache-Control"] == "no-store"
    etag = first["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(claim=claim_, author=reviewer, body="What about the 2012 date?")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert int(changed["X-Live-Stamp"]) > int(first["X-Live-Stamp"])
    assert changed["ETag"] != etag
    # The answer says nothing about the change itself: the page fetches itself again.
    assert b"2012" not in changed.content


def test_the_reader_polls_its_article(reviewer):
    article = ArticleFactory.create()
    client = signed_in(reviewer)
    page = client.get(reverse("web:article", args=[article.pk]))
    live_url = reverse("web:article-live", args=[article.pk])
    assert f'data-live-url="{live_url}"'.encode() in page.content
    assert f'data-live-stamp="{article.change_stamp}"'.encode() in page.content
    assert client.get(live_url).status_code == 200


def test_the_poll_is_for_reviewers_and_for_pages_that_exist(reviewer, outsider):
    claim_ = ClaimFactory.create()
    url = reverse("web:claim-live", args=[claim_.pk])
    assert Client().get(url).status_code == 302  # to sign in
    assert signed_in(outsider).get(url).status_code == 403
    assert (
        signed_in(reviewer).get(reverse("web:claim-live", args=[claim_.pk + 99])).status_code == 404
    )
    assert signed_in(reviewer).post(url).status_code == 405


def test_the_poll_runs_a_fixed_number_of_queries(reviewer, django_assert_max_num_queries):
    claim_ = ClaimFactory.create()
    client = signed_in(reviewer)
    url = reverse("web:claim-live", args=[claim_.pk])
    etag = client.get(url)["ETag"]
    # The session, the user, their roles, the stamp.
    with django_assert_max_num_queries(5):  # with the inbox badge's count
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304


def test_who_else_is_here_is_shown_and_changes_the_etag(reviewer, second_reviewer):
    claim_ = ClaimFactory.create()
    url = reverse("web:claim-live", args=[claim_.pk])
    mine = signed_in(reviewer)
    alone = mine.get(url)
    assert b"is here" not in alone.content
    signed_in(second_reviewer).get(url)
    joined = mine.get(url, headers={"If-None-Match": alone["ETag"]})
    assert joined.status_code == 200
    assert f"{second_reviewer.username} is here".encode() in joined.content
    page = mine.get(reverse("web:claim", args=[claim_.pk]))
    assert f"{second_reviewer.username} is here".encode() in page.content


def test_who_is_here_reads_as_a_sentence():
    assert presence.sentence([]) == ""
    assert presence.sentence(["ben"]) == "ben is here"
    assert presence.sentence(["ana", "ben"]) == "ana and ben are here"
    assert presence.sentence(["a", "b", "c", "d", "e"]) == "a, b, c and 2 others are here"


def test_the_poll_carries_the_inbox_badge_with_the_unread_count(reviewer):
    claim_ = ClaimFactory.create()
    url = reverse("web:claim-live", args=[claim_.pk])
    client = signed_in(reviewer)
    first = client.get(url)
    assert b'aria-label="Notifications: 0 unread"' in first.content
    Notification.objects.create(
        recipient=reviewer, kind=Kind.ASSIGNED, claim=claim_, text="You were assigned."
    )

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200  # the badge changed: not a 304
    assert b'aria-label="Notifications: 1 unread"' in again.content


def test_a_reviewer_who_has_not_rated_learns_no_rating_from_the_update(
    reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    client = signed_in(second_reviewer)
    etag = client.get(reverse("web:claim-live", args=[claim_.pk]))["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(
            claim=claim_, reviewer=reviewer, verdict=Verdict.FALSE, rationale="Secret reasoning."
        )
    poll = client.get(reverse("web:claim-live", args=[claim_.pk]), headers={"If-None-Match": etag})
    assert poll.status_code == 200
    page = client.get(reverse("web:claim", args=[claim_.pk])).content.decode()
    assert "Secret reasoning." not in poll.content.decode() + page
    assert "Rate this claim to see the other ratings (1 so far)" in page


# --- Fetching only what changed ---------------------------------------------------------


def test_each_count_up_notes_what_changed_and_unknown_steps_mean_everything(
    reviewer, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    article_id = claim_.article_id
    start = stamps.claim_stamp(claim_.pk)[1]  # type: ignore[index]
    with django_capture_on_commit_callbacks(execute=True):
        comment = comment_create(claim=claim_, author=reviewer, body="A question.")
    with django_capture_on_commit_callbacks(execute=True):
        comment_update(comment=comment, user=reviewer, body="A better question.")
    after_comments = start + 2
    assert stamps.claim_stamp(claim_.pk) == (article_id, after_comments)
    assert stamps.changed_parts(article_id, start, start + 1) == {stamps.COMMENTS}
    assert stamps.changed_parts(article_id, start, after_comments) == {
        stamps.COMMENTS,
        stamps.COMMENTS_CORRECTED,
    }

    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(claim=claim_, reviewer=reviewer, verdict=Verdict.FALSE, rationale="No.")
    assert stamps.changed_parts(article_id, start, after_comments + 1) == stamps.ALL
    assert stamps.changed_parts(article_id, after_comments, after_comments) == stamps.ALL
    assert stamps.changed_parts(article_id, 0, stamps.MAX_STEPS + 1) == stamps.ALL

    cache.delete(f"stamps:parts:{article_id}:{start + 1}")  # another process's note
    assert stamps.changed_parts(article_id, start, after_comments) == stamps.ALL


def test_the_poll_names_the_parts_of_the_claim_page_that_changed(
    reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    client = signed_in(reviewer)
    url = reverse("web:claim-live", args=[claim_.pk])
    shown = stamps.claim_stamp(claim_.pk)[1]  # type: ignore[index]
    etag = client.get(url, {"since": shown})["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        comment_create(claim=claim_, author=second_reviewer, body="Which survey?")
    answer = client.get(url, {"since": shown}, headers={"If-None-Match": etag})

    assert answer.status_code == 200
    assert answer["X-Live-Parts"] == "claim-discussion"
    carried = answer.content.decode().split('<div id="claim-discussion" data-live-part>', 1)[1]
    assert "Which survey?" in carried
    assert client.get(url)["X-Live-Parts"] == "*"  # a page that did not say what it shows
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(
            claim=claim_, reviewer=second_reviewer, verdict=Verdict.TRUE, rationale="Yes."
        )
    assert client.get(url, {"since": shown})["X-Live-Parts"] == "*"
    assert client.get(url, {"since": "-1"})["X-Live-Parts"] == "*"


def test_the_claim_page_sends_only_the_parts_asked_for_in_the_pages_markup(
    reviewer, second_reviewer, django_assert_max_num_queries
):
    claim_ = ClaimFactory.create()
    comment_create(claim=claim_, author=second_reviewer, body="Which <survey>?")
    client = signed_in(reviewer)
    page_url = reverse("web:claim", args=[claim_.pk])
    whole = client.get(page_url).content.decode()

    with django_assert_max_num_queries(12):
        parts = client.get(page_url, {"parts": "claim-discussion history"})

    body = parts.content.decode()
    assert parts.status_code == 200
    assert '<div id="claim-discussion" data-live-part>' in body
    assert '<div id="history" data-live-part>' in body
    assert "<html" not in body
    assert 'id="ratings"' not in body
    assert "Which &lt;survey&gt;?" in body
    for region in ("claim-discussion", "history"):
        inner = body.split(f'<div id="{region}" data-live-part>', 1)[1].split("</div>\n", 1)[0]
        assert inner.split('name="csrfmiddlewaretoken"')[0] in whole
    # A part that cannot be sent alone, or none: the whole page.
    assert "<html" in client.get(page_url, {"parts": "ratings"}).content.decode()
    assert "<html" in client.get(page_url, {"parts": ""}).content.decode()


def test_a_comment_changes_nothing_the_reader_shows(
    reviewer, second_reviewer, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    client = signed_in(reviewer)
    url = reverse("web:article-live", args=[claim_.article_id])
    shown = stamp(claim_.article)

    with django_capture_on_commit_callbacks(execute=True):
        comment_create(claim=claim_, author=second_reviewer, body="Which survey?")
    answer = client.get(url, {"since": shown})

    assert answer["X-Live-Stamp"] == str(shown + 1)
    assert answer["X-Live-Parts"] == ""  # nothing to fetch: the reader shows no discussion
    with django_capture_on_commit_callbacks(execute=True):
        rating_submit(
            claim=claim_, reviewer=second_reviewer, verdict=Verdict.TRUE, rationale="Yes."
        )
    assert client.get(url, {"since": shown})["X-Live-Parts"] == "*"
