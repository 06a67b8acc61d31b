"""Editors link claims as the same claim: they show each other's verdicts, count once in
the article's report, and a published one's verdict can be reused, never blindly."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from claims import policies
from claims.models import ArticleStatus, ClaimLink, ClaimStatus, Evidence, SameClaim, Verdict
from claims.services.links import claims_link, claims_unlink
from editorial.models import Publication
from editorial.report import article_report, report_csv
from editorial.selectors import linked_claims
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory
from tests.failed_forms import failed_post
from tests.workflow import make_ready, publish, rate

pytestmark = pytest.mark.django_db


def groups() -> list[set[int]]:
    found: dict[int, set[int]] = {}
    for claim_id, group_id in ClaimLink.objects.values_list("claim_id", "group_id"):
        found.setdefault(group_id, set()).add(claim_id)
    return sorted(found.values(), key=min)


# --- Policy and service ------------------------------------------------------------------


def test_only_editors_may_link_claims(reviewer: Any, editor: Any) -> None:
    assert policies.can_link_claims(editor)
    assert not policies.can_link_claims(reviewer)
    first, second = ClaimFactory.create(), ClaimFactory.create()
    with pytest.raises(PermissionDenied, match="Only editors"):
        claims_link(claim=first, other=second, user=reviewer)
    assert not ClaimLink.objects.exists()


def test_linking_is_symmetric_and_twice_changes_nothing(editor: Any) -> None:
    first, second = ClaimFactory.create(), ClaimFactory.create()

    claims_link(claim=first, other=second, user=editor)
    claims_link(claim=second, other=first, user=editor)

    assert groups() == [{first.pk, second.pk}]
    assert [row.claim for row in linked_claims(first, user=editor)] == [second]
    assert [row.claim for row in linked_claims(second, user=editor)] == [first]
    assert ClaimLink.objects.get(claim=first).linked_by == editor


def test_linking_two_groups_makes_one(editor: Any) -> None:
    a, b, c, d = (ClaimFactory.create() for _ in range(4))
    claims_link(claim=a, other=b, user=editor)
    claims_link(claim=c, other=d, user=editor)

    claims_link(claim=b, other=c, user=editor)

    assert groups() == [{a.pk, b.pk, c.pk, d.pk}]
    assert SameClaim.objects.count() == 1


def test_a_claim_is_not_linked_to_itself(editor: Any) -> None:
    claim = ClaimFactory.create()
    with pytest.raises(ValidationError, match="itself"):
        claims_link(claim=claim, other=claim, user=editor)


def test_unlinking_takes_the_other_claim_out_and_a_group_of_one_goes(editor: Any) -> None:
    a, b, c = (ClaimFactory.create() for _ in range(3))
    claims_link(claim=a, other=b, user=editor)
    claims_link(claim=a, other=c, user=editor)

    claims_unlink(claim=a, other=c, user=editor)
    assert groups() == [{a.pk, b.pk}]

    claims_unlink(claim=b, other=a, user=editor)
    assert groups() == []
    assert not SameClaim.objects.exists()
    with pytest.raises(ValidationError, match="is not linked"):
        claims_unlink(claim=a, other=b, user=editor)


def test_linked_claims_show_the_published_verdicts_first_and_only_what_one_may_read(
    editor: Any, api: Any
) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    draft = ClaimFactory.create()
    checked = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(checked, editor, Verdict.FALSE)
    publish(claim, editor, Verdict.FALSE)
    claims_link(claim=claim, other=draft, user=editor)
    claims_link(claim=claim, other=checked, user=editor)

    rows = linked_claims(claim, user=editor)
    assert [(row.claim, row.verdict, row.published) for row in rows] == [
        (checked, Verdict.FALSE, True),
        (draft, None, False),
    ]
    anonymous = api.get(f"/api/v1/claims/{claim.pk}/").json()["links"]
    assert [link["claim"] for link in anonymous] == [checked.pk]


# --- API -----------------------------------------------------------------------------------


def test_an_editor_links_and_unlinks_over_the_api(editor_api: Any, editor: Any) -> None:
    claim = ClaimFactory.create()
    checked = ClaimFactory.create()
    publish(checked, editor, Verdict.MOSTLY_TRUE)

    created = editor_api.post(
        f"/api/v1/claims/{claim.pk}/links/", {"claim": checked.pk}, format="json"
    )
    assert created.status_code == 201
    assert created.json() == [
        {
            "claim": checked.pk,
            "number": checked.number,
            "article": {"id": checked.article_id, "title": checked.article.title},
            "verdict": Verdict.MOSTLY_TRUE,
            "published": True,
        }
    ]
    detail = editor_api.get(f"/api/v1/claims/{checked.pk}/").json()
    assert [link["claim"] for link in detail["links"]] == [claim.pk]

    assert editor_api.delete(f"/api/v1/claims/{claim.pk}/links/{checked.pk}/").status_code == 204
    assert editor_api.get(f"/api/v1/claims/{claim.pk}/links/").json() == []
    gone = editor_api.delete(f"/api/v1/claims/{claim.pk}/links/{checked.pk}/")
    assert gone.status_code == 400
    assert "is not linked" in gone.json()["errors"]["claim"][0]


def test_the_api_refuses_reviewers_and_bad_input(
    reviewer_api: Any, editor_api: Any, editor: Any
) -> None:
    claim, other = ClaimFactory.create(), ClaimFactory.create()
    url = f"/api/v1/claims/{claim.pk}/links/"

    refused = reviewer_api.post(url, {"claim": other.pk}, format="json")
    assert refused.status_code == 403
    assert "Only editors" in refused.json()["detail"]
    assert editor_api.post(url, {"claim": "x"}, format="json").status_code == 400
    unknown = editor_api.post(url, {"claim": 10**9}, format="json")
    assert unknown.status_code == 400
    assert "No claim with id" in unknown.json()["errors"]["claim"][0]
    itself = editor_api.post(url, {"claim": claim.pk}, format="json")
    assert itself.status_code == 400
    assert editor_api.post(f"/api/v1/claims/{10**9}/links/", {"claim": 1}).status_code == 404


def test_the_claim_detail_reads_its_links_in_one_query(
    editor_api: Any, editor: Any, django_assert_num_queries: Any
) -> None:
    claim = ClaimFactory.create()
    claims_link(claim=claim, other=ClaimFactory.create(), user=editor)
    editor_api.get(f"/api/v1/claims/{claim.pk}/")
    with django_assert_num_queries(len_before := _queries(editor_api, claim.pk)):
        editor_api.get(f"/api/v1/claims/{claim.pk}/")
    for _ in range(5):
        claims_link(claim=claim, other=ClaimFactory.create(), user=editor)
    with django_assert_num_queries(len_before):
        assert len(editor_api.get(f"/api/v1/claims/{claim.pk}/").json()["links"]) == 6


def _queries(client: Any, claim_id: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/claims/{claim_id}/")
    return len(queries)


# --- Web -----------------------------------------------------------------------------------


def test_an_editor_links_a_claim_checked_before_and_unlinks_it_on_the_claim_page(
    client: Client, editor: Any
) -> None:
    claim, other = ClaimFactory.create(), ClaimFactory.create()
    client.force_login(editor)

    response = client.post(f"/claims/{claim.pk}/links/", {"claim": other.pk})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "is linked as the same claim" in page
    assert f'data-same-claim="{other.pk}"' in page
    assert f'action="/claims/{claim.pk}/links/{other.pk}/delete/"' in page

    response = client.post(f"/claims/{claim.pk}/links/{other.pk}/delete/")
    assert response.status_code == 302
    assert not ClaimLink.objects.exists()


def test_a_failed_link_comes_back_on_the_claim_page_with_its_error(
    client: Client, editor: Any
) -> None:
    claim = ClaimFactory.create()
    client.force_login(editor)
    page = f"/claims/{claim.pk}/"

    html = failed_post(client, f"/claims/{claim.pk}/links/", {"claim": claim.pk}, page=page)
    assert "cannot be linked to itself" in html
    html = failed_post(client, f"/claims/{claim.pk}/links/", {"claim": 10**9}, page=page)
    assert "No claim with id" in html
    other = ClaimFactory.create()
    html = failed_post(client, f"/claims/{claim.pk}/links/{other.pk}/delete/", {}, page=page)
    assert "is not linked" in html


def test_a_reviewer_sees_linked_claims_but_no_buttons(
    client: Client, reviewer: Any, editor: Any
) -> None:
    claim, other = ClaimFactory.create(), ClaimFactory.create()
    claims_link(claim=claim, other=other, user=editor)
    client.force_login(reviewer)

    page = client.get(f"/claims/{claim.pk}/").content.decode()

    assert f'data-same-claim="{other.pk}"' in page
    assert "/links/" not in page
    assert client.post(f"/claims/{claim.pk}/links/", {"claim": other.pk}).status_code == 403


# --- Report --------------------------------------------------------------------------------


def test_the_report_counts_claims_linked_in_one_article_once(editor: Any) -> None:
    article = ArticleFactory.create()
    first = ClaimFactory.create(article=article, start=0, end=10)
    repeated = ClaimFactory.create(article=article, start=20, end=30)
    alone = ClaimFactory.create(article=article, start=40, end=50)
    claims_link(claim=repeated, other=first, user=editor)
    claims_link(claim=first, other=ClaimFactory.create(), user=editor)  # another article's

    report = article_report(article=article)

    assert report.claims_by_verdict["undecided"] == [first.pk, alone.pk]
    assert report.same_claims == [[first.number, repeated.number]]
    rows = {row.id: row for row in report.claims}
    assert rows[repeated.pk].same_as == [first.number]
    table = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert table[1]["same_claim_as"] == f"C{first.number}"


def test_the_report_page_says_which_claims_are_the_same(client: Client, editor: Any) -> None:
    article = ArticleFactory.create()
    first = ClaimFactory.create(article=article, start=0, end=10)
    repeated = ClaimFactory.create(article=article, start=20, end=30)
    claims_link(claim=first, other=repeated, user=editor)
    client.force_login(editor)

    page = client.get(f"/articles/{article.pk}/report/").content.decode()

    assert f"C{first.number} and C{repeated.number} are the same claim" in page


# --- Reusing a published verdict -------------------------------------------------------------


@pytest.fixture
def linked_ready(editor: Any) -> tuple[Any, Any]:
    checked = ClaimFactory.create()
    EvidenceFactory.create(claim=checked, url="https://stats.example/2025", stance="refutes")
    EvidenceFactory.create(claim=checked, url="https://other.example/page")
    publish(checked, editor, Verdict.FALSE, rationale="The statistics office says 6 percent.")
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)
    claims_link(claim=claim, other=checked, user=editor)
    claim.refresh_from_db()
    return claim, checked


def test_the_publish_form_offers_the_linked_verdict_and_fills_it_in_when_asked(
    client: Client, editor: Any, linked_ready: tuple[Any, Any]
) -> None:
    claim, checked = linked_ready
    client.force_login(editor)

    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert f"Use the verdict of C{checked.number} ({checked.article.title})" in page
    assert "The statistics office says 6 percent." not in page

    page = client.get(f"/claims/{claim.pk}/?reuse={checked.pk}").content.decode()
    assert "The statistics office says 6 percent.</textarea>" in page
    assert f'name="reused_from" value="{checked.pk}"' in page
    assert "https://stats.example/2025" in page
    assert 'name="reuse_evidence"' in page
    assert "checked>" not in page.split('id="publish-reuse"')[1].split("</fieldset>")[0]


def test_publishing_with_a_reused_verdict_adds_only_the_evidence_ticked_and_notes_it(
    client: Client, editor: Any, linked_ready: tuple[Any, Any]
) -> None:
    claim, checked = linked_ready
    chosen = Evidence.objects.get(claim=checked, url="https://stats.example/2025")
    client.force_login(editor)

    response = client.post(
        f"/claims/{claim.pk}/publish/",
        {
            "verdict": Verdict.FALSE,
            "rationale": "The statistics office says 6 percent.",
            "reused_from": checked.pk,
            "reuse_evidence": [chosen.pk],
        },
    )

    assert response.status_code == 302
    publication = Publication.objects.get(claim=claim)
    assert publication.reused_from == checked
    added = list(Evidence.objects.filter(claim=claim).values_list("url", "stance", "note"))
    assert added == [
        (
            "https://stats.example/2025",
            "refutes",
            f"Reused from C{checked.number} of “{checked.article.title}”.",
        )
    ]
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "data-reused-from" in page


def test_a_verdict_is_reused_only_from_a_linked_published_claim(
    client: Client, editor: Any, linked_ready: tuple[Any, Any]
) -> None:
    claim, checked = linked_ready
    stranger = ClaimFactory.create()
    publish(stranger, editor, Verdict.FALSE)
    foreign = EvidenceFactory.create(claim=stranger)
    client.force_login(editor)
    data = {"verdict": Verdict.FALSE, "rationale": "Reused."}
    page = f"/claims/{claim.pk}/"

    html = failed_post(client, f"{page}publish/", data | {"reused_from": stranger.pk}, page=page)
    assert "is not linked to this claim" in html
    html = failed_post(
        client,
        f"{page}publish/",
        data | {"reused_from": checked.pk, "reuse_evidence": [foreign.pk]},
        page=page,
    )
    assert "Only the evidence of" in html
    assert claim.__class__.objects.get(pk=claim.pk).status == ClaimStatus.READY
    assert not Evidence.objects.filter(claim=claim).exists()


# --- Admin ---------------------------------------------------------------------------------


def test_the_admin_links_claims_through_the_service_and_deleting_a_row_unlinks(
    admin_client: Client,
) -> None:
    a, b, c = (ClaimFactory.create() for _ in range(3))

    response = admin_client.post("/admin/claims/claimlink/add/", {"claim": a.pk, "other": b.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    admin_client.post("/admin/claims/claimlink/add/", {"claim": c.pk, "other": b.pk})
    assert groups() == [{a.pk, b.pk, c.pk}]
    assert admin_client.get("/admin/claims/claimlink/").status_code == 200
    itself = admin_client.post("/admin/claims/claimlink/add/", {"claim": a.pk, "other": a.pk})
    assert "cannot be linked to itself" in itself.content.decode()

    link = ClaimLink.objects.get(claim=c)
    response = admin_client.post(f"/admin/claims/claimlink/{link.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert groups() == [{a.pk, b.pk}]


def test_the_api_publishes_with_a_reused_verdict(
    editor_api: Any, linked_ready: tuple[Any, Any]
) -> None:
    claim, checked = linked_ready
    chosen = Evidence.objects.get(claim=checked, url="https://stats.example/2025")
    url = f"/api/v1/claims/{claim.pk}/publish/"
    body = {"verdict": Verdict.FALSE, "rationale": "The statistics office says 6 percent."}

    unknown = editor_api.post(url, body | {"reused_from": 10**9}, format="json")
    assert unknown.status_code == 400
    assert "No claim with id" in unknown.json()["errors"]["reused_from"][0]
    response = editor_api.post(
        url, body | {"reused_from": checked.pk, "reuse_evidence": [chosen.pk]}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["reused_from"] == checked.pk
    assert list(Evidence.objects.filter(claim=claim).values_list("url", flat=True)) == [
        "https://stats.example/2025"
    ]
    again = editor_api.post(url, body | {"reused_from": checked.pk}, format="json")
    assert again.status_code == 400
