"""Every URL of the reviewers' UI that takes a form: a failed POST never leaves the browser on
a URL that answers 405 when reloaded. It answers a redirect to a page that answers GET (and
shows the failed form's errors there), or a page at a URL that answers GET itself."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from claims.models import ClaimStatus
from editorial.models import CorrectionRequest
from editorial.services.comments import comment_create
from notifications.models import Kind, Notification
from tests.factories import (
    ClaimantFactory,
    ClaimFactory,
    EvidenceFactory,
    SnapshotFactory,
    SourceFactory,
)
from web import urls as web_urls
from web.views.common import FAILED_FORMS_KEY

pytestmark = pytest.mark.django_db

PATTERNS: list[tuple[str, URLPattern]] = [
    *(("", p) for p in web_urls.auth_urlpatterns),
    *(("web:", p) for p in web_urls.urlpatterns),
]
# Empty, and every field a form of the UI has, filled with something it refuses.
PAYLOADS: dict[str, dict[str, Any]] = {
    "empty": {},
    "refused": {
        "to": "nowhere",
        "verdict": "probably",
        "confidence": "extreme",
        "rationale": "   ",
        "stance": "maybe",
        "url": "javascript:alert(1)",
        "excerpt": "",
        "body": "  ",
        "status": "gone",
        "reviewers": "0",
        "note": "",
        "quote": "words that are nowhere in the article",
        "content": "",
        "username": "nobody",
        "password": "wrong",
    },
}


def _objects(editor: Any) -> dict[str, int]:
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW, article__imported_by=editor)
    source = SourceFactory.create(article=claim.article)
    claim.sources.add(source)
    evidence = EvidenceFactory.create(claim=claim, author=editor)
    comment = comment_create(claim=claim, author=editor, body="A first word.")
    report = CorrectionRequest.objects.create(claim=claim, message="The count is wrong.")
    notification = Notification.objects.create(
        recipient=editor, kind=Kind.ASSIGNED, claim=claim, text="You were assigned."
    )
    return {
        "claimant_id": ClaimantFactory.create().pk,
        "request_id": report.pk,
        "article_id": claim.article_id,
        "claim_id": claim.pk,
        "source_id": source.pk,
        "evidence_id": evidence.pk,
        "comment_id": comment.pk,
        "number": 1,
        "snapshot_id": SnapshotFactory.create(source=source).pk,
        "notification_id": notification.pk,
        "other_id": ClaimFactory.create().pk,
    }


def _url(namespace: str, pattern: URLPattern, objects: dict[str, int]) -> str:
    names = list(pattern.pattern.converters)
    missing = [name for name in names if name not in objects]
    assert not missing, f"Add an object for {missing} to _objects() to walk {pattern.name}"
    return reverse(f"{namespace}{pattern.name}", kwargs={name: objects[name] for name in names})


def _follow(client: Client, location: str) -> Any:
    response = client.get(location)
    for _ in range(3):
        if response.status_code not in (301, 302, 303):
            break
        response = client.get(response["Location"])
    return response


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize(
    ("namespace", "pattern"), PATTERNS, ids=[pattern.name for _, pattern in PATTERNS]
)
def test_a_failed_post_leaves_the_browser_on_a_url_that_answers_get(
    client: Client, editor, namespace: str, pattern: URLPattern, htmx: bool, payload: str
):
    objects = _objects(editor)
    url = _url(namespace, pattern, objects)
    client.force_login(editor)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(url, PAYLOADS[payload], headers=headers)
    if response.status_code == 405:
        return  # not a form's URL: nothing posts here
    assert response.status_code < 500
    location = response.get("HX-Redirect") or (
        response["Location"] if response.status_code in (301, 302, 303) else None
    )
    if location is None:
        # The answer is shown at ``url`` (a page, or for HTMX a piece swapped into the page
        # the browser is on): reloading it must answer GET.
        assert 200 <= response.status_code < 500
        if not htmx:
            assert client.get(url).status_code == 200, f"{url} does not answer GET"
        return
    kept = dict(client.session.get(FAILED_FORMS_KEY) or {})
    page = _follow(client, location)
    assert page.status_code == 200, f"{url} sent the browser to {location}, which is not a page"
    if kept:
        # A form failed: the page it was sent to shows it, errors first, and only once.
        assert urlsplit(location).path in {entry["path"] for entry in kept.values()}
        html = page.content.decode()
        assert "data-error-summary" in html, html[:3000]
        assert 'role="alert"' in html
        assert "data-error-summary" not in client.get(location).content.decode()


def test_the_failed_form_comes_back_with_what_was_typed_and_its_errors(client: Client, reviewer):
    claim = ClaimFactory.create()
    client.force_login(reviewer)
    response = client.post(
        f"/claims/{claim.pk}/rating/", {"verdict": "true", "rationale": "   "}, follow=True
    )
    assert response.redirect_chain == [(f"/claims/{claim.pk}/#form-errors", 302)]
    html = response.content.decode()
    assert 'id="form-errors" data-error-summary' in html
    assert '<a href="#id_rationale">Rationale: This field is required.</a>' in html
    assert '<a href="#id_confidence_0">Confidence: This field is required.</a>' in html
    assert 'value="true" required id="id_verdict_0" checked' in html  # what was chosen


def test_a_failed_form_shows_only_on_its_own_claim(client: Client, reviewer):
    claim, other = ClaimFactory.create(), ClaimFactory.create()
    client.force_login(reviewer)
    client.post(f"/claims/{claim.pk}/comments/", {"body": " "})
    assert "data-error-summary" not in client.get(f"/claims/{other.pk}/").content.decode()
    assert "data-error-summary" in client.get(f"/claims/{claim.pk}/").content.decode()


# A reviewer who has not rated is never offered "Mark ready" (the rate-first rule):
# these test the consensus rule itself, with every rating shown.
@pytest.mark.usefixtures("every_rating_shown")
def test_a_service_refusal_comes_back_as_the_forms_error(client: Client, reviewer):
    claim = ClaimFactory.create(status=ClaimStatus.IN_REVIEW)
    client.force_login(reviewer)
    response = client.post(f"/claims/{claim.pk}/move/", {"to": "ready"}, follow=True)
    html = response.content.decode()
    assert "A claim is ready once its ratings reach consensus" in html
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_REVIEW
