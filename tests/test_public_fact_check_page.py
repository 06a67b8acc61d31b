"""The public page of a published fact-check: no sign-in, escaped, with its ClaimReview."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from claims.models import ArticleStatus, ClaimStatus, Verdict
from editorial.services.workflow import claim_unpublish
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


@pytest.fixture
def article():
    return ArticleFactory.create(
        title="Trees <b>in</b> the city",
        byline="Ana Writer",
        url="https://ledger.example.org/trees",
        status=ArticleStatus.PUBLISHED,
    )


def page(claim_id: int) -> tuple[int, str]:
    response = Client().get(f"/fact-checks/{claim_id}/")
    return response.status_code, response.content.decode()


def test_anyone_reads_a_published_fact_check(article, editor, settings) -> None:
    settings.CLAIMREVIEW_ORGANIZATION_NAME = "The Checkers"
    claim = ClaimFactory.create(article=article, start=0, end=39)
    publish(claim, editor, Verdict.MOSTLY_FALSE, rationale="The report lists 3,950 trees.")

    status, html = page(claim.pk)

    assert status == 200
    assert claim.quote in html
    assert "Mostly false" in html
    assert "The report lists 3,950 trees." in html
    assert 'href="https://ledger.example.org/trees"' in html
    assert "Trees &lt;b&gt;in&lt;/b&gt; the city" in html
    assert "The Checkers" in html
    (embedded,) = JSON_LD.findall(html)
    review = json.loads(embedded)
    assert review["@type"] == "ClaimReview"
    assert review["url"] == f"http://testserver/fact-checks/{claim.pk}/"
    assert review["reviewRating"]["ratingValue"] == 2


@pytest.mark.parametrize("status", [ClaimStatus.OPEN, ClaimStatus.READY, ClaimStatus.REJECTED])
def test_a_claim_that_is_not_published_is_not_found(article, status: str) -> None:
    claim = ClaimFactory.create(article=article, status=status)

    assert page(claim.pk)[0] == 404


def test_an_unpublished_fact_check_is_not_found(article, editor) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.FALSE)
    claim_unpublish(claim=claim, editor=editor, note="Correction.")

    assert page(claim.pk)[0] == 404


def test_a_fact_check_in_an_unpublished_article_is_not_found(editor) -> None:
    claim = ClaimFactory.create(article=ArticleFactory.create(status=ArticleStatus.DRAFT))
    publish(claim, editor, Verdict.FALSE)

    assert page(claim.pk)[0] == 404


def test_unknown_and_huge_ids_are_not_found() -> None:
    assert page(424242)[0] == 404
    assert Client().get("/fact-checks/" + "9" * 40 + "/").status_code == 404


def test_a_rationale_cannot_break_out_of_the_json_ld_script(article, editor) -> None:
    claim = ClaimFactory.create(article=article)
    attack = 'Fine.</script><script>alert("x")</script><!-- & \u2028 end'
    publish(claim, editor, Verdict.FALSE, rationale=attack)

    status, html = page(claim.pk)

    assert status == 200
    assert "<script>alert" not in html
    (embedded,) = JSON_LD.findall(html)
    assert "<" not in embedded
    assert "&" not in embedded
    assert "\\u003c/script\\u003e" in embedded
    assert json.loads(embedded)["reviewRating"]["ratingExplanation"] == attack
    # In the page's text the rationale is escaped HTML.
    assert "Fine.&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)" in html


def test_the_page_needs_no_sign_in_and_only_reads(article, editor) -> None:
    claim = ClaimFactory.create(article=article)
    publish(claim, editor, Verdict.TRUE)

    assert Client().post(f"/fact-checks/{claim.pk}/").status_code == 405
