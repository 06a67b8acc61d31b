"""The claim page follows the fetch of its evidence: items whose URL is pending or being
fetched are polled until done, then show the result; polling stops when none is left."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claims.models import Evidence, QuoteCheck, QuoteResult, SourceStatus
from tests.factories import ClaimFactory, EvidenceFactory, SnapshotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def poller(html: str) -> str:
    found = re.search(r'<div id="evidence-poller"[^>]*>', html)
    assert found, "no evidence poller"
    return found.group()


def test_the_claim_page_polls_the_evidence_being_fetched(client_: Client):
    claim = ClaimFactory.create()
    pending = EvidenceFactory.create(claim=claim, status=SourceStatus.PENDING)
    fetching = EvidenceFactory.create(claim=claim, status=SourceStatus.FETCHING)
    EvidenceFactory.create(claim=claim, status=SourceStatus.OK)
    html = client_.get(f"/claims/{claim.pk}/").content.decode()
    state_url = f"/claims/{claim.pk}/evidence/state/?ids={pending.pk},{fetching.pk}"
    assert f'hx-get="{state_url}"' in poller(html)
    assert 'hx-trigger="every 3s"' in poller(html)
    assert html.count('aria-busy="true"') == 2


def test_a_claim_page_with_nothing_to_fetch_does_not_poll(client_: Client):
    claim = ClaimFactory.create()
    EvidenceFactory.create(claim=claim, status=SourceStatus.OK)
    EvidenceFactory.create(claim=claim, url="", excerpt="Said so.", status=SourceStatus.NEEDS_URL)
    assert "hx-get" not in poller(client_.get(f"/claims/{claim.pk}/").content.decode())


def test_the_poll_swaps_the_items_asked_about_and_keeps_polling_while_one_is_left(
    client_: Client,
):
    claim = ClaimFactory.create()
    done = EvidenceFactory.create(claim=claim, status=SourceStatus.OK, excerpt="4,000 trees")
    SnapshotFactory.create(source=None, evidence=done, final_url=done.url, title="Tree census 2023")
    QuoteCheck.objects.create(
        evidence=done, quote="4,000 trees", result=QuoteResult.NOT_FOUND, score=0.2
    )
    waiting = EvidenceFactory.create(claim=claim, status=SourceStatus.PENDING)
    response = client_.get(f"/claims/{claim.pk}/evidence/state/?ids={done.pk},{waiting.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="evidence-{done.pk}" hx-swap-oob="true"' in html
    assert f'id="evidence-{waiting.pk}" hx-swap-oob="true"' in html
    assert "Tree census 2023" in html
    assert "Quote check:" in html
    assert "Not found" in html
    assert f"?ids={waiting.pk}" in poller(html)
    assert 'hx-swap-oob="true"' in poller(html)


def test_the_poll_stops_once_every_fetch_is_done(client_: Client):
    claim = ClaimFactory.create()
    item = EvidenceFactory.create(claim=claim, status=SourceStatus.DEAD)
    Evidence.objects.filter(pk=item.pk).update(status_detail="HTTP 404: the page is gone")
    html = client_.get(f"/claims/{claim.pk}/evidence/state/?ids={item.pk}").content.decode()
    assert "Dead" in html
    assert "HTTP 404: the page is gone" in html
    assert "hx-get" not in poller(html)


def test_the_poll_never_shows_another_claims_evidence(client_: Client):
    claim, other = ClaimFactory.create(), ClaimFactory.create()
    theirs = EvidenceFactory.create(claim=other, status=SourceStatus.PENDING)
    html = client_.get(f"/claims/{claim.pk}/evidence/state/?ids={theirs.pk}").content.decode()
    assert f"evidence-{theirs.pk}" not in html
    assert "hx-get" not in poller(html)


@pytest.mark.parametrize("ids", ["", "x", "1,,2", "-1", "1;DROP", "9" * 40, ",".join(["1"] * 2000)])
def test_odd_ids_are_ignored(client_: Client, ids: str):
    claim = ClaimFactory.create()
    response = client_.get(f"/claims/{claim.pk}/evidence/state/", {"ids": ids})
    assert response.status_code == 200


def test_the_poll_needs_a_reviewer_and_a_claim(client: Client, outsider, reviewer):
    claim = ClaimFactory.create()
    assert client.get(f"/claims/{claim.pk}/evidence/state/").status_code == 302
    client.force_login(outsider)
    assert client.get(f"/claims/{claim.pk}/evidence/state/").status_code == 403
    client.force_login(reviewer)
    assert client.get("/claims/999999/evidence/state/").status_code == 404


def test_the_poll_reads_a_fixed_number_of_queries(client_: Client, django_assert_max_num_queries):
    claim = ClaimFactory.create()
    items = [EvidenceFactory.create(claim=claim, status=SourceStatus.PENDING) for _ in range(12)]
    ids = ",".join(str(item.pk) for item in items)
    with django_assert_max_num_queries(8):
        client_.get(f"/claims/{claim.pk}/evidence/state/?ids={ids}")


def test_a_swapped_item_keeps_its_edit_and_delete_for_its_author_only(client_: Client, reviewer):
    claim = ClaimFactory.create()
    mine = EvidenceFactory.create(claim=claim, author=reviewer, status=SourceStatus.OK)
    theirs = EvidenceFactory.create(claim=claim, status=SourceStatus.OK)

    html = client_.get(f"/claims/{claim.pk}/evidence/state/?ids={mine.pk},{theirs.pk}").content
    html_text = html.decode()

    assert f'action="/claims/{claim.pk}/evidence/{mine.pk}/edit/"' in html_text
    assert f'action="/claims/{claim.pk}/evidence/{theirs.pk}/edit/"' not in html_text
