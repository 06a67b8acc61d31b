"""What a fetch got is kept: its headers, a WARC file of it, its fetch history in the API."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from claims import archives, bodies
from claims.models import Evidence, Source, SourceSnapshot, SourceStatus
from claims.pipeline.fetches import run_fetch
from tests.factories import ArticleFactory, EvidenceFactory, SnapshotFactory, SourceFactory
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db

PAGE = (
    b"<html><head><title>Tree census</title></head>"
    b"<body><main><p>The city counted 4,000 street trees in the census of 2024.</p>"
    b"</main></body></html>"
)


def fetched_source(pages: PageServer, path: str = "/census", body: bytes = PAGE) -> Source:
    url = pages.add(path, body, headers={"X-Census": "yes", "Cache-Control": "max-age=60"})
    source = SourceFactory.create(url=url, status=SourceStatus.PENDING)
    assert run_fetch(Source, source.pk, task_id=f"t-{source.pk}").outcome == "done"
    return source


def read_warc(data: bytes) -> list[tuple[str, Any, bytes]]:
    """Each record's type, the record, and its payload (read while the reader is on it)."""
    return [
        (record.rec_type, record, record.content_stream().read())
        for record in ArchiveIterator(io.BytesIO(data))
    ]


def test_a_snapshot_keeps_the_request_and_response_headers(pages: PageServer):
    source = fetched_source(pages)
    snapshot = source.snapshots.get()
    request = dict(snapshot.request_headers)
    assert request["User-Agent"].startswith("factcheck")
    assert request["Host"] == f"127.0.0.1:{pages.port}"
    response = dict(snapshot.response_headers)
    assert response["X-Census"] == "yes"
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_the_warc_download_holds_the_original_bytes_and_headers(pages: PageServer, reviewer_api):
    snapshot = fetched_source(pages).snapshots.get()
    response = reviewer_api.get(f"/api/v1/snapshots/{snapshot.pk}/warc/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/warc"
    assert response["Content-Disposition"].startswith('attachment; filename="snapshot-')
    records = read_warc(response.content)
    assert [r[0] for r in records] == ["warcinfo", "request", "response"]
    (_, request, _), (_, answer, payload) = records[1], records[2]
    assert request.rec_headers.get_header("WARC-Target-URI") == snapshot.final_url
    assert request.http_headers.get_header("User-Agent").startswith("factcheck")
    assert answer.http_headers.get_statuscode() == "200"
    assert answer.http_headers.get_header("X-Census") == "yes"
    assert payload == PAGE


def test_a_warc_of_a_compressed_transfer_keeps_the_body_as_kept(pages: PageServer):
    import gzip

    url = pages.add("/gz", gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})
    source = SourceFactory.create(url=url, status=SourceStatus.PENDING)
    run_fetch(Source, source.pk, task_id="gz")
    snapshot = source.snapshots.get()
    data = archives.warc_of(snapshot)
    assert data is not None
    _, answer, payload = read_warc(data)[2]
    assert answer.http_headers.get_header("X-Archive-Orig-Content-Encoding") == "gzip"
    assert payload == PAGE


def test_the_history_lists_a_sources_snapshots_newest_first(
    reviewer_api, django_assert_max_num_queries
):
    source = SourceFactory.create(url="https://example.org/a", status=SourceStatus.OK)
    now = timezone.now()
    old = SnapshotFactory.create(source=source, fetched_at=now - timedelta(days=2))
    new = SnapshotFactory.create(
        source=source,
        fetched_at=now,
        text_changed=True,
        diff=[["-", "4,000"], ["+", "3,000"]],
        archive_url="https://web.archive.org/web/2026/https://example.org/a",
    )
    with django_assert_max_num_queries(6):
        body = reviewer_api.get(f"/api/v1/sources/{source.pk}/snapshots/").json()
    assert [row["id"] for row in body["results"]] == [new.pk, old.pk]
    first = body["results"][0]
    assert first["text_changed"] is True
    assert first["diff"] == [["-", "4,000"], ["+", "3,000"]]
    assert first["archive_url"].startswith("https://web.archive.org/")
    assert {"id", "fetched_at", "http_status", "sha256"} <= set(first)
    SnapshotFactory.create_batch(10, source=source)
    with django_assert_max_num_queries(6):
        assert (
            len(reviewer_api.get(f"/api/v1/sources/{source.pk}/snapshots/").json()["results"]) == 12
        )


def test_evidence_has_its_history_and_each_snapshot_its_details(reviewer_api):
    evidence = EvidenceFactory.create(status=SourceStatus.OK)
    snapshot = SnapshotFactory.create(
        source=None,
        evidence=evidence,
        final_url=evidence.url,
        response_headers=[["Content-Type", "text/html"]],
    )
    listed = reviewer_api.get(
        f"/api/v1/claims/{evidence.claim_id}/evidence/{evidence.pk}/snapshots/"
    ).json()
    assert [row["id"] for row in listed["results"]] == [snapshot.pk]
    detail = reviewer_api.get(f"/api/v1/snapshots/{snapshot.pk}/").json()
    assert detail["evidence"] == evidence.pk
    assert detail["text"] == snapshot.text
    assert detail["response_headers"] == [["Content-Type", "text/html"]]
    other_claim = EvidenceFactory.create().claim_id
    wrong = reviewer_api.get(f"/api/v1/claims/{other_claim}/evidence/{evidence.pk}/snapshots/")
    assert wrong.status_code == 404


def test_archives_are_for_reviewers_only(api, outsider_api):
    snapshot = SnapshotFactory.create()
    for path in (
        f"/api/v1/snapshots/{snapshot.pk}/",
        f"/api/v1/snapshots/{snapshot.pk}/warc/",
        f"/api/v1/sources/{snapshot.source_id}/snapshots/",
    ):
        assert api.get(path).status_code == 401
        assert outsider_api.get(path).status_code == 403
        assert outsider_api.get(path).json()["detail"].startswith("Only reviewers")


def test_a_pruned_body_is_gone_from_the_warc_download_with_a_message(reviewer_api):
    snapshot = SnapshotFactory.create(
        sha256=bodies.store_body(b"<p>old</p>"), body_pruned_at=timezone.now()
    )
    response = reviewer_api.get(f"/api/v1/snapshots/{snapshot.pk}/warc/")
    assert response.status_code == 410
    assert "not kept" in response.json()["detail"]
    assert reviewer_api.get(f"/api/v1/snapshots/{snapshot.pk}/").json()["warc_url"] is None


# --- Retention -------------------------------------------------------------------------


def _snapshot(owner: Source | Evidence, body: bytes, age_days: int, **fields) -> SourceSnapshot:
    of: dict[str, Any] = (
        {"source": owner}
        if isinstance(owner, Source)
        else {"source": None, "evidence": owner, "final_url": owner.url}
    )
    return SnapshotFactory.create(
        **of,
        sha256=bodies.store_body(body),
        fetched_at=timezone.now() - timedelta(days=age_days),
        **fields,
    )


def test_pruning_lets_superseded_old_bodies_go_and_keeps_the_rest(settings, capsys):
    settings.SNAPSHOT_BODY_RETENTION_DAYS = 30
    article = ArticleFactory.create()
    source = SourceFactory.create(article=article, url="https://example.org/x", position=1)
    old = _snapshot(source, b"old body", 90)
    recent = _snapshot(source, b"recent body", 10)  # superseded, within retention
    latest = _snapshot(source, b"latest body", 1)
    # A dead link's last reading stays, however old: the failed fetch after it read nothing.
    dead = SourceFactory.create(article=article, url="https://example.org/dead", position=2)
    last_good = _snapshot(dead, b"last good body", 200)
    _snapshot(dead, b"not found", 100, http_status=404, error="HTTP 404: the page is gone")
    # A body shared with a kept snapshot (another source citing the same bytes) stays.
    shared_old = _snapshot(source, b"latest body", 95)
    evidence = EvidenceFactory.create(claim__article=article)
    ev_old = _snapshot(evidence, b"evidence old", 60)
    _snapshot(evidence, b"evidence new", 2)

    call_command("prune_snapshots", "--dry-run")
    assert "Would prune the bodies of 2 snapshots" in capsys.readouterr().out
    assert bodies.has_body(old.sha256)

    call_command("prune_snapshots")
    out = capsys.readouterr().out
    assert "Pruned the bodies of 2 snapshots older than 30 days (2 stored bodies deleted)" in out
    for snapshot in (old, ev_old):
        snapshot.refresh_from_db()
        assert snapshot.body_pruned_at is not None
        assert not bodies.has_body(snapshot.sha256)
        assert archives.body_of(snapshot) is None
        assert snapshot.text  # the text stays
    for kept in (recent, latest, last_good, shared_old):
        kept.refresh_from_db()
        assert kept.body_pruned_at is None
        assert archives.body_of(kept) is not None

    call_command("prune_snapshots")
    assert "Pruned the bodies of 0 snapshots" in capsys.readouterr().out


def test_a_retention_of_zero_keeps_every_body(settings, capsys):
    settings.SNAPSHOT_BODY_RETENTION_DAYS = 0
    source = SourceFactory.create()
    old = _snapshot(source, b"a", 900)
    _snapshot(source, b"b", 1)
    call_command("prune_snapshots")
    assert "kept forever" in capsys.readouterr().out
    assert bodies.has_body(old.sha256)
