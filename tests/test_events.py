"""The domain's events (``claims.events``): each service announces what it did, once its
transaction commits, and a failing listener neither undoes nor stops the work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.dispatch import Signal

from claims import events
from claims.models import ArticleStatus, Claim, Source, SourceStatus, Verdict
from claims.pipeline.fetches import PageFetch, claim, finish
from editorial.models import Comment
from editorial.services.assignments import claim_assign
from editorial.services.comments import comment_create
from editorial.services.correction_requests import (
    correction_request_file,
    correction_request_handle,
)
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_publish, claim_unpublish
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, UserFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db


class Heard:
    """What each signal announced, as (event name, kwargs)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [kwargs for heard, kwargs in self.calls if heard == name]


@pytest.fixture
def heard() -> Iterator[Heard]:
    record = Heard()
    receivers = []
    for name, signal in events.EVENTS.items():

        def receiver(sender: Signal, name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            record.calls.append((name, kwargs))

        signal.connect(receiver, weak=False)
        receivers.append((signal, receiver))
    yield record
    for signal, receiver in receivers:
        signal.disconnect(receiver)


def test_an_event_is_announced_only_once_the_transaction_commits(
    heard, django_capture_on_commit_callbacks
):
    claim_ = ClaimFactory.create()
    author = UserFactory.create(roles=["reviewer"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment_create(claim=claim_, author=author, body="What about the 2012 date?")
    assert heard.names() == []
    for callback in callbacks:
        callback()
    (posted,) = heard.of("comment.posted")
    assert posted["comment"].body == "What about the 2012 date?"
    assert posted["actor"] == author


def test_a_failing_listener_does_not_undo_the_work(django_capture_on_commit_callbacks, caplog):
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("listener down")

    events.comment_posted.connect(broken, weak=False)
    try:
        claim_ = ClaimFactory.create()
        with django_capture_on_commit_callbacks(execute=True):
            comment_create(claim=claim_, author=UserFactory.create(roles=["reviewer"]), body="Hi")
    finally:
        events.comment_posted.disconnect(broken)
    assert Comment.objects.filter(claim=claim_).count() == 1
    assert "A listener of comment.posted failed" in caplog.text


def test_assignments_ratings_and_consensus_are_announced(
    heard, editor, django_capture_on_commit_callbacks, settings
):
    settings.CONSENSUS_MIN_RATINGS = 2
    settings.CONSENSUS_MIN_AGREEMENT = 1.0
    claim_ = ClaimFactory.create()
    ana, ben, cy = (UserFactory.create(roles=["reviewer"]) for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        claim_assign(claim=claim_, reviewers=[ana, ben], assigned_by=editor)
        claim_assign(claim=claim_, reviewers=[ana], assigned_by=editor)  # nothing new
        rating_submit(claim=claim_, reviewer=ana, verdict=Verdict.TRUE, rationale="Yes.")
        rating_submit(claim=claim_, reviewer=ben, verdict=Verdict.TRUE, rationale="Yes.")
        rating_submit(claim=claim_, reviewer=cy, verdict=Verdict.FALSE, rationale="No.")
    (assigned,) = heard.of("claim.assigned")
    assert {a.reviewer for a in assigned["assignments"]} == {ana, ben}
    assert [kwargs["actor"] for kwargs in heard.of("claim.rated")] == [ana, ben, cy]
    (reached,) = heard.of("claim.consensus")
    assert reached["consensus"].verdict == Verdict.TRUE
    (disputed,) = heard.of("claim.disputed")
    assert disputed["actor"] == cy


def test_publishing_correcting_and_unpublishing_are_announced(
    heard, editor, django_capture_on_commit_callbacks
):
    claim_: Claim = ClaimFactory.create()
    with django_capture_on_commit_callbacks(execute=True):
        publish(claim_, editor, Verdict.TRUE, rationale="The report says 4,000.")
        claim_publish(
            claim=claim_,
            editor=editor,
            verdict=Verdict.MOSTLY_TRUE,
            rationale="The report says 3,950.",
            correction="The report was revised.",
        )
        claim_unpublish(claim=claim_, editor=editor, note="Taken back for a check.")
    (published,) = heard.of("claim.published")
    assert published["publication"].verdict == Verdict.TRUE
    (corrected,) = heard.of("claim.corrected")
    assert corrected["correction"].previous_verdict == Verdict.TRUE
    assert heard.of("claim.unpublished") == [{"claim": claim_, "actor": editor}]


def test_a_reader_report_is_announced(heard, editor, django_capture_on_commit_callbacks):
    claim_ = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(claim_, editor, Verdict.TRUE)
    with django_capture_on_commit_callbacks(execute=True):
        correction_request_file(
            claim=claim_, message="The figure was revised last week.", client="192.0.2.1"
        )
    (reported,) = heard.of("correction.requested")
    assert reported["correction_request"].claim == claim_
    with django_capture_on_commit_callbacks(execute=True):
        for status in ("answered", "resolved"):  # the same answer: announced once
            correction_request_handle(
                correction_request=reported["correction_request"],
                editor=editor,
                status=status,
                response="The figure was corrected.",
            )
    (answered,) = heard.of("correction.answered")
    assert answered["correction_request"].response == "The figure was corrected."
    assert answered["actor"] == editor


def _fetched(source: Any, page: PageFetch, task_id: str) -> None:
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)  # due again
    claimed = claim(Source, source.pk, task_id=task_id, run=0)
    assert claimed is not None
    assert finish(claimed, task_id=task_id, page=page) is not None


def test_a_link_is_announced_dead_when_it_dies_not_at_every_recheck(
    heard, django_capture_on_commit_callbacks
):
    source = SourceFactory.create(url="https://parks.example/report")
    ok = PageFetch(status=SourceStatus.OK, http_status=200, text="Trees", sha256="a" * 64)
    gone = PageFetch(
        status=SourceStatus.DEAD, http_status=404, detail="gone", error="HTTP 404: gone"
    )
    with django_capture_on_commit_callbacks(execute=True):
        _fetched(source, ok, "t1")
        _fetched(source, gone, "t2")
        _fetched(source, gone, "t3")
    (died,) = heard.of("source.dead")
    assert died["source"] == source
    assert died["snapshot"].http_status == 404
