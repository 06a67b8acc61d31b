"""Reviewers read what a fetch got: the archived page (its original HTML framed without its
scripts), its text, its WARC file, and the edits found in cited pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from claims import bodies
from claims.models import SourceStatus
from tests.factories import ClaimFactory, EvidenceFactory, SnapshotFactory, SourceFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

HTML = b"<html><body><p>4,000 trees</p><script>document.title='ran'</script></body></html>"
DIFF = [["=", "The city planted"], ["-", "4,000"], ["+", "3,000"], ["=", "trees"]]


def html_snapshot(**fields):
    return SnapshotFactory.create(
        sha256=bodies.store_body(HTML),
        byte_size=len(HTML),
        response_headers=[["Content-Type", "text/html; charset=utf-8"]],
        **fields,
    )


@pytest.fixture
def reviewer_client(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def test_the_archive_page_frames_the_original_in_a_sandbox_and_shows_the_text(reviewer_client):
    snapshot = html_snapshot(text="The city planted 4,000 trees.")
    html = reviewer_client.get(f"/snapshots/{snapshot.pk}/").content.decode()
    assert f'src="/snapshots/{snapshot.pk}/original/" sandbox=""' in html
    assert "The city planted 4,000 trees." in html
    assert f'href="/snapshots/{snapshot.pk}/warc/"' in html


def test_the_original_is_served_under_a_policy_that_runs_no_script(reviewer_client):
    snapshot = html_snapshot()
    response = reviewer_client.get(f"/snapshots/{snapshot.pk}/original/")
    assert response.status_code == 200
    assert response.content == HTML
    assert response["Content-Type"] == "text/html; charset=utf-8"
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "sandbox" in policy
    assert "script-src" not in policy  # falls back to default-src 'none'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_a_pdf_is_offered_as_a_download_not_framed(reviewer_client):
    pdf = b"%PDF-1.4 a report"
    snapshot = SnapshotFactory.create(
        sha256=bodies.store_body(pdf), content_type="application/pdf", byte_size=len(pdf)
    )
    html = reviewer_client.get(f"/snapshots/{snapshot.pk}/").content.decode()
    assert "<iframe" not in html
    assert "Download the application/pdf" in html
    response = reviewer_client.get(f"/snapshots/{snapshot.pk}/original/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content == pdf
    warc = reviewer_client.get(f"/snapshots/{snapshot.pk}/warc/")
    assert warc["Content-Type"] == "application/warc"


def test_a_pruned_body_is_said_so_instead_of_failing(reviewer_client):
    snapshot = html_snapshot(body_pruned_at=timezone.now(), text="Still the text.")
    html = reviewer_client.get(f"/snapshots/{snapshot.pk}/").content.decode()
    assert "no longer kept" in html
    assert "Still the text." in html
    assert reviewer_client.get(f"/snapshots/{snapshot.pk}/original/").status_code == 404
    assert reviewer_client.get(f"/snapshots/{snapshot.pk}/warc/").status_code == 404


def test_archives_are_for_signed_in_reviewers(client: Client, outsider):
    snapshot = html_snapshot()
    for path in ("", "original/", "warc/"):
        response = client.get(f"/snapshots/{snapshot.pk}/{path}")
        assert response.status_code == 302
        assert "/signin/" in response["Location"]
    client.force_login(outsider)
    assert client.get(f"/snapshots/{snapshot.pk}/original/").status_code == 403


def test_the_claim_page_and_the_reader_show_when_a_source_changed(reviewer_client):
    source = SourceFactory.create(status=SourceStatus.OK)
    claim = ClaimFactory.create(article=source.article)
    claim.sources.set([source])
    SnapshotFactory.create(source=source, fetched_at=timezone.now() - timedelta(days=3))
    edit = SnapshotFactory.create(source=source, text_changed=True, diff=DIFF)
    for page in (f"/claims/{claim.pk}/", f"/articles/{source.article_id}/"):
        html = reviewer_client.get(page).content.decode()
        assert f'Changed on <time datetime="{edit.fetched_at:%Y-%m-%d}' in html, page
        assert '<del class="text-diff__removed">4,000</del>' in html
        assert '<ins class="text-diff__added">3,000</ins>' in html
        assert f'href="/snapshots/{edit.pk}/"' in html


def test_evidence_shows_its_archived_copy_and_its_change(reviewer_client):
    evidence = EvidenceFactory.create(status=SourceStatus.OK)
    edit = SnapshotFactory.create(
        source=None, evidence=evidence, final_url=evidence.url, text_changed=True, diff=DIFF
    )
    html = reviewer_client.get(f"/claims/{evidence.claim_id}/").content.decode()
    assert f'href="/snapshots/{edit.pk}/">Archived copy' in html
    assert '<ins class="text-diff__added">3,000</ins>' in html


def test_the_editor_sees_that_a_source_changed_since_publication(client: Client, editor):
    source = SourceFactory.create(status=SourceStatus.OK)
    claim = ClaimFactory.create(article=source.article)
    claim.sources.set([source])
    publish(claim, editor, "true")
    SnapshotFactory.create(source=source, text_changed=True, diff=DIFF)
    client.force_login(editor)
    html = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Source changed since publication" in html
    dashboard = client.get("/").content.decode()
    assert 'id="queue-source_changed"' in dashboard
