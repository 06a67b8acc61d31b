"""Importing an article in the browser: pasted, uploaded or from its URL; errors by the field."""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from claims.models import Article, ImportStatus

pytestmark = pytest.mark.django_db

MARKDOWN = "# Trees\n\nThe city planted [4,000 trees](https://example.org/report) in 2023.\n"


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


@pytest.mark.parametrize("via", ["paste", "file", "url"])
def test_each_way_of_importing_has_its_form(client_: Client, via: str):
    response = client_.get(f"/articles/import/?via={via}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{via}"' in html
    assert 'aria-current="page"' in html


def test_pasted_markdown_becomes_an_article_and_opens_in_the_reader(client_: Client, reviewer):
    response = client_.post("/articles/import/", {"via": "paste", "content": MARKDOWN})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{article.pk}/"
    assert article.title == "Trees"
    assert article.imported_by == reviewer
    assert article.sources.get().url == "https://example.org/report"
    page = client_.get(response["Location"]).content.decode()
    assert "Imported “Trees”." in page


def test_a_title_and_format_given_are_used(client_: Client):
    client_.post(
        "/articles/import/",
        {
            "via": "paste",
            "content": "<p>Hello <a href='https://a.example/'>a</a></p>",
            "source_format": "html",
            "title": "Given title",
        },
    )
    article = Article.objects.get()
    assert (article.title, article.source_format) == ("Given title", "html")


def test_an_uploaded_file_is_imported_with_the_format_its_name_says(client_: Client):
    upload = SimpleUploadedFile("tree-report.txt", b"Plain text, no links.\n\nSecond paragraph.")
    response = client_.post("/articles/import/", {"via": "file", "file": upload})
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.source_format == "text"
    assert article.text == "Plain text, no links.\n\nSecond paragraph."


def test_an_article_from_a_url_waits_for_the_worker_and_the_reader_polls(client_: Client):
    response = client_.post(
        "/articles/import/", {"via": "url", "url": "https://news.example/story"}
    )
    article = Article.objects.get()
    assert article.import_status == ImportStatus.FETCHING
    page = client_.get(response["Location"]).content.decode()
    assert f'hx-get="/articles/{article.pk}/import-status/"' in page
    assert "A worker is fetching" in page


def test_the_import_status_refreshes_the_page_once_the_article_is_ready(client_: Client):
    client_.post("/articles/import/", {"via": "url", "url": "https://news.example/story"})
    article = Article.objects.get()
    still = client_.get(f"/articles/{article.pk}/import-status/")
    assert still.status_code == 200
    assert "HX-Refresh" not in still
    Article.objects.filter(pk=article.pk).update(import_status=ImportStatus.READY)
    done = client_.get(f"/articles/{article.pk}/import-status/")
    assert done["HX-Refresh"] == "true"


def test_a_failed_import_from_a_url_says_why(client_: Client):
    client_.post("/articles/import/", {"via": "url", "url": "https://news.example/story"})
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(
        import_status=ImportStatus.FAILED, import_detail="The page answered HTTP 404."
    )
    page = client_.get(f"/articles/{article.pk}/").content.decode()
    assert "The import failed." in page
    assert "The page answered HTTP 404." in page


def errors_of(response, field: str) -> str:
    html = response.content.decode()
    start = html.index(f'id="id_{field}_errors"')
    return html[start : html.index("</ul>", start)]


def test_an_empty_paste_is_an_error_next_to_the_field(client_: Client):
    response = client_.post("/articles/import/", {"via": "paste", "content": "   \n"})
    assert response.status_code == 422
    assert "The article is empty." in errors_of(response, "content")
    assert 'aria-describedby="id_content_helptext id_content_errors"' in response.content.decode()
    assert not Article.objects.exists()


def test_a_binary_file_is_refused_next_to_the_file_field(client_: Client):
    upload = SimpleUploadedFile("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    response = client_.post("/articles/import/", {"via": "file", "file": upload})
    assert response.status_code == 422
    assert "binary file" in errors_of(response, "file")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(client_: Client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.md", b"word " * 1000)
    response = client_.post("/articles/import/", {"via": "file", "file": upload})
    assert response.status_code == 422
    assert "the limit is 1,024 bytes" in errors_of(response, "file")


def test_a_missing_file_is_an_error(client_: Client):
    response = client_.post("/articles/import/", {"via": "file"})
    assert response.status_code == 422
    assert "This field is required." in errors_of(response, "file")


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org/x", "javascript:alert(1)"])
def test_a_url_that_cannot_be_fetched_is_an_error_next_to_the_field(client_: Client, url: str):
    response = client_.post("/articles/import/", {"via": "url", "url": url})
    assert response.status_code == 422
    assert "absolute http:// or https:// URL" in errors_of(response, "url")


def test_importing_the_same_content_again_links_to_the_existing_article(client_: Client):
    client_.post("/articles/import/", {"via": "paste", "content": MARKDOWN})
    existing = Article.objects.get()
    response = client_.post("/articles/import/", {"via": "paste", "content": MARKDOWN})
    html = response.content.decode()
    assert response.status_code == 200
    assert "already imported" in html
    assert f'href="/articles/{existing.pk}/"' in html
    assert 'name="force"' in html
    assert Article.objects.count() == 1


def test_import_anyway_creates_a_second_copy(client_: Client):
    client_.post("/articles/import/", {"via": "paste", "content": MARKDOWN})
    response = client_.post(
        "/articles/import/", {"via": "paste", "content": MARKDOWN, "force": "on"}
    )
    assert response.status_code == 302
    assert Article.objects.count() == 2


def test_an_unknown_way_of_importing_falls_back_to_pasting(client_: Client):
    response = client_.get("/articles/import/?via=<script>")
    assert response.status_code == 200
    assert 'value="paste"' in response.content.decode()
    assert "<script>" not in response.content.decode()


def upload_twice(client_: Client, content: bytes, name: str = "trees.md") -> str:
    client_.post("/articles/import/", {"via": "file", "file": SimpleUploadedFile(name, content)})
    response = client_.post(
        "/articles/import/", {"via": "file", "file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    return response.content.decode()


def hidden(html: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} in the page"
    return unescape(found.group(1))


def test_the_duplicate_warning_keeps_the_uploaded_file_to_import_it_anyway(client_: Client):
    # CRLF line endings and a byte-order mark: the copy must be the same bytes.
    content = "\ufeff# Trees\r\n\r\nThe city planted [4,000 trees](https://example.org/r).\r\n"
    html = upload_twice(client_, content.encode())
    assert "already imported" in html
    assert "trees.md" in html
    first = Article.objects.get()

    response = client_.post(
        "/articles/import/",
        {
            "via": "file",
            "force": "on",
            "kept_file": hidden(html, "kept_file"),
            "kept_name": hidden(html, "kept_name"),
        },
    )
    assert response.status_code == 302
    second = Article.objects.exclude(pk=first.pk).get()
    assert response["Location"] == f"/articles/{second.pk}/"
    assert (second.source_text, second.content_sha256) == (first.source_text, first.content_sha256)
    assert (second.title, second.source_format) == ("Trees", "markdown")  # the name's .md


def test_a_file_chosen_again_wins_over_the_kept_one(client_: Client):
    html = upload_twice(client_, MARKDOWN.encode())
    other = SimpleUploadedFile("other.txt", b"Another article altogether.")
    response = client_.post(
        "/articles/import/",
        {"via": "file", "file": other, "kept_file": hidden(html, "kept_file"), "force": "on"},
    )
    assert response.status_code == 302
    assert Article.objects.latest("pk").source_text == "Another article altogether."


def test_a_damaged_kept_file_is_a_form_error_and_imports_nothing(client_: Client):
    response = client_.post(
        "/articles/import/", {"via": "file", "force": "on", "kept_file": "not base64!"}
    )
    assert response.status_code == 422
    assert "choose it again" in response.content.decode()
    assert not Article.objects.exists()


def test_a_kept_file_gets_the_same_checks_as_an_upload(client_: Client, settings):
    settings.IMPORT_MAX_BYTES = 1024
    kept = base64.b64encode(b"x" * 2000).decode()
    response = client_.post("/articles/import/", {"via": "file", "force": "on", "kept_file": kept})
    assert response.status_code == 422
    assert "The article is 2,000 bytes; the limit is 1,024 bytes" in response.content.decode()
    assert not Article.objects.exists()


def test_without_a_file_or_a_kept_one_the_file_is_required(client_: Client):
    response = client_.post("/articles/import/", {"via": "file"})
    assert response.status_code == 422
    assert not Article.objects.exists()
