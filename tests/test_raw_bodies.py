"""Every fetch keeps the raw body it got (``claims.bodies``), once per content."""

from __future__ import annotations

import pytest

from claims import bodies
from claims.models import Source, SourceSnapshot, SourceStatus
from claims.pipeline.fetches import run_fetch
from tests.factories import ArticleFactory, SourceFactory
from tests.webserver import PageServer

pytestmark = pytest.mark.django_db

PAGE = b"<html><head><title>Tree census</title></head><body><p>4,000 trees.</p></body></html>"


def test_a_body_is_stored_once_under_its_digest():
    digest = bodies.store_body(b"%PDF-1.4 bytes")
    assert bodies.store_body(b"%PDF-1.4 bytes") == digest
    assert bodies.read_body(digest) == b"%PDF-1.4 bytes"
    assert bodies.has_body(digest)
    bodies.delete_body(digest)
    assert bodies.read_body(digest) is None


def test_a_name_that_is_not_a_digest_is_refused():
    with pytest.raises(ValueError, match="Not a sha256"):
        bodies.body_name("../../etc/passwd")


def test_two_sources_citing_the_same_bytes_share_one_stored_body(pages: PageServer):
    article = ArticleFactory.create()
    first, second = (
        SourceFactory.create(
            article=article, url=pages.add(path, PAGE), status=SourceStatus.PENDING
        )
        for path in ("/a", "/b")
    )
    for source in (first, second):
        assert run_fetch(Source, source.pk, task_id=f"fetch-{source.pk}").outcome == "done"
    snapshots = SourceSnapshot.objects.filter(source__in=[first, second])
    assert snapshots.count() == 2
    (digest,) = set(snapshots.values_list("sha256", flat=True))
    assert bodies.read_body(digest) == PAGE
    folder = bodies.body_name(digest).rsplit("/", 1)[0]
    assert bodies.body_storage().listdir(folder) == ([], [digest])
