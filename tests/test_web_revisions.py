"""Revisions in the reader: paste a new version, see the changes, settle orphaned claims."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from claims.models import AnchorState, Claim
from claims.services.articles import article_import
from claims.services.claims import claim_create

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "revisions"
DELETED = "The shipyard that built those boats closed in 1997."
NUMBER = "About 4,200 people cross the harbour by ferry on a typical weekday"


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


@pytest.fixture
def ferry(reviewer):
    article = article_import(
        content=(DATA / "ferry-v1.md").read_text(), source_format="markdown", imported_by=reviewer
    )
    for quote in (DELETED, NUMBER, "A monthly pass currently costs $64."):
        claim_create(article=article, created_by=reviewer, quote=quote)
    return article


def test_pasting_a_new_version_shows_the_changed_and_orphaned_claims(client_: Client, ferry):
    response = client_.post(
        f"/articles/{ferry.pk}/revisions/",
        {"content": (DATA / "ferry-v2.md").read_text(), "source_format": ""},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Revision 2: 1 claims unchanged, 1 changed, 1 not found" in html
    assert "Changed since rated" in html
    assert '<mark class="diff">4,200</mark>' in html
    assert '<mark class="diff">2,400</mark>' in html
    assert 'id="orphaned"' in html
    assert "Move the claim there" in html
    assert "Changes since revision 1" in html
    changed = Claim.objects.get(article=ferry, anchor_state=AnchorState.CHANGED)
    claim_page = client_.get(f"/claims/{changed.pk}/").content.decode()
    assert "Changed since rated." in claim_page
    assert '<mark class="diff">2,400</mark>' in claim_page

    diff = client_.get(f"/articles/{ferry.pk}/revisions/1/diff/").content.decode()
    assert "Changes from revision 1 to revision 2" in diff
    assert "<del>Critics point out" in diff
    assert "<ins>Correction: an earlier version" in diff

    same = client_.post(
        f"/articles/{ferry.pk}/revisions/",
        {"content": (DATA / "ferry-v2.md").read_text()},
        follow=True,
    )
    assert "no new revision" in same.content.decode()


def test_an_orphaned_claim_is_dismissed_or_moved_from_the_panel(client_: Client, ferry):
    new = {"content": (DATA / "ferry-v2.md").read_text()}
    client_.post(f"/articles/{ferry.pk}/revisions/", new)
    orphan = Claim.objects.get(article=ferry, anchor_state=AnchorState.ORPHANED)
    claim_page = client_.get(f"/claims/{orphan.pk}/")
    assert claim_page.status_code == 200
    assert DELETED in claim_page.content.decode()  # shown in the revision it stands in
    assert "Not found in the latest revision" in claim_page.content.decode()
    response = client_.post(f"/articles/{ferry.pk}/orphans/{orphan.pk}/dismiss/", follow=True)
    assert "stays on the revision it was marked in" in response.content.decode()
    orphan.refresh_from_db()
    assert orphan.orphan_dismissed_at is not None
    again = client_.post(f"/articles/{ferry.pk}/orphans/{orphan.pk}/accept/", follow=True)
    assert again.status_code == 200
    assert "not waiting to be placed" in again.content.decode()


def test_an_empty_new_version_comes_back_with_its_error(client_: Client, ferry):
    response = client_.post(f"/articles/{ferry.pk}/revisions/", {"content": "   "})
    assert response.status_code == 302
    page = client_.get(response["Location"]).content.decode()
    assert "data-error-summary" in page


def test_check_for_updates_is_offered_only_for_articles_imported_from_their_url(
    client_: Client, ferry
):
    html = client_.get(f"/articles/{ferry.pk}/").content.decode()
    assert "Check for updates" not in html
    response = client_.post(f"/articles/{ferry.pk}/revisions/check/", follow=True)
    assert "Only an article imported from its URL" in response.content.decode()
