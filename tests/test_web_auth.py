"""Who sees the reviewers' UI: signing in and out, anonymous visitors, accounts without a role."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import ArticleFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids() -> dict[str, int]:
    source = SourceFactory.create()
    claim = ClaimFactory.create(article=source.article)
    return {"article": source.article.pk, "source": source.pk, "claim": claim.pk}


PAGES = [
    "/",
    "/claims/",
    "/articles/import/",
    "/articles/{article}/",
    "/articles/{article}/sources/",
    "/articles/{article}/import-status/",
    "/articles/{article}/claims/new/",
    "/claims/{claim}/",
]
ACTIONS = [
    "/articles/import/",
    "/articles/{article}/claims/new/",
    "/sources/{source}/url/",
    "/sources/{source}/fetch/",
    "/claims/{claim}/evidence/",
    "/claims/{claim}/rating/",
]


def test_the_sign_in_page_has_labelled_fields_and_a_csrf_token(client: Client):
    response = client.get("/signin/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html
    assert '<label for="id_password">' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_a_reviewer_signs_in_and_lands_on_the_dashboard(client: Client, reviewer):
    response = client.post(
        "/signin/", {"username": reviewer.username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client: Client, reviewer):
    response = client.post("/signin/", {"username": reviewer.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_signing_in_goes_back_to_the_page_asked_for(client: Client, reviewer, ids):
    response = client.post(
        "/signin/",
        {"username": reviewer.username, "password": "correct horse battery", "next": "/claims/"},
    )
    assert response["Location"] == "/claims/"


def test_sign_out_is_a_post_and_ends_the_session(client: Client, reviewer):
    client.force_login(reviewer)
    assert client.get("/signout/").status_code == 405
    response = client.post("/signout/")
    assert response.status_code == 302
    assert response["Location"] == "/signin/"
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, ids, page: str):
    url = page.format(**ids)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_posts_change_nothing_and_are_sent_to_sign_in(client: Client, ids, action: str):
    response = client.post(action.format(**ids), {"url": "https://example.org/"})
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


def test_an_htmx_request_without_a_session_redirects_the_whole_page(client: Client, ids):
    response = client.get(f"/articles/{ids['article']}/sources/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/signin/"


@pytest.mark.parametrize("page", PAGES + ACTIONS)
def test_accounts_without_a_role_are_refused(client: Client, outsider, ids, page: str):
    client.force_login(outsider)
    url = page.format(**ids)
    response = client.post(url) if page in ACTIONS and page not in PAGES else client.get(url)
    assert response.status_code == 403
    assert "reviewer role" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "editor", "staff"])
def test_reviewers_editors_and_admins_use_the_ui(client: Client, request, who: str):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "url", ["/articles/9999999/", "/claims/9999999/", "/articles/1234567890123456789012/"]
)
def test_unknown_or_overlong_ids_are_not_found(client: Client, reviewer, url: str):
    client.force_login(reviewer)
    assert client.get(url).status_code == 404


def test_every_form_needs_its_csrf_token(reviewer, ids):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reviewer)
    response = client.post(f"/claims/{ids['claim']}/rating/", {"verdict": "true", "rationale": "x"})
    assert response.status_code == 403


def test_the_pages_carry_the_csrf_token_for_htmx_requests(client: Client, reviewer):
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert "X-CSRFToken" in html


def test_htmx_is_served_from_our_static_files_not_a_cdn(client: Client, reviewer):
    client.force_login(reviewer)
    html = client.get("/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    assert "unpkg" not in html
    assert "cdn" not in html.lower()


def test_a_published_article_is_not_public_in_the_ui(client: Client):
    article = ArticleFactory.create(status="published")
    assert client.get(f"/articles/{article.pk}/").status_code == 302


def test_an_oversized_form_is_a_readable_400_not_a_crash(client: Client, reviewer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(reviewer)
    response = client.post("/articles/import/", {"via": "paste", "content": "x" * 5000})
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_the_server_error_page_renders_without_a_request(client: Client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html
