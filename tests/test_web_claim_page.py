"""The claim page: the passage, its sources and quote checks, evidence, ratings and history."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Evidence, QuoteCheck, QuoteResult, Rating, SourceStatus
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create
from editorial.services.ratings import rating_submit
from tests.factories import SnapshotFactory
from tests.failed_forms import failed_post
from tests.workflow import rate

pytestmark = pytest.mark.django_db

QUOTE = "a third of the saplings died in the first summer"


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


@pytest.fixture
def claim(sample_article, reviewer):
    source = sample_article.sources.get(anchor_text="council's budget papers")
    return claim_create(
        article=sample_article, created_by=reviewer, quote=QUOTE, kind="quote", sources=[source]
    )


def page(client: Client, claim) -> str:
    response = client.get(f"/claims/{claim.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_claim_stands_highlighted_in_its_paragraph(client_: Client, claim):
    html = page(client_, claim)
    assert f'<mark class="hl hl-st-open" data-claims="{claim.pk}">{QUOTE}</mark>' in html
    assert "Critics were quick to question the figure." in html  # same paragraph
    assert "The mayor called it" not in html  # another paragraph


def test_its_sources_show_the_snapshot_and_the_quote_check_side_by_side(client_: Client, claim):
    source = claim.sources.get()
    source.status = SourceStatus.OK
    source.save()
    SnapshotFactory.create(
        source=source,
        title="Parks budget 2023",
        text="A few of the saplings may have died in the first summer.",
    )
    QuoteCheck.objects.create(
        claim=claim,
        source=source,
        quote=QUOTE,
        result=QuoteResult.ALTERED,
        score=0.81,
        source_wording="A few of the saplings may have died in the first summer.",
        flags=["the source says 'may' where the quote does not"],
    )
    html = page(client_, claim)
    assert "Parks budget 2023" in html
    assert "Fetched" in html
    assert "A few of the saplings may have died" in html  # the excerpt
    assert "Altered" in html
    assert "81% similar" in html
    assert "the source says &#x27;may&#x27; where the quote does not" in html
    assert '<mark class="diff">third</mark>' in html
    assert '<mark class="diff">few</mark>' in html
    assert '<mark class="diff">may have</mark>' in html


@pytest.mark.usefixtures("every_rating_shown")
def test_evidence_and_ratings_are_listed_with_who_gave_them(
    client_: Client, claim, reviewer, second_reviewer
):
    evidence_create(
        claim=claim,
        author=second_reviewer,
        stance="refutes",
        url="https://example.org/e",
        excerpt="Most saplings survived.",
    )
    rating_submit(
        claim=claim, reviewer=second_reviewer, verdict="false", rationale="It says the opposite."
    )
    html = page(client_, claim)
    assert "Refutes" in html
    assert "Most saplings survived." in html
    assert "https://example.org/e" in html
    assert "It says the opposite." in html
    assert str(second_reviewer) in html
    assert "Rate this claim" in html
    assert f"{second_reviewer} rated it False" in html.replace("</strong>", "").replace(
        "<strong>", ""
    )


@pytest.mark.usefixtures("every_rating_shown")
def test_the_consensus_is_shown_once_reached(client_: Client, claim):
    rate(claim, "mostly_true", "true")
    html = page(client_, claim)
    assert "Consensus" in html
    assert "Mostly true" in html
    assert "100% agree" in html


def test_adding_evidence(client_: Client, claim, reviewer):
    response = client_.post(
        f"/claims/{claim.pk}/evidence/",
        {
            "stance": "supports",
            "url": "https://example.org/report",
            "excerpt": "Enclaves.",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/claims/{claim.pk}/#evidence"
    evidence = Evidence.objects.get()
    assert (evidence.author, evidence.stance, evidence.status) == (
        reviewer,
        "supports",
        SourceStatus.PENDING,
    )
    assert "Evidence added." in client_.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stance": "supports"}, "Give a URL, a quoted excerpt, or both."),
        ({"stance": "maybe", "excerpt": "x"}, "Select a valid choice."),
        ({"stance": "supports", "url": "not a url"}, "Enter an absolute http:// or https:// URL"),
    ],
)
def test_evidence_errors_are_shown_in_the_form(client_: Client, claim, data, message):
    html = failed_post(client_, f"/claims/{claim.pk}/evidence/", data, page=f"/claims/{claim.pk}/")
    assert message in html
    assert not Evidence.objects.exists()


def test_rating_and_rating_again_updates_the_same_rating(client_: Client, claim, reviewer):
    first = client_.post(
        f"/claims/{claim.pk}/rating/",
        {"verdict": "true", "confidence": "high", "rationale": "Checked."},
    )
    assert first["Location"] == f"/claims/{claim.pk}/#ratings"
    html = client_.get(first["Location"]).content.decode()
    assert "Rating saved." in html
    assert "Update my rating" in html
    assert 'value="true" required id="id_verdict_0" checked' in html
    client_.post(
        f"/claims/{claim.pk}/rating/",
        {"verdict": "false", "confidence": "low", "rationale": "Wrong."},
    )
    rating = Rating.objects.get()
    assert (rating.reviewer, rating.verdict, rating.confidence, rating.rationale) == (
        reviewer,
        "false",
        "low",
        "Wrong.",
    )
    history = page(client_, claim)
    assert "changed their rating from True to False" in history


@pytest.mark.parametrize(
    "data",
    [
        {"verdict": "true", "confidence": "high", "rationale": "   "},
        {"verdict": "probably", "confidence": "high", "rationale": "x"},
        {"verdict": "true", "confidence": "extreme", "rationale": "x"},
        {},
    ],
)
def test_rating_errors_are_shown_in_the_form(client_: Client, claim, data):
    html = failed_post(client_, f"/claims/{claim.pk}/rating/", data, page=f"/claims/{claim.pk}/")
    assert 'class="errors"' in html
    assert not Rating.objects.exists()


@pytest.mark.usefixtures("every_rating_shown")
def test_what_reviewers_type_is_escaped(client_: Client, claim, second_reviewer):
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    evidence_create(
        claim=claim, author=second_reviewer, stance="context", excerpt=payload, note=payload
    )
    rating_submit(claim=claim, reviewer=second_reviewer, verdict="true", rationale=payload)
    html = page(client_, claim)
    assert "<img src=x" not in html
    assert "<script>alert" not in html
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") == 3


def test_the_history_lists_who_did_what(client_: Client, claim, reviewer):
    rating_submit(claim=claim, reviewer=reviewer, verdict="mixed", rationale="Half.")
    evidence_create(claim=claim, author=reviewer, stance="supports", excerpt="Quote.")
    html = page(client_, claim).replace("<strong>", "").replace("</strong>", "")
    for text in ("marked the claim", "rated it Mixed (medium confidence)", "added evidence"):
        assert f"{reviewer} {text}" in html


def test_the_claim_page_costs_the_same_queries_with_much_more_on_it(
    client_: Client, claim, django_assert_max_num_queries, second_reviewer
):
    # A process's first claim page also reads the similar-claims index's rows; this
    # test may be the first in its process, so it measures the pages after that one.
    page(client_, claim)
    # 20, and 4 for the claims checked before (the index's state, the claim's vector,
    # whether its stored matches are fresh, the matches)
    with django_assert_max_num_queries(25) as queries:  # the inbox badge and linked claims
        page(client_, claim)
    for n in range(8):
        evidence_create(
            claim=claim, author=second_reviewer, stance="supports", url=f"https://e.example/{n}"
        )
    rate(claim, *["true", "false", "mixed", "mostly_true"])
    with django_assert_max_num_queries(len(queries)):
        page(client_, claim)
