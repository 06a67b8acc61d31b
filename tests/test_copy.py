"""The words on the pages: counts in the singular and the plural, never "reviewer(s)"; a
quote that was not found has no similarity score."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from claims.models import QuoteCheck, SourceStatus
from tests.conftest import REPO_DIR
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory
from tests.site import build_site
from web.templatetags.web import source_summary

pytestmark = pytest.mark.django_db

ADAPTERS_AND_DOMAIN = ("accounts", "api", "claims", "demo", "editorial", "siteadmin", "web")


def test_no_template_or_message_says_s_in_brackets():
    files = [
        *(REPO_DIR / "templates").rglob("*.html"),
        *(path for name in ADAPTERS_AND_DOMAIN for path in (REPO_DIR / name).rglob("*.py")),
        *(path for name in ADAPTERS_AND_DOMAIN for path in (REPO_DIR / name).rglob("*.html")),
    ]
    found = [
        f"{path.relative_to(REPO_DIR)}: {line.strip()}"
        for path in files
        for line in path.read_text("utf-8").splitlines()
        if re.search(r"\w\((s|es)\)", line.replace("http(s)", ""))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([SourceStatus.DEAD], [(1, "dead link")]),
        ([SourceStatus.DEAD, SourceStatus.DEAD], [(2, "dead links")]),
        ([SourceStatus.NEEDS_URL], [(1, "needs a URL")]),
        ([SourceStatus.NEEDS_URL] * 3, [(3, "need a URL")]),
        ([SourceStatus.OK, SourceStatus.DEAD], [(1, "fetched"), (1, "dead link")]),
    ],
)
def test_the_sources_summary_counts_in_the_singular_and_the_plural(statuses, expected):
    sources = [SimpleNamespace(status=status) for status in statuses]
    assert [(count, label) for count, label, _tone in source_summary(sources)] == expected


def test_the_reader_and_the_claims_list_count_evidence_items(client: Client, reviewer):
    one, two = ClaimFactory.create_batch(2, article=ArticleFactory.create())
    EvidenceFactory.create(claim=one)
    EvidenceFactory.create_batch(2, claim=two)
    client.force_login(reviewer)
    for url in (f"/articles/{one.article_id}/", "/claims/"):
        html = client.get(url).content.decode()
        assert "1 evidence item<" in html
        assert "2 evidence items<" in html


def test_a_quote_not_found_shows_no_similarity_score(client: Client):
    site = build_site()
    check = QuoteCheck.objects.get(claim__kind="quote", claim__article=site.article)
    assert check.result == "not_found"
    assert check.score > 0  # the best near miss has a score, which means nothing to a reader
    client.force_login(site.reviewer)
    claim_page = client.get(f"/claims/{check.claim_id}/").content.decode()
    assert "These words were not found" in claim_page
    assert "similar" not in claim_page
    report = client.get(f"/articles/{site.article.pk}/report/").content.decode()
    assert "score" not in report.lower()
    assert f"{check.score:.2f}" not in report
