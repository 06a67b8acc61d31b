"""Every URL a person gives (a source's, evidence's, an article's) follows one rule:
an absolute http:// or https:// URL with a host, refused with the same message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from claims.models import Article, Evidence, Source, SourceStatus, Stance
from claims.services.articles import article_import, article_import_url, article_update
from claims.services.evidence import evidence_create, evidence_update
from claims.services.sources import source_set_url
from claims.url_rules import URL_RULE
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory

pytestmark = pytest.mark.django_db

NOT_WEB_URLS = [
    "ftp://files.example.org/report.pdf",
    "ftps://files.example.org/report.pdf",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "mailto:desk@example.org",
    "data:text/html,<p>hi</p>",
    "http://",
    "https:///path-without-host",
    "//example.org/no-scheme",
    "example.org/no-scheme",
    "https://" + "a" * 2000 + ".org/",
]


def _give_url(kind: str, url: str, user: Any) -> Callable[[], Any]:
    if kind == "new evidence":
        claim = ClaimFactory.create()
        return lambda: evidence_create(claim=claim, author=user, stance=Stance.SUPPORTS, url=url)
    if kind == "evidence":
        evidence = EvidenceFactory.create(
            url="", excerpt="It was.", status="needs_url", author=user
        )
        return lambda: evidence_update(evidence=evidence, user=user, url=url)
    if kind == "source":
        source = SourceFactory.create(
            url="", status=SourceStatus.NEEDS_URL, article__imported_by=user
        )
        return lambda: source_set_url(source=source, url=url, user=user)
    if kind == "article import":
        return lambda: article_import(
            content="Text.", source_format="text", url=url, imported_by=user
        )
    if kind == "article import from the URL":
        return lambda: article_import_url(url=url, imported_by=user)
    article = ArticleFactory.create(url="https://example.org/before", imported_by=user)
    return lambda: article_update(article=article, user=user, url=url)


KINDS = [
    "new evidence",
    "evidence",
    "source",
    "article import",
    "article import from the URL",
    "article",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("url", NOT_WEB_URLS, ids=lambda url: url[:24])
def test_a_url_that_is_not_http_or_https_is_refused_with_the_same_message(
    editor, kind: str, url: str
) -> None:
    give = _give_url(kind, url, editor)
    evidence_before = list(Evidence.objects.values_list("url", flat=True))
    articles_before = list(Article.objects.values_list("url", flat=True))

    with pytest.raises(ValidationError) as refused:
        give()

    assert refused.value.message_dict == {"url": [URL_RULE]}
    assert list(Evidence.objects.values_list("url", flat=True)) == evidence_before
    assert list(Article.objects.values_list("url", flat=True)) == articles_before


@pytest.mark.parametrize("kind", KINDS)
def test_an_http_url_with_spaces_around_it_is_taken(editor, kind: str) -> None:
    _give_url(kind, "  https://example.org/report?year=2024  ", editor)()

    stored = {
        "new evidence": lambda: Evidence.objects.get().url,
        "evidence": lambda: Evidence.objects.get().url,
        "source": lambda: Source.objects.get().url,
    }.get(kind, lambda: Article.objects.get().url)
    assert stored() == "https://example.org/report?year=2024"


def test_evidence_and_articles_may_go_without_a_url(editor) -> None:
    evidence = evidence_create(
        claim=ClaimFactory.create(), author=editor, stance=Stance.CONTEXT, excerpt="Quoted."
    )
    article = article_import(content="Text.", source_format="text", url="", imported_by=editor)
    article_update(article=article, user=editor, url="")

    assert (evidence.url, evidence.status) == ("", SourceStatus.NEEDS_URL)
    article.refresh_from_db()
    assert article.url == ""


def test_an_ftp_evidence_url_over_the_api_is_a_400_with_the_rule(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {"stance": "supports", "url": "ftp://files.example.org/report.pdf"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert json.loads(response.content)["errors"] == {"url": [URL_RULE]}
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("url", ["ftp://files.example.org/a.html", "javascript:alert(1)"])
def test_an_article_url_over_the_api_is_refused_with_the_rule(editor_api, url: str) -> None:
    article = ArticleFactory.create()
    responses = [
        editor_api.post("/api/v1/articles/", {"url": url}, format="json"),
        editor_api.post("/api/v1/articles/", {"body": "Text.", "url": url}, format="json"),
        editor_api.patch(f"/api/v1/articles/{article.pk}/", {"url": url}, format="json"),
    ]

    for response in responses:
        assert response.status_code == 400, response.content
        assert json.loads(response.content)["errors"] == {"url": [URL_RULE]}
    assert Article.objects.count() == 1
