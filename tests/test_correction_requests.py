"""Readers report errors on public fact-checks (no account, a trap for bots, a rate limit);
editors see the reports, answer, resolve (with a correction) or dismiss them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from claims.models import ArticleStatus, ClaimStatus, Verdict
from editorial.models import CorrectionRequest, CorrectionRequestStatus
from editorial.selectors import claims_with_open_correction_requests
from editorial.services.correction_requests import (
    correction_request_file,
    correction_request_handle,
)
from editorial.services.workflow import claim_publish
from tests.factories import ArticleFactory, ClaimFactory
from tests.failed_forms import failed_post
from tests.workflow import publish

pytestmark = pytest.mark.django_db

MESSAGE = "The report says 3,950 trees, not 4,000."


@pytest.fixture
def published(editor) -> Any:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(claim, editor, Verdict.TRUE, rationale="The report says 4,000.")
    return claim


def report(claim: Any, client: Client | None = None, **fields: str) -> Any:
    data = {"message": MESSAGE, "name": "", "email": "", "website": "", **fields}
    return (client or Client()).post(f"/fact-checks/{claim.pk}/report/", data)


def file(claim: Any, **fields: Any) -> CorrectionRequest:
    return correction_request_file(claim=claim, message=MESSAGE, client="192.0.2.7", **fields)


# --- Filing ---------------------------------------------------------------------------


def test_a_reader_without_an_account_files_a_report(published):
    response = report(published, name="Ana", email="ana@example.org")

    assert response.status_code == 302
    assert response["Location"] == f"/fact-checks/{published.pk}/#top"  # the thanks on top
    filed = CorrectionRequest.objects.get()
    assert (filed.claim, filed.message, filed.name, filed.email, filed.status) == (
        published,
        MESSAGE,
        "Ana",
        "ana@example.org",
        CorrectionRequestStatus.OPEN,
    )
    thanked = Client().get(response["Location"])  # a new visitor: no message left over
    assert "Thank you" not in thanked.content.decode()


def test_the_reader_is_thanked_after_filing(published):
    client = Client()
    page = client.post(f"/fact-checks/{published.pk}/report/", {"message": MESSAGE}, follow=True)

    assert "Thank you: the editors will look at your report." in page.content.decode()


def test_the_client_address_is_kept_only_as_a_hash(published):
    report(published, client=Client(REMOTE_ADDR="198.51.100.23"))

    filed = CorrectionRequest.objects.get()
    assert len(filed.client_hash) == 64
    assert "198.51.100.23" not in filed.client_hash
    assert "198.51.100.23" not in str(CorrectionRequest.objects.values().get())


def test_a_bot_that_fills_the_trap_is_thanked_but_nothing_is_filed(published):
    response = report(published, website="https://spam.example.com/")

    assert response.status_code == 302
    followed = Client().post(
        f"/fact-checks/{published.pk}/report/",
        {"message": MESSAGE, "website": "x"},
        follow=True,
    )
    assert "Thank you" in followed.content.decode()
    assert not CorrectionRequest.objects.exists()


def test_the_trap_field_is_hidden_from_people(published):
    html = Client().get(f"/fact-checks/{published.pk}/").content.decode()

    assert '<div class="trap" aria-hidden="true">' in html
    assert 'name="website"' in html
    assert 'tabindex="-1"' in html


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"message": ""}, "This field is required."),
        ({"message": "Wrong."}, "at least 10 characters"),
        ({"message": "x" * 5001}, "at most 5000 characters"),
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"name": "n" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_report_is_shown_with_its_error_and_not_filed(published, fields, error):
    data = {"message": MESSAGE, "name": "", "email": "", "website": "", **fields}
    html = failed_post(
        Client(), f"/fact-checks/{published.pk}/report/", data, page=f"/fact-checks/{published.pk}/"
    )

    assert error in html
    assert not CorrectionRequest.objects.exists()


def test_reports_are_rate_limited_per_client(published, settings):
    settings.CORRECTION_REQUESTS_PER_CLIENT = 2
    ana, ben = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")

    assert report(published, client=ana).status_code == 302
    assert report(published, client=ana).status_code == 302
    refused = report(published, client=ana)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "try again in" in refused.content.decode()
    assert CorrectionRequest.objects.count() == 2
    assert report(published, client=ben).status_code == 302  # another client is not limited


def test_errors_are_reported_on_public_fact_checks_only(editor):
    draft = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.DRAFT))
    publish(draft, editor, Verdict.TRUE)
    ready = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))

    assert report(draft).status_code == 404
    assert report(ready).status_code == 404
    assert Client().get(f"/fact-checks/{ready.pk}/report/").status_code == 405
    with pytest.raises(PermissionDenied):
        file(ready)
    assert not CorrectionRequest.objects.exists()


def test_the_service_checks_the_report_itself(published):
    with pytest.raises(ValidationError) as refused:
        correction_request_file(claim=published, message="  ", client="192.0.2.1", email="x@")

    assert set(refused.value.message_dict) == {"message", "email"}


# --- Editors ---------------------------------------------------------------------------


def test_editors_see_open_reports_on_the_dashboard_and_the_claim_page(published, editor, reviewer):
    file(published)
    editor_client, reviewer_client = Client(), Client()
    editor_client.force_login(editor)
    reviewer_client.force_login(reviewer)

    dashboard = editor_client.get("/").content.decode()
    assert "Readers' reports" in dashboard
    assert "1 open report" in dashboard
    claim_page = editor_client.get(f"/claims/{published.pk}/").content.decode()
    assert MESSAGE in claim_page
    assert MESSAGE not in reviewer_client.get(f"/claims/{published.pk}/").content.decode()
    assert "Readers' reports" not in reviewer_client.get("/").content.decode()


def test_an_editor_answers_then_dismisses_a_report(published, editor):
    filed = file(published)
    client = Client()
    client.force_login(editor)
    url = f"/claims/{published.pk}/reports/{filed.pk}/"

    refused = failed_post(
        client,
        url,
        {"status": "answered", "response": ""},
        page=f"/claims/{published.pk}/",
    )
    assert "Write the answer" in refused
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.OPEN

    assert client.post(url, {"status": "answered", "response": "Thanks."}).status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.response, filed.handled_by) == ("answered", "Thanks.", editor)
    assert filed.handled_at is not None


def test_a_reviewer_cannot_handle_a_report(published, reviewer):
    filed = file(published)
    client = Client()
    client.force_login(reviewer)

    response = client.post(f"/claims/{published.pk}/reports/{filed.pk}/", {"status": "dismissed"})

    assert response.status_code == 403
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.OPEN
    with pytest.raises(PermissionDenied):
        correction_request_handle(correction_request=filed, editor=reviewer, status="dismissed")


def test_an_editor_resolves_a_report_with_a_correction(published, editor):
    filed = file(published)
    client = Client()
    client.force_login(editor)

    response = client.post(
        f"/claims/{published.pk}/publish/",
        {
            "verdict": "mostly_true",
            "rationale": "The report says 3,950.",
            "correction": "The figure was 3,950.",
            "resolves": filed.pk,
        },
    )

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.RESOLVED
    assert filed.correction is not None
    assert filed.correction.note == "The figure was 3,950."
    assert filed.handled_by == editor


def test_a_correction_cannot_resolve_another_claims_report(published, editor):
    other = ClaimFactory.create(article=published.article)
    publish(other, editor, Verdict.TRUE)
    elsewhere = file(other)

    with pytest.raises(ValidationError):
        claim_publish(
            claim=published,
            editor=editor,
            verdict=Verdict.FALSE,
            rationale="No.",
            correction="Wrong.",
            resolves=elsewhere,
        )
    elsewhere.refresh_from_db()
    assert elsewhere.status == CorrectionRequestStatus.OPEN
    assert not published.corrections.exists()


def test_claims_with_open_reports_form_a_queue_longest_waiting_first(published, editor):
    newer = ClaimFactory.create(article=published.article)
    publish(newer, editor, Verdict.TRUE)
    handled = ClaimFactory.create(article=published.article)
    publish(handled, editor, Verdict.TRUE)
    file(published)
    file(newer)
    file(newer)
    correction_request_handle(correction_request=file(handled), editor=editor, status="dismissed")

    queue: list[Any] = list(claims_with_open_correction_requests())

    assert queue == [published, newer]
    assert [claim.open_requests for claim in queue] == [1, 2]
    assert queue[0].status == ClaimStatus.PUBLISHED


# --- The API ---------------------------------------------------------------------------


def test_editors_list_reports_and_filter_them_by_status(published, editor, editor_api):
    open_one = file(published)
    correction_request_handle(correction_request=file(published), editor=editor, status="dismissed")

    everything = editor_api.get("/api/v1/correction-requests/").json()
    only_open = editor_api.get("/api/v1/correction-requests/?status=open").json()

    assert everything["count"] == 2
    assert [row["id"] for row in only_open["results"]] == [open_one.pk]
    assert only_open["results"][0]["message"] == MESSAGE
    assert "client_hash" not in only_open["results"][0]
    bad = editor_api.get("/api/v1/correction-requests/?status=nope")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


def test_an_editor_answers_a_report_through_the_api(published, editor, editor_api):
    filed = file(published)
    url = f"/api/v1/correction-requests/{filed.pk}/"

    assert editor_api.get(url).json()["status"] == "open"
    refused = editor_api.patch(url, {"status": "answered"}, format="json")
    assert refused.status_code == 400
    assert "response" in refused.json()["errors"]
    done = editor_api.patch(url, {"status": "answered", "response": "Fixed."}, format="json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["handled_by"]) == ("answered", editor.username)
    assert editor_api.get("/api/v1/correction-requests/999999/").status_code == 404


def test_the_api_resolves_a_report_with_a_correction(published, editor_api):
    filed = file(published)

    response = editor_api.post(
        f"/api/v1/claims/{published.pk}/publish/",
        {
            "verdict": "mixed",
            "rationale": "Partly.",
            "correction": "Partly right.",
            "correction_request": filed.pk,
        },
        format="json",
    )

    assert response.status_code == 200
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.RESOLVED
    missing = editor_api.post(
        f"/api/v1/claims/{published.pk}/publish/",
        {"verdict": "false", "rationale": "No.", "correction": "No.", "correction_request": 999},
        format="json",
    )
    assert missing.status_code == 400
    assert "correction_request" in missing.json()["errors"]


def test_only_editors_read_or_change_reports_through_the_api(
    published, api, reviewer_api, outsider_api
):
    filed = file(published)
    for client, expected in ((api, 401), (reviewer_api, 403), (outsider_api, 403)):
        assert client.get("/api/v1/correction-requests/").status_code == expected
        assert client.get(f"/api/v1/correction-requests/{filed.pk}/").status_code == expected
        patched = client.patch(
            f"/api/v1/correction-requests/{filed.pk}/", {"status": "dismissed"}, format="json"
        )
        assert patched.status_code == expected
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.OPEN


# --- The admin --------------------------------------------------------------------------


def test_the_admin_lists_reports_and_corrections_for_editors(published, staff):
    file(published)
    client = Client()
    client.force_login(staff)

    assert client.get("/admin/editorial/correctionrequest/").status_code == 200
    assert client.get("/admin/editorial/correction/").status_code == 200
    assert client.get("/admin/editorial/sitetext/add/").status_code == 200


def test_an_editor_answers_a_report_in_the_admin_by_the_same_rules(published, staff):
    filed = file(published)
    client = Client()
    client.force_login(staff)
    url = f"/admin/editorial/correctionrequest/{filed.pk}/change/"

    refused = client.post(url, {"status": "answered", "response": ""})
    assert refused.status_code == 200
    assert "Write the answer" in refused.content.decode()
    filed.refresh_from_db()
    assert filed.status == CorrectionRequestStatus.OPEN

    assert client.post(url, {"status": "answered", "response": "Fixed."}).status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.response, filed.handled_by) == ("answered", "Fixed.", staff)


def test_the_reports_list_reads_a_fixed_number_of_queries(
    published, editor, editor_api, settings, django_assert_max_num_queries
):
    settings.CORRECTION_REQUESTS_PER_CLIENT = 100
    for n in range(3):
        file(published, name=f"Reader {n}")
    with django_assert_max_num_queries(6) as few:
        assert editor_api.get("/api/v1/correction-requests/").status_code == 200
    for n in range(30):
        other = ClaimFactory.create(article=published.article, start=n + 1, end=n + 9)
        publish(other, editor, Verdict.TRUE)
        file(other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert editor_api.get("/api/v1/correction-requests/").json()["count"] == 33
