"""Claimants in the reviewers' UI: named in the claim form, described on the claim page, their
track record on their page; and their public page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from claims.models import ArticleStatus, Claim, Claimant, ClaimKind, Verdict
from claims.summaries import QUOTE_WITHOUT_CLAIMANT
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.failed_forms import failed_post
from tests.workflow import make_ready, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def mark(client: Client, article, **data):
    return client.post(f"/articles/{article.pk}/claims/new/", data, follow=True)


def test_a_quote_is_marked_with_a_new_claimant_and_a_summary(client_, sample_article) -> None:
    response = mark(
        client_,
        sample_article,
        start=0,
        end=20,
        quote=sample_article.text[0:20],
        kind="quote",
        claimant_name="Dana Ruiz",
        claimant_kind="person",
        summary="Riverside planted 4,000 trees",
    )

    assert response.status_code == 200
    claim = Claim.objects.select_related("claimant").get()
    assert claim.claimant is not None
    assert (claim.claimant.name, claim.summary) == ("Dana Ruiz", "Riverside planted 4,000 trees")
    assert QUOTE_WITHOUT_CLAIMANT not in response.content.decode()


def test_a_quote_without_claimant_is_marked_with_a_warning(client_, sample_article) -> None:
    response = mark(
        client_, sample_article, start=0, end=20, quote=sample_article.text[0:20], kind="quote"
    )

    assert Claim.objects.get().claimant is None
    assert "name the person quoted" in response.content.decode()


def test_a_failed_form_keeps_the_claimant_and_shows_the_warnings(client_, sample_article):
    response = client_.post(
        f"/articles/{sample_article.pk}/claims/new/",
        {"quote": "words that are nowhere", "kind": "quote", "summary": "x" * 80},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "name the person quoted" in html
    assert "80 characters" in html
    assert not Claim.objects.exists()


def test_the_claimant_options_follow_what_is_typed(client_) -> None:
    ClaimantFactory.create(name="Zoë Ölund", name_folded="zoe olund", description="Mayor")
    ClaimantFactory.create(name="Green Future", name_folded="green future")

    html = client_.get("/claimants/options/", {"claimant_name": "zoe"}).content.decode()

    assert '<option value="Zoë Ölund">Person · Mayor</option>' in html
    assert "Green Future" not in html


def test_the_claim_page_describes_the_claim_and_saves_changes(client_, reviewer) -> None:
    claim = ClaimFactory.create(kind=ClaimKind.QUOTE, summary="The false claim")
    page = client_.get(f"/claims/{claim.pk}/").content.decode()
    assert "name the person quoted" in page
    assert "the word of a verdict" in page

    response = client_.post(
        f"/claims/{claim.pk}/description/",
        {
            "summary": "The city planted 4,000 trees",
            "claimant_name": "Green Future Institute",
            "claimant_kind": "organization",
            "claim_date": "2024-01-12",
            "appearances": "https://example.org/a\nhttps://example.org/b\n",
            "first_appearance": "https://example.org/b",
        },
    )

    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.claimant is not None
    assert claim.summary == "The city planted 4,000 trees"
    assert (claim.claimant.name, claim.claimant.kind) == ("Green Future Institute", "organization")
    assert str(claim.claim_date) == "2024-01-12"
    assert {(a.url, a.is_first) for a in claim.appearances.all()} == {
        ("https://example.org/a", False),
        ("https://example.org/b", True),
    }
    page = client_.get(f"/claims/{claim.pk}/").content.decode()
    assert "first appearance" in page
    assert "name the person quoted" not in page
    assert "named Green Future Institute as the claimant" in page
    assert "changed the summary to “The city planted 4,000 trees”" in page
    assert "dated the claim 12 Jan 2024" in page


def test_a_bad_appearance_is_a_form_error_and_changes_nothing(client_) -> None:
    claim = ClaimFactory.create(summary="Before")

    html = failed_post(
        client_,
        f"/claims/{claim.pk}/description/",
        {"summary": "After", "appearances": "not a url"},
        page=f"/claims/{claim.pk}/",
    )

    assert "http" in html
    claim.refresh_from_db()
    assert claim.summary == "Before"


def test_a_reviewer_cannot_redescribe_a_published_claim(client_, editor) -> None:
    claim = ClaimFactory.create(summary="Before")
    publish(claim, editor, Verdict.FALSE)

    page = client_.get(f"/claims/{claim.pk}/").content.decode()
    response = client_.post(f"/claims/{claim.pk}/description/", {"summary": "After"})

    assert "Edit the description" not in page
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.summary == "Before"


def test_the_publish_form_warns_before_publishing(client, editor, settings) -> None:
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    article = ArticleFactory.create(url="https://checks.example.org/our-story")
    claim = make_ready(ClaimFactory.create(article=article, summary="It is misleading"), editor)
    client.force_login(editor)

    html = client.get(f"/claims/{claim.pk}/").content.decode()

    assert "own site" in html
    assert "the word of a verdict" in html


def test_publishing_without_summary_is_a_form_error(client, editor) -> None:
    claim = make_ready(ClaimFactory.create(summary=""), editor)
    client.force_login(editor)

    html = failed_post(
        client,
        f"/claims/{claim.pk}/publish/",
        {"verdict": "false", "rationale": "The report.", "note": "Decided."},
        page=f"/claims/{claim.pk}/",
    )

    assert "Write the claim&#x27;s summary first" in html
    claim.refresh_from_db()
    assert claim.status == "ready"


def test_the_claimant_page_lists_their_claims_in_fixed_queries(
    client_, editor, django_assert_max_num_queries
) -> None:
    claimant = ClaimantFactory.create(name="Dana Ruiz")
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    for n in range(6):
        claim = ClaimFactory.create(article=article, claimant=claimant, start=n * 10)
        if n % 2:
            publish(claim, editor, Verdict.FALSE)
    client_.get(f"/claimants/{claimant.pk}/")  # sessions and roles read once

    # Session, user, roles, the claimant, their claims, the verdict counts, the header's
    # unread count: not one per claim.
    with django_assert_max_num_queries(10):
        response = client_.get(f"/claimants/{claimant.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'href="/claims/\d+/"', html)) == 6
    assert "False 3" in html


def test_the_claimants_list_searches_names(client_) -> None:
    ClaimantFactory.create(name="Zoë Ölund", name_folded="zoe olund")
    ClaimantFactory.create(name="Green Future", name_folded="green future")

    html = client_.get("/claimants/", {"q": "ÖLUND"}).content.decode()

    assert "Zoë Ölund" in html
    assert "Green Future" not in html


# --- The public page -----------------------------------------------------------------------


def test_a_claimants_public_page_shows_only_their_public_fact_checks(editor) -> None:
    claimant = ClaimantFactory.create(name="Dana Ruiz", description="Councillor")
    public = ArticleFactory.create(status=ArticleStatus.PUBLISHED, language="en")
    draft = ArticleFactory.create(status=ArticleStatus.DRAFT)
    seen = ClaimFactory.create(article=public, claimant=claimant, summary="Trees were planted")
    hidden = ClaimFactory.create(article=draft, claimant=claimant, summary="Secret draft claim")
    publish(seen, editor, Verdict.MOSTLY_TRUE)
    publish(hidden, editor, Verdict.FALSE)
    ClaimFactory.create(article=public, claimant=claimant, start=30, summary="Not yet checked")

    response = Client().get(f"/claimants/{claimant.pk}/public/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert "Trees were planted" in html
    assert f'href="/fact-checks/{seen.pk}/"' in html
    assert "Mostly true" in html
    assert "Secret draft claim" not in html
    assert "Not yet checked" not in html


def test_a_claimant_without_public_fact_check_has_no_public_page(editor) -> None:
    claimant = ClaimantFactory.create()
    ClaimFactory.create(claimant=claimant)

    assert Client().get(f"/claimants/{claimant.pk}/public/").status_code == 404
    assert Client().get("/claimants/999/public/").status_code == 404


def test_the_reviewers_claimant_pages_need_sign_in() -> None:
    claimant = ClaimantFactory.create()
    assert Client().get(f"/claimants/{claimant.pk}/").status_code == 302
    assert Client().get("/claimants/").status_code == 302
    assert Claimant.objects.count() == 1
