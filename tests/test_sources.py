from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from claims.models import SourceStatus
from claims.services.sources import source_set_url
from claims.url_rules import fetchable_url_for


def test_supplying_a_url_makes_a_needs_url_source_pending(sample_article, reviewer):
    source = sample_article.sources.get(anchor_text="up for renewal")
    source_set_url(
        source=source, url="  https://council.example.org/contracts/watering ", user=reviewer
    )
    source.refresh_from_db()
    assert source.url == "https://council.example.org/contracts/watering"
    assert source.status == SourceStatus.PENDING
    assert source.href == "#"  # the article's own href stays as written
    latest = source.history.latest()
    assert (latest.history_user, latest.status) == (reviewer, SourceStatus.PENDING)


@pytest.mark.parametrize(
    "url", ["", "#", "javascript:alert(1)", "ftp://x.example/a", "/relative", "http://"]
)
def test_an_unusable_url_is_refused_and_nothing_changes(sample_article, reviewer, url):
    source = sample_article.sources.get(anchor_text="up for renewal")
    with pytest.raises(ValidationError) as raised:
        source_set_url(source=source, url=url, user=reviewer)
    assert "url" in raised.value.message_dict
    source.refresh_from_db()
    assert (source.url, source.status) == ("", SourceStatus.NEEDS_URL)


@pytest.mark.parametrize(
    ("href", "base", "expected"),
    [
        ("https://a.example/x", "", "https://a.example/x"),
        ("HTTPS://A.example/x", "", "HTTPS://A.example/x"),
        ("  https://a.example/x#frag ", "", "https://a.example/x"),
        ("../up", "https://a.example/b/c/d", "https://a.example/b/up"),
        ("data:text/html,hi", "https://a.example/", ""),
        ("tel:+123", "", ""),
        ("https://", "", ""),
    ],
)
def test_fetchable_url_for_an_href(href, base, expected):
    assert fetchable_url_for(href, base_url=base) == expected
