"""Articles over the REST API: list, filter, import (JSON or upload), detail, change, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import Article, ArticleFormat, ArticleStatus, ClaimStatus, SourceStatus
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"

MARKDOWN = (
    "# Bridges of the city\n\n"
    "The council repaired [12 bridges](https://example.org/bridges) last year, "
    "and [one more](#) is planned.\n"
)
HTML = (
    "<!doctype html><html><head><title>Tram lines</title></head><body>"
    "<p>The tram carried <a href='https://example.org/trams'>9 million riders</a>.</p>"
    "</body></html>"
)


def test_article_list_uses_the_pagination_envelope(reviewer_api) -> None:
    ArticleFactory.create_batch(3)

    response = reviewer_api.get(ARTICLES, {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert body["count_is_estimate"] is False
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]
    assert body["previous"] is None


def test_page_size_is_capped_at_the_configured_maximum(reviewer_api, settings) -> None:
    settings.API_MAX_PAGE_SIZE = 2
    ArticleFactory.create_batch(3)

    response = reviewer_api.get(ARTICLES, {"page_size": 1000})

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert len(response.json()["results"]) == 2


def test_articles_filter_by_status(reviewer_api) -> None:
    published = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    ArticleFactory.create(status=ArticleStatus.DRAFT)

    response = reviewer_api.get(ARTICLES, {"status": "published"})

    assert [row["id"] for row in response.json()["results"]] == [published.pk]


def test_article_search_finds_every_word_in_the_title_or_the_text(reviewer_api) -> None:
    by_title = ArticleFactory.create(title="Bridge repairs in Leeds")
    by_text = ArticleFactory.create(text="Leeds opened a new bridge in May.")
    ArticleFactory.create(title="Bridge repairs in York")

    response = reviewer_api.get(ARTICLES, {"search": "leeds BRIDGE"})

    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {by_title.pk, by_text.pk}


def test_articles_are_ordered_as_asked(reviewer_api) -> None:
    ArticleFactory.create(title="Beta")
    ArticleFactory.create(title="Alpha")
    ArticleFactory.create(title="Gamma")

    ascending = reviewer_api.get(ARTICLES, {"ordering": "title"}).json()["results"]
    descending = reviewer_api.get(ARTICLES, {"ordering": "-title"}).json()["results"]

    assert [row["title"] for row in ascending] == ["Alpha", "Beta", "Gamma"]
    assert [row["title"] for row in descending] == ["Gamma", "Beta", "Alpha"]


def test_an_article_is_imported_from_a_json_body(reviewer_api, reviewer) -> None:
    response = reviewer_api.post(
        ARTICLES,
        {"title": "Bridges", "body": MARKDOWN, "format": "markdown"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert article.title == body["title"] == "Bridges"
    assert article.source_format == body["source_format"] == ArticleFormat.MARKDOWN
    assert article.imported_by == reviewer
    assert body["imported_by"] == reviewer.username
    assert "12 bridges" in body["text"]
    assert body["sources_total"] == 2
    assert body["sources_needing_url"] == 1
    assert body["claims_count"] == 0


def test_an_article_is_imported_from_an_uploaded_markdown_file(reviewer_api) -> None:
    upload = SimpleUploadedFile("bridges.md", MARKDOWN.encode(), content_type="text/markdown")

    response = reviewer_api.post(ARTICLES, {"file": upload}, format="multipart")

    assert response.status_code == 201
    body = response.json()
    assert body["source_format"] == "markdown"
    assert body["title"] == "Bridges of the city"
    assert body["sources_total"] == 2


def test_an_article_is_imported_from_an_uploaded_html_file(reviewer_api) -> None:
    upload = SimpleUploadedFile("trams.html", HTML.encode(), content_type="text/html")

    response = reviewer_api.post(ARTICLES, {"file": upload}, format="multipart")

    assert response.status_code == 201
    body = response.json()
    assert body["source_format"] == "html"
    assert body["title"] == "Tram lines"
    assert "9 million riders" in body["text"]
    assert body["sources_total"] == 1


def test_importing_the_same_content_twice_is_a_409_naming_the_existing_article(
    reviewer_api,
) -> None:
    first = reviewer_api.post(ARTICLES, {"body": MARKDOWN}, format="json")

    again = reviewer_api.post(ARTICLES, {"body": MARKDOWN, "title": "Copy"}, format="json")

    assert again.status_code == 409
    assert again.json()["existing"] == first.json()["id"]
    assert str(first.json()["id"]) in again.json()["detail"]
    assert Article.objects.count() == 1


def test_importing_the_same_content_with_force_creates_a_second_article(reviewer_api) -> None:
    reviewer_api.post(ARTICLES, {"body": MARKDOWN}, format="json")

    again = reviewer_api.post(ARTICLES, {"body": MARKDOWN, "force": True}, format="json")

    assert again.status_code == 201
    assert Article.objects.count() == 2


def test_a_body_and_a_file_together_are_refused(reviewer_api) -> None:
    upload = SimpleUploadedFile("bridges.md", MARKDOWN.encode())

    response = reviewer_api.post(ARTICLES, {"file": upload, "body": MARKDOWN}, format="multipart")

    assert response.status_code == 400
    assert "either" in response.json()["detail"]
    assert not Article.objects.exists()


def test_article_detail_counts_claims_and_sources(reviewer_api) -> None:
    article = ArticleFactory.create()
    for status in [SourceStatus.OK, SourceStatus.OK, SourceStatus.PENDING, SourceStatus.FAILED]:
        SourceFactory.create(article=article, status=status)
    SourceFactory.create(article=article, status=SourceStatus.NEEDS_URL, url="")
    ClaimFactory.create(article=article, start=0, end=8, status=ClaimStatus.OPEN)
    ClaimFactory.create(article=article, start=10, end=20, status=ClaimStatus.OPEN)
    ClaimFactory.create(article=article, start=30, end=40, status=ClaimStatus.READY)
    ClaimFactory.create(start=0, end=5)  # another article's

    response = reviewer_api.get(f"{ARTICLES}{article.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["claims_count"] == 3
    assert body["sources_total"] == 5
    assert body["sources_ok"] == 2
    assert body["sources_needing_url"] == 1
    assert body["sources_broken"] == 1
    assert body["claims_by_status"] == {"open": 2, "ready": 1}
    assert body["text"] == article.text


def test_the_reviewer_who_imported_an_article_changes_its_metadata(reviewer_api, reviewer) -> None:
    article = ArticleFactory.create(imported_by=reviewer)

    response = reviewer_api.patch(
        f"{ARTICLES}{article.pk}/",
        {"title": "  Trees, counted  ", "publisher": "City Post", "published_on": "2024-05-01"},
        format="json",
    )

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.title == response.json()["title"] == "Trees, counted"
    assert article.publisher == "City Post"
    assert str(article.published_on) == "2024-05-01"


def test_an_empty_patch_changes_nothing_and_returns_the_article(reviewer_api, reviewer) -> None:
    article = ArticleFactory.create(imported_by=reviewer, title="Unchanged")

    response = reviewer_api.patch(f"{ARTICLES}{article.pk}/", {}, format="json")

    assert response.status_code == 200
    assert response.json()["title"] == "Unchanged"


def test_an_editor_publishes_an_article(editor_api) -> None:
    article = ArticleFactory.create()

    response = editor_api.patch(f"{ARTICLES}{article.pk}/", {"status": "published"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


def test_an_editor_deletes_an_article_with_its_claims(editor_api) -> None:
    claim = ClaimFactory.create()

    response = editor_api.delete(f"{ARTICLES}{claim.article_id}/")

    assert response.status_code == 204
    assert not Article.objects.filter(pk=claim.article_id).exists()
    assert not type(claim).objects.filter(pk=claim.pk).exists()


def test_anonymous_readers_see_counts_of_published_claims_only(api) -> None:
    from claims.models import ArticleStatus, ClaimStatus
    from tests.factories import ArticleFactory, ClaimFactory

    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    ClaimFactory.create(article=article, start=0, end=5, status=ClaimStatus.PUBLISHED)
    ClaimFactory.create(article=article, start=6, end=9, status=ClaimStatus.OPEN)

    listed = api.get("/api/v1/articles/").json()["results"][0]
    detail = api.get(f"/api/v1/articles/{article.pk}/").json()

    assert listed["claims_count"] == detail["claims_count"] == 1
    assert detail["claims_by_status"] == {"published": 1}


def test_an_article_sent_as_a_url_is_accepted_and_fetched_in_the_background(
    reviewer_api, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from claims import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.import_article_from_url, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_api.post(
            "/api/v1/articles/", {"url": "https://news.example.org/story"}, format="json"
        )

    assert response.status_code == 202
    body = response.json()
    assert body["import_status"] == "fetching"
    assert body["url"] == "https://news.example.org/story"
    assert queued == [body["id"]]
    again = reviewer_api.post(
        "/api/v1/articles/", {"url": "https://news.example.org/story"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["existing"] == body["id"]
