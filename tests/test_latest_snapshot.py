"""Which snapshot is a source's or evidence's latest: one rule for lists, pages and jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models.functions import Upper
from django.utils import timezone

from claims.models import Source, SourceSnapshot
from claims.selectors import latest_snapshot, latest_snapshot_prefetch, latest_snapshot_value
from tests.factories import EvidenceFactory, SnapshotFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source_with_history() -> tuple[Source, SourceSnapshot]:
    """Three snapshots of one source: the latest fetch was stored first, and two share
    their time, of which the later row wins."""
    source = SourceFactory.create()
    now = timezone.now()
    latest = SnapshotFactory.create(source=source, fetched_at=now, title="latest")
    SnapshotFactory.create(source=source, fetched_at=now - timedelta(hours=1), title="older")
    SnapshotFactory.create(source=source, fetched_at=now - timedelta(days=1), title="oldest")
    return source, latest


def test_the_latest_snapshot_is_the_latest_fetch_whatever_the_row_order(
    source_with_history,
) -> None:
    source, latest = source_with_history

    assert latest_snapshot(source=source) == latest
    assert latest_snapshot(source=SourceFactory.create()) is None


def test_of_two_fetches_at_the_same_time_the_later_row_is_latest() -> None:
    source = SourceFactory.create()
    now = timezone.now()
    SnapshotFactory.create(source=source, fetched_at=now)
    second = SnapshotFactory.create(source=source, fetched_at=now)

    assert latest_snapshot(source=source) == second


def test_a_list_is_annotated_with_its_latest_snapshots_fields(source_with_history) -> None:
    source, _ = source_with_history
    unfetched = SourceFactory.create()

    rows = Source.objects.annotate(
        title=latest_snapshot_value("title"), shout=latest_snapshot_value(Upper("title"))
    ).order_by("pk")

    assert [(row.pk, row.title, row.shout) for row in rows] == [  # type: ignore[attr-defined]
        (source.pk, "latest", "LATEST"),
        (unfetched.pk, None, None),
    ]


def test_a_list_prefetches_one_latest_snapshot_per_row_in_one_query(
    source_with_history, django_assert_num_queries
) -> None:
    _, latest = source_with_history
    other = SnapshotFactory.create()

    with django_assert_num_queries(2):
        rows = list(Source.objects.prefetch_related(latest_snapshot_prefetch()).order_by("pk"))

    assert [row.latest_snapshots for row in rows] == [  # type: ignore[attr-defined]
        [latest],
        [other],
    ]


def test_evidence_has_its_latest_snapshot_by_the_same_rule() -> None:
    evidence = EvidenceFactory.create()
    now = timezone.now()
    SnapshotFactory.create(
        source=None, evidence=evidence, final_url="", fetched_at=now - timedelta(hours=1)
    )
    latest = SnapshotFactory.create(source=None, evidence=evidence, final_url="", fetched_at=now)

    assert latest_snapshot(evidence=evidence) == latest
