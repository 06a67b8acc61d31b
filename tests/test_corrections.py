"""Correcting what was recorded, through the services every adapter calls: a claim's
passage, kind and sources, deleting it; evidence and source URLs (a fresh fetch, the old
one can no longer finish); comments; ratings; an article's details."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from claims import tasks
from claims.models import (
    Claim,
    ClaimKind,
    Evidence,
    QuoteCheck,
    QuoteResult,
    Source,
    SourceStatus,
)
from claims.pipeline.fetches import PageFetch, claim, finish, run_fetch
from claims.pipeline.quotes import verify_claim
from claims.policies import OPERATOR
from claims.services.articles import article_import, article_update
from claims.services.claims import claim_create, claim_delete, claim_update
from claims.services.evidence import evidence_update
from claims.services.sources import source_set_url
from editorial.models import ClaimConsensus, Comment
from editorial.services.comments import comment_create, comment_delete, comment_update
from editorial.services.ratings import rating_submit, rating_withdraw
from tests.factories import (
    ARTICLE_TEXT,
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SnapshotFactory,
    SourceFactory,
    UserFactory,
)
from tests.webserver import PageServer, article_page

pytestmark = pytest.mark.django_db

NEW_URL = "https://parks.example/report-2023"


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The jobs handed to the broker, as (task name, args), without a broker; sent at once
    (the test's transaction never commits)."""
    jobs: list[tuple[str, tuple[Any, ...]]] = []

    def send(task: Any, *args: Any, **kwargs: Any) -> bool:
        jobs.append((task.name.rsplit(".", 1)[-1], args))
        return True

    monkeypatch.setattr(tasks, "send", send)
    monkeypatch.setattr(tasks.fetches, "mark_handed_over", lambda *a, **k: None)
    monkeypatch.setattr(tasks.transaction, "on_commit", lambda job, robust=False: job())
    return jobs


# --- A claim's passage ------------------------------------------------------------


def test_moving_a_claim_takes_its_quote_and_context_from_the_new_offsets(reviewer) -> None:
    article = ArticleFactory.create()
    claim = claim_create(article=article, created_by=reviewer, quote="4,000 trees")
    start = article.text.index("twice what was promised")

    claim_update(claim=claim, user=reviewer, start=start, end=start + 23)

    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.quote) == (start, start + 23, "twice what was promised")
    assert claim.prefix == article.text[start - 32 : start]
    assert claim.suffix == article.text[start + 23 : start + 55]
    record = claim.history.latest()
    assert (record.history_type, record.history_user, record.quote) == (
        "~",
        reviewer,
        "twice what was promised",
    )


def test_a_claim_moves_to_a_quote_found_once_in_the_text(reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)

    claim_update(claim=claim, user=reviewer, quote="the parks department")

    claim.refresh_from_db()
    assert claim.quote == "the parks department"
    assert claim.start == claim.article.text.index("the parks department")


@pytest.mark.parametrize(
    ("offsets", "code"),
    [
        ({"start": 5, "end": 5}, "offsets_out_of_range"),
        ({"start": 0, "end": 10_000}, "offsets_out_of_range"),
        ({"start": 3}, "offsets_incomplete"),
        ({"quote": "not in the article"}, "quote_not_found"),
    ],
)
def test_a_passage_outside_the_text_is_refused_and_nothing_changes(
    reviewer, offsets: dict[str, Any], code: str
) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)

    with pytest.raises(ValidationError) as refused:
        claim_update(claim=claim, user=reviewer, **offsets)

    assert refused.value.code == code
    claim.refresh_from_db()
    assert (claim.start, claim.end, claim.quote) == (0, 8, ARTICLE_TEXT[:8])


def test_moving_a_claim_onto_another_claims_passage_is_refused(reviewer) -> None:
    first = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    second = ClaimFactory.create(article=first.article, created_by=reviewer, start=9, end=16)

    with pytest.raises(ValidationError, match="already exists"):
        claim_update(claim=second, user=reviewer, start=0, end=8)

    second.refresh_from_db()
    assert (second.start, second.end) == (9, 16)


def test_only_editors_move_a_claim_that_has_ratings(reviewer, editor) -> None:
    claim = ClaimFactory.create(created_by=reviewer, start=0, end=8)
    RatingFactory.create(claim=claim)

    with pytest.raises(PermissionDenied, match="only editors may move it"):
        claim_update(claim=claim, user=reviewer, start=9, end=16)
    claim.refresh_from_db()
    assert (claim.start, claim.end) == (0, 8)

    claim_update(claim=claim, user=editor, start=9, end=16)
    claim.refresh_from_db()
    assert (claim.start, claim.end) == (9, 16)


def test_the_creator_still_changes_the_kind_of_a_rated_claim(reviewer) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    RatingFactory.create(claim=claim)

    claim_update(
        claim=claim, user=reviewer, kind=ClaimKind.OPINION, start=claim.start, end=claim.end
    )

    claim.refresh_from_db()
    assert claim.kind == ClaimKind.OPINION


def test_a_moved_quote_claim_is_checked_again_against_its_source_at_the_new_words(
    sample_article, reviewer, pages: PageServer, sent
) -> None:
    said = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
    source = sample_article.sources.get(anchor_text="up for renewal")
    source_set_url(
        source=source,
        url=pages.add("/forecast", article_page("Forecast", f"The director said: {said}")),
        user=OPERATOR,
    )
    run_fetch(Source, source.pk, task_id="t-1", final_attempt=True)
    start = sample_article.text.index("Riverside will reach")
    claim = claim_create(
        article=sample_article,
        created_by=reviewer,
        start=start,
        end=start + len("Riverside will reach"),
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    sent.clear()

    moved_to = sample_article.text.index(said)
    claim_update(claim=claim, user=reviewer, start=moved_to, end=moved_to + len(said))

    assert ("verify_claim", (claim.pk,)) in sent
    [check] = verify_claim(claim_id=claim.pk)
    assert (check.quote, check.result) == (said, QuoteResult.EXACT)


def test_changing_a_claims_kind_and_sources_is_kept_in_history(reviewer, sent) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    source = SourceFactory.create(article=claim.article)

    claim_update(claim=claim, user=reviewer, kind=ClaimKind.QUOTE, sources=[source])

    assert list(claim.sources.all()) == [source]
    latest = claim.history.latest()
    assert (latest.kind, latest.history_user) == (ClaimKind.QUOTE, reviewer)
    assert [row.source_id for row in latest.sources.all()] == [source.pk]
    assert ("verify_claim", (claim.pk,)) in sent


# --- Deleting a claim --------------------------------------------------------------


def test_a_deleted_claim_stays_in_history_with_who_deleted_it(reviewer, editor) -> None:
    claim = ClaimFactory.create(created_by=reviewer)
    RatingFactory.create(claim=claim)
    pk = claim.pk

    with pytest.raises(PermissionDenied):
        claim_delete(claim=claim, user=reviewer)
    claim_delete(claim=claim, user=editor)

    assert not Claim.objects.filter(pk=pk).exists()
    record = Claim.history.filter(id=pk).latest()
    assert (record.history_type, record.history_user, record.quote) == ("-", editor, claim.quote)


def test_the_operator_deletes_a_claim_in_nobodys_name() -> None:
    claim = ClaimFactory.create()
    pk = claim.pk

    claim_delete(claim=claim, user=OPERATOR)

    record = Claim.history.filter(id=pk).latest()
    assert (record.history_type, record.history_user) == ("-", None)


# --- Source URLs: any status, a fresh fetch -----------------------------------------


@pytest.mark.parametrize("status", [s for s in SourceStatus.values if s != SourceStatus.NEEDS_URL])
def test_a_sources_url_is_corrected_in_every_status_and_fetched_afresh(
    reviewer, status: str, sent
) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer),
        status=status,
        status_detail="HTTP 404: the page is gone",
        fetch_attempts=2,
        fetch_task_id="old-task",
        fetch_task_run=1,
        fetch_started_at=timezone.now(),
        fetch_due_at=timezone.now(),
    )
    old = SnapshotFactory.create(source=source)

    source_set_url(source=source, url=NEW_URL, user=reviewer)

    source.refresh_from_db()
    assert (source.url, source.status, source.status_detail) == (NEW_URL, "pending", "")
    assert (source.fetch_attempts, source.fetch_task_id, source.fetch_task_run) == (0, "", 0)
    assert (source.fetch_started_at, source.fetch_due_at) == (None, None)
    assert list(source.snapshots.all()) == [old]  # the fetch history stays
    assert ("fetch_source", (source.pk,)) in sent
    assert ("verify_source_quotes", (source.pk,)) in sent
    assert source.history.latest().history_user == reviewer


def test_the_same_url_again_changes_nothing_and_fetches_nothing(reviewer, sent) -> None:
    source = SourceFactory.create(
        article=ArticleFactory.create(imported_by=reviewer), status=SourceStatus.OK
    )
    versions = source.history.count()

    source_set_url(source=source, url=source.url, user=reviewer)

    source.refresh_from_db()
    assert source.status == SourceStatus.OK
    assert source.history.count() == versions
    assert sent == []


def test_a_fetch_of_the_old_url_still_running_cannot_store_its_result(reviewer) -> None:
    source = SourceFactory.create(article=ArticleFactory.create(imported_by=reviewer))
    running = claim(Source, source.pk, task_id="old-task")
    assert running is not None

    source_set_url(source=source, url=NEW_URL, user=reviewer)
    stored = finish(running, task_id="old-task", page=PageFetch(status=SourceStatus.OK))

    assert stored is None
    source.refresh_from_db()
    assert (source.status, source.url) == (SourceStatus.PENDING, NEW_URL)
    assert not source.snapshots.exists()
    # The new URL's job takes the row as any fetch does.
    assert claim(Source, source.pk, task_id="new-task") is not None


def test_quotes_checked_against_the_old_page_wait_for_the_new_one(
    sample_article, reviewer, pages: PageServer
) -> None:
    said = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."
    source = sample_article.sources.get(anchor_text="up for renewal")
    source_set_url(source=source, url=pages.add("/a", article_page("A", said)), user=OPERATOR)
    run_fetch(Source, source.pk, task_id="t-a", final_attempt=True)
    claim_ = claim_create(
        article=sample_article,
        created_by=reviewer,
        quote=said,
        kind=ClaimKind.QUOTE,
        sources=[source],
    )
    assert verify_claim(claim_id=claim_.pk)[0].result == QuoteResult.EXACT

    source_set_url(
        source=source, url=pages.add("/b", article_page("B", "Other words.")), user=OPERATOR
    )
    tasks.verify_source_quotes.apply(args=[source.pk])
    assert QuoteCheck.objects.get(claim=claim_).result == QuoteResult.SOURCE_UNAVAILABLE

    run_fetch(Source, source.pk, task_id="t-b", final_attempt=True)
    tasks.verify_source_quotes.apply(args=[source.pk])
    assert QuoteCheck.objects.get(claim=claim_).result == QuoteResult.NOT_FOUND
    assert source.snapshots.count() == 2


# --- Evidence ------------------------------------------------------------------------


def test_a_corrected_evidence_url_restarts_its_fetch(reviewer, sent) -> None:
    evidence = EvidenceFactory.create(
        author=reviewer,
        status=SourceStatus.DEAD,
        status_detail="HTTP 404",
        fetch_attempts=3,
        fetch_task_id="old",
    )

    evidence_update(evidence=evidence, user=reviewer, url=NEW_URL)

    evidence.refresh_from_db()
    assert (evidence.url, evidence.status, evidence.status_detail) == (NEW_URL, "pending", "")
    assert (evidence.fetch_attempts, evidence.fetch_task_id) == (0, "")
    assert ("fetch_evidence", (evidence.pk,)) in sent
    assert evidence.history.latest().history_user == reviewer


def test_correcting_an_evidence_note_leaves_its_fetch_alone(reviewer, sent) -> None:
    evidence = EvidenceFactory.create(author=reviewer, status=SourceStatus.OK)
    Evidence.objects.filter(pk=evidence.pk).update(status=SourceStatus.FETCHING)  # a worker

    evidence_update(evidence=evidence, user=reviewer, note="Page 12.")

    evidence.refresh_from_db()
    assert (evidence.note, evidence.status) == ("Page 12.", SourceStatus.FETCHING)
    assert [name for name, _ in sent] == ["verify_evidence"]


def test_another_reviewer_cannot_correct_evidence(reviewer, second_reviewer) -> None:
    evidence = EvidenceFactory.create(author=reviewer, note="")

    with pytest.raises(PermissionDenied):
        evidence_update(evidence=evidence, user=second_reviewer, note="Mine.")

    evidence.refresh_from_db()
    assert evidence.note == ""


# --- Comments --------------------------------------------------------------------------


def test_an_edited_comment_says_when_and_history_keeps_the_first_words(reviewer) -> None:
    comment = comment_create(claim=ClaimFactory.create(), author=reviewer, body="Whcih report?")
    assert comment.edited_at is None

    comment_update(comment=comment, user=reviewer, body="Which report?")

    comment.refresh_from_db()
    assert comment.body == "Which report?"
    assert comment.edited_at is not None
    assert [r.body for r in comment.history.order_by("history_id")] == [
        "Whcih report?",
        "Which report?",
    ]


def test_the_same_words_again_are_not_an_edit(reviewer) -> None:
    comment = comment_create(claim=ClaimFactory.create(), author=reviewer, body="Which report?")

    comment_update(comment=comment, user=reviewer, body="  Which report?  ")

    comment.refresh_from_db()
    assert comment.edited_at is None


def test_an_empty_comment_is_refused(reviewer) -> None:
    comment = comment_create(claim=ClaimFactory.create(), author=reviewer, body="Which report?")

    with pytest.raises(ValidationError):
        comment_update(comment=comment, user=reviewer, body="   ")

    comment.refresh_from_db()
    assert comment.body == "Which report?"


def test_others_may_not_edit_or_delete_a_comment_but_editors_may(
    reviewer, second_reviewer, editor
) -> None:
    comment = comment_create(claim=ClaimFactory.create(), author=reviewer, body="Which report?")

    with pytest.raises(PermissionDenied):
        comment_update(comment=comment, user=second_reviewer, body="Mine.")
    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, user=second_reviewer)
    comment.refresh_from_db()
    assert comment.body == "Which report?"

    pk = comment.pk
    comment_delete(comment=comment, user=editor)
    assert not Comment.objects.filter(pk=pk).exists()
    record = Comment.history.filter(id=pk).latest()
    assert (record.history_type, record.history_user) == ("-", editor)


# --- Ratings ---------------------------------------------------------------------------


def test_withdrawing_a_rating_updates_the_consensus(reviewer, second_reviewer) -> None:
    claim_ = ClaimFactory.create()
    rating_submit(claim=claim_, reviewer=reviewer, verdict="true", rationale="Said so.")
    rating_submit(claim=claim_, reviewer=second_reviewer, verdict="true", rationale="Yes.")
    assert ClaimConsensus.objects.get(claim=claim_).ratings_count == 2

    assert rating_withdraw(claim=claim_, reviewer=reviewer) is True

    consensus = ClaimConsensus.objects.filter(claim=claim_).first()
    assert consensus is None or consensus.ratings_count == 1


# --- Article details -------------------------------------------------------------------


def test_an_import_keeps_the_details_given_with_it(reviewer) -> None:
    article = article_import(
        content="# Trees\n\nThe city planted trees.\n",
        url="https://gazette.example/trees",
        byline="A. Writer",
        publisher="The Gazette",
        published_on=date(2024, 3, 1),
        imported_by=reviewer,
    )

    article.refresh_from_db()
    assert (article.url, article.byline, article.publisher, article.published_on) == (
        "https://gazette.example/trees",
        "A. Writer",
        "The Gazette",
        date(2024, 3, 1),
    )


def test_an_import_by_url_keeps_the_details_given_over_the_pages(
    reviewer, pages: PageServer
) -> None:
    from claims.pipeline.article_store import article_fill_from_page

    article = article_import(
        url="https://gazette.example/trees", byline="A. Writer", imported_by=reviewer
    )

    article_fill_from_page(
        article_id=article.pk,
        html="<html><body><article><p>The city planted trees.</p></article></body></html>",
        title="Trees",
        byline="Someone Else",
        publisher="Gazette Online",
        published="2024-03-01",
    )

    article.refresh_from_db()
    assert (article.byline, article.publisher, article.published_on) == (
        "A. Writer",
        "Gazette Online",
        date(2024, 3, 1),
    )


def test_any_reviewer_corrects_an_unpublished_articles_details_editors_a_published_one(
    reviewer, second_reviewer, editor
) -> None:
    article = ArticleFactory.create(imported_by=reviewer)

    article_update(article=article, user=second_reviewer, byline="A. Writer")
    article.refresh_from_db()
    assert article.byline == "A. Writer"

    article_update(article=article, user=editor, status="published")
    with pytest.raises(PermissionDenied, match="published: only editors"):
        article_update(article=article, user=reviewer, byline="Someone")
    article_update(article=article, user=editor, byline="A. N. Writer")
    article.refresh_from_db()
    assert article.byline == "A. N. Writer"
    assert article.history.latest().history_user == editor


def test_a_reviewer_without_a_role_corrects_nothing() -> None:
    article = ArticleFactory.create()
    nobody = UserFactory.create()

    with pytest.raises(PermissionDenied):
        article_update(article=article, user=nobody, byline="Someone")
