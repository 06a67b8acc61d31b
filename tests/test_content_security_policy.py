"""Every response carries the site's Content-Security-Policy: the reviewers' pages and their
HTMX fragments, the public fact-check page, the admin, the API docs and the error pages."""

from __future__ import annotations

from typing import Any

import pytest
from csp.middleware import CSPMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import URLPattern, reverse

from claims.bodies import store_body
from claims.models import ArticleStatus, Verdict
from editorial.models import Comment, CorrectionRequest
from notifications.models import Kind, Notification
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    SnapshotFactory,
    SourceFactory,
    UserFactory,
)
from tests.workflow import publish
from web import urls as web_urls
from web.csp import csp_sandboxed

pytestmark = pytest.mark.django_db

SITE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
ARCHIVED_ORIGINAL_POLICY = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["data:"],
    "font-src": ["data:"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'self'"],
    "sandbox": [],
}
# The public pages make no connections from scripts (web.csp.csp_public).
PUBLIC_POLICY = {**SITE_POLICY, "connect-src": ["'none'"]}


def directives(header: str) -> dict[str, list[str]]:
    policy = {}
    for part in header.split(";"):
        name, *sources = part.split()
        policy[name] = sources
    return policy


def policy_of(
    response: HttpResponseBase, header: str = "Content-Security-Policy"
) -> dict[str, list[str]]:
    assert header in response, f"{response.status_code} without {header}"
    return directives(response[header])


@pytest.fixture
def claim(editor) -> Any:
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    source = SourceFactory.create(article=article)
    claim = ClaimFactory.create(article=article, start=0, end=39, claimant=ClaimantFactory.create())
    claim.sources.add(source)
    publish(claim, editor, Verdict.TRUE, rationale="As the report says.")
    return claim


def web_urls_of(claim: Any) -> list[str]:
    """Every URL in web/urls.py, with the ids of ``claim``, its article and its source."""
    report = CorrectionRequest.objects.create(claim=claim, message="The date is wrong.")
    ids = {
        "article_id": claim.article_id,
        "claim_id": claim.pk,
        "source_id": claim.sources.get().pk,
        "request_id": report.pk,
        "evidence_id": EvidenceFactory.create(claim=claim).pk,
        "comment_id": Comment.objects.create(claim=claim, body="Which report?").pk,
        "claimant_id": claim.claimant_id,
        "number": 1,
        "snapshot_id": SnapshotFactory.create(
            source=claim.sources.get(), sha256=store_body(b"<p>Archived</p>")
        ).pk,
        "notification_id": Notification.objects.create(
            recipient=claim.created_by or UserFactory.create(),
            kind=Kind.PUBLISHED,
            claim=claim,
            text="Published.",
        ).pk,
        "other_id": ClaimFactory.create().pk,
    }
    urls = []
    for pattern in [*web_urls.auth_urlpatterns, *web_urls.urlpatterns]:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: ids[name] for name in pattern.pattern.converters}
        name = f"web:{pattern.name}" if pattern in web_urls.urlpatterns else pattern.name
        urls.append(reverse(name, kwargs=kwargs))
    return urls


def test_every_page_of_the_web_ui_sends_the_site_policy_whatever_the_method(editor, claim):
    client = Client()
    client.force_login(editor)
    urls = web_urls_of(claim)
    assert len(urls) == len(web_urls.urlpatterns) + len(web_urls.auth_urlpatterns)

    for url in urls:
        for method, headers in (("get", {}), ("post", {}), ("get", {"HX-Request": "true"})):
            response = getattr(client, method)(url, headers=headers)
            assert response.status_code < 500, url
            expected = SITE_POLICY
            if url.endswith("/original/") and method == "get":
                expected = ARCHIVED_ORIGINAL_POLICY  # another site's page: see web.csp
            assert policy_of(response) == expected, f"{method.upper()} {url}"
        if url == reverse("logout"):
            client.force_login(editor)  # the POST signed the editor out


def test_the_public_fact_check_page_with_its_json_ld_sends_the_public_policy(claim):
    response = Client().get(f"/fact-checks/{claim.pk}/")

    assert response.status_code == 200
    assert b'<script type="application/ld+json">' in response.content
    assert policy_of(response) == PUBLIC_POLICY


@pytest.mark.parametrize("url", ["/fact-checks/", "/corrections/", "/methodology/"])
def test_the_public_pages_send_the_public_policy(claim, url: str) -> None:
    response = Client().get(url)

    assert response.status_code == 200
    assert policy_of(response) == PUBLIC_POLICY


def test_a_refused_report_of_an_error_is_shown_under_the_public_policy(claim) -> None:
    client = Client()
    response = client.post(f"/fact-checks/{claim.pk}/report/", {"message": "short"})
    assert response.status_code == 302  # back to the page, which shows the form's errors
    shown = client.get(response["Location"])

    assert "at least 10 characters" in shown.content.decode()
    assert policy_of(shown) == PUBLIC_POLICY


def test_the_sign_in_page_and_the_error_pages_send_the_site_policy(outsider):
    assert policy_of(Client().get("/signin/")) == SITE_POLICY
    not_found = Client().get("/no-such-page/")
    assert not_found.status_code == 404
    assert policy_of(not_found) == SITE_POLICY

    client = Client()
    client.force_login(outsider)
    refused = client.get("/")
    assert refused.status_code == 403
    assert policy_of(refused) == SITE_POLICY

    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(outsider)
    forged = csrf_checked.post("/signout/")
    assert forged.status_code == 403
    assert policy_of(forged) == SITE_POLICY


def test_the_admin_sends_the_site_policy_and_its_history_pages_allow_style_attributes(claim):
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))

    for url in (
        reverse("admin:index"),
        reverse("admin:claims_claim_changelist"),
        reverse("admin:claims_claim_change", args=[claim.pk]),
        reverse("admin:editorial_assignment_add"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == SITE_POLICY, url

    history = client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    assert history.status_code == 200
    assert policy_of(history) == {**SITE_POLICY, "style-src-attr": ["'unsafe-inline'"]}


def test_swagger_ui_needs_no_exception_and_redoc_only_inline_styles_and_a_blob_worker():
    swagger = Client().get("/api/docs/")
    assert swagger.status_code == 200
    assert policy_of(swagger) == SITE_POLICY
    html = swagger.content.decode()
    assert "<style" not in html
    assert "cdn." not in html
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")

    redoc = Client().get("/api/redoc/")
    assert redoc.status_code == 200
    assert policy_of(redoc) == {
        **SITE_POLICY,
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
    }
    assert "fonts.googleapis.com" not in redoc.content.decode()


def test_in_report_only_mode_the_same_policy_is_reported_not_enforced(settings, claim):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None

    page = Client().get(f"/fact-checks/{claim.pk}/")
    redoc = Client().get("/api/redoc/")

    assert "Content-Security-Policy" not in page
    assert policy_of(page, "Content-Security-Policy-Report-Only") == PUBLIC_POLICY
    assert "Content-Security-Policy" not in redoc
    assert policy_of(redoc, "Content-Security-Policy-Report-Only")["style-src"] == [
        "'self'",
        "'unsafe-inline'",
    ]


@pytest.mark.parametrize("report_only", [False, True])
def test_a_sandboxed_view_gets_a_stricter_policy_that_is_always_enforced(settings, report_only):
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
        settings.CONTENT_SECURITY_POLICY = None

    @csp_sandboxed
    def archived_page(request: HttpRequest) -> HttpResponse:
        return HttpResponse("<p>A copy of someone else's page.</p>")

    response = CSPMiddleware(archived_page)(RequestFactory().get("/"))

    assert isinstance(response, HttpResponse)
    policy = policy_of(response)
    assert policy["sandbox"] == []
    assert policy["default-src"] == policy["script-src"] == ["'none'"]
    assert policy["form-action"] == policy["base-uri"] == ["'none'"]
