"""Correcting a published verdict or rationale: it needs a correction note; the public page
logs it, /corrections/ lists it, and the ClaimReview's dateModified follows it."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from claims.models import ArticleStatus, Verdict
from editorial.models import Correction, Publication
from editorial.services.workflow import claim_publish, claim_unpublish
from tests.factories import ArticleFactory, ClaimFactory
from tests.failed_forms import failed_post
from tests.workflow import publish

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture
def published(editor) -> Any:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(claim, editor, Verdict.TRUE, rationale="The report says 4,000.")
    return claim


def correct(claim: Any, editor: Any, **changes: Any) -> Publication:
    fields: dict[str, Any] = {
        "verdict": Verdict.MOSTLY_TRUE,
        "rationale": "The report says 3,950.",
        "note": "",
    }
    fields.update(changes)
    return claim_publish(claim=claim, editor=editor, **fields)


def json_ld(claim_id: int) -> dict[str, Any]:
    html = Client().get(f"/fact-checks/{claim_id}/").content.decode()
    (embedded,) = JSON_LD.findall(html)
    return json.loads(embedded)


def test_a_correction_changes_the_publication_and_keeps_the_previous_version(published, editor):
    publication = correct(published, editor, correction="The report was revised to 3,950.")

    assert (publication.verdict, publication.rationale) == (
        Verdict.MOSTLY_TRUE,
        "The report says 3,950.",
    )
    (record,) = Correction.objects.filter(claim=published)
    assert (record.previous_verdict, record.previous_rationale) == (
        Verdict.TRUE,
        "The report says 4,000.",
    )
    assert (record.new_verdict, record.corrected_by) == (Verdict.MOSTLY_TRUE, editor)
    assert record.note == "The report was revised to 3,950."
    assert publication.history.count() == 2
    published.refresh_from_db()
    assert published.status == "published"


def test_changing_a_published_verdict_without_a_correction_note_is_refused(published, editor):
    with pytest.raises(ValidationError) as refused:
        correct(published, editor, correction="  ")

    assert "correction" in refused.value.message_dict
    assert Publication.objects.get(claim=published).verdict == Verdict.TRUE
    assert not Correction.objects.exists()


def test_a_correction_that_changes_nothing_is_refused(published, editor):
    with pytest.raises(ValidationError, match="ones published"):
        correct(
            published,
            editor,
            verdict=Verdict.TRUE,
            rationale="The report says 4,000.",
            correction="Nothing.",
        )
    assert not Correction.objects.exists()


def test_only_editors_correct(published, reviewer):
    with pytest.raises(PermissionDenied):
        correct(published, reviewer, correction="I think so.")

    assert Publication.objects.get(claim=published).verdict == Verdict.TRUE
    assert not Correction.objects.exists()


def test_a_correction_shows_on_the_page_on_the_corrections_page_and_moves_date_modified(
    published, editor, monkeypatch
):
    assert "dateModified" not in json_ld(published.pk)
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)

    correct(published, editor, correction="The report was revised to 3,950.")

    page = Client().get(f"/fact-checks/{published.pk}/").content.decode()
    assert "The report was revised to 3,950." in page
    assert f"{later:%-d %B %Y}" in page
    assert "Verdict changed from True to Mostly true." in page
    listing = Client().get("/corrections/").content.decode()
    assert "The report was revised to 3,950." in listing
    assert f'href="/fact-checks/{published.pk}/#corrections"' in listing
    review = json_ld(published.pk)
    assert review["dateModified"] == later.date().isoformat()
    assert review["reviewRating"]["alternateName"] == "Mostly true"


def test_the_corrections_log_survives_unpublishing_and_publishing_again(published, editor):
    correct(published, editor, correction="Revised.")
    claim_unpublish(claim=published, editor=editor, note="Checking again.")
    claim_publish(
        claim=published,
        editor=editor,
        verdict=Verdict.MIXED,
        rationale="Mixed.",
        note="New.",
        confirm_no_evidence=True,
    )

    assert Correction.objects.filter(claim=published).count() == 1
    assert "Revised." in Client().get(f"/fact-checks/{published.pk}/").content.decode()


def test_the_corrections_page_lists_newest_first_and_pages(editor):
    claims = []
    for n in range(27):
        claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
        publish(claim, editor, Verdict.TRUE)
        correct(claim, editor, correction=f"Correction number {n}.")
        claims.append(claim)

    first = Client().get("/corrections/").content.decode()
    second = Client().get("/corrections/?page=2").content.decode()

    assert first.index("Correction number 26.") < first.index("Correction number 25.")
    assert "Correction number 0." not in first
    assert "Correction number 0." in second
    assert Client().get("/corrections/?page=zzz").status_code == 200


def test_corrections_of_claims_no_longer_public_are_not_listed(published, editor):
    correct(published, editor, correction="Revised.")
    claim_unpublish(claim=published, editor=editor, note="Down.")

    assert "Revised." not in Client().get("/corrections/").content.decode()


# --- The API ---------------------------------------------------------------------------


def test_the_api_refuses_a_correction_without_its_note_with_a_clear_message(published, editor_api):
    response = editor_api.post(
        f"/api/v1/claims/{published.pk}/publish/",
        {"verdict": "mostly_true", "rationale": "The report says 3,950."},
        format="json",
    )

    assert response.status_code == 400
    assert "correction note" in response.json()["errors"]["correction"][0]
    assert Publication.objects.get(claim=published).verdict == Verdict.TRUE


def test_the_api_corrects_with_a_note(published, editor_api):
    response = editor_api.post(
        f"/api/v1/claims/{published.pk}/publish/",
        {"verdict": "mostly_true", "rationale": "3,950.", "correction": "Revised figure."},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["verdict"] == "mostly_true"
    assert Correction.objects.get(claim=published).note == "Revised figure."


def test_a_reviewer_cannot_correct_through_the_api(published, reviewer_api, api):
    body = {"verdict": "false", "rationale": "No.", "correction": "Mine."}

    url = f"/api/v1/claims/{published.pk}/publish/"
    assert reviewer_api.post(url, body, format="json").status_code == 403
    assert api.post(url, body, format="json").status_code == 401
    assert not Correction.objects.exists()


# --- The web UI ------------------------------------------------------------------------


def test_the_claim_page_offers_editors_a_correction_form_once_published(published, editor):
    client = Client()
    client.force_login(editor)

    html = client.get(f"/claims/{published.pk}/").content.decode()

    assert "Correct the published verdict" in html
    assert 'name="correction"' in html


def test_the_correction_form_needs_its_note_then_corrects(published, editor):
    client = Client()
    client.force_login(editor)
    url = f"/claims/{published.pk}/publish/"
    body = {"verdict": "mostly_true", "rationale": "3,950.", "note": ""}

    refused = failed_post(client, url, body, page=f"/claims/{published.pk}/")
    assert "correction note" in refused
    assert not Correction.objects.exists()

    done = client.post(url, {**body, "correction": "Revised figure."})
    assert done.status_code == 302
    assert Correction.objects.get(claim=published).note == "Revised figure."


def test_the_claimreview_endpoint_moves_date_modified_with_a_correction(
    published, editor, api, monkeypatch
):
    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    correct(published, editor, correction="Revised.")

    review = api.get(f"/api/v1/claims/{published.pk}/claimreview/").json()

    assert review["dateModified"] == later.date().isoformat()
    assert review["datePublished"] < review["dateModified"]
