"""Who made a claim (claimants), and how a claim is described: summary, date, appearances."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from claims.models import (
    ArticleStatus,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimAppearance,
    ClaimKind,
    ClaimStatus,
    Verdict,
)
from claims.services.claimants import (
    Appearance,
    NewClaimant,
    claim_describe,
    claimant_create,
    claimant_delete,
    claimant_update,
)
from claims.services.claims import claim_create
from claims.summaries import QUOTE_WITHOUT_CLAIMANT, claim_warnings, summary_warnings
from editorial.claimreview import publish_warnings
from editorial.selectors import claimant_claims, claimant_verdict_counts
from editorial.services.workflow import claim_publish
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tests.workflow import make_ready, publish

pytestmark = pytest.mark.django_db


# --- Claimants --------------------------------------------------------------------


def test_a_claimant_is_found_by_name_without_case_or_accents(reviewer) -> None:
    zoe = claimant_create(name="  Zoë  Ölund ", kind=ClaimantKind.PERSON, user=reviewer)
    claimant_create(name="Green Future Institute", kind=ClaimantKind.ORGANIZATION, user=reviewer)

    assert zoe.name == "Zoë Ölund"
    assert list(Claimant.objects.search("zoe olu")) == [zoe]
    assert list(Claimant.objects.search("ZOË")) == [zoe]
    assert Claimant.objects.search("").count() == 2
    assert zoe.history.count() == 1
    assert zoe.created_by == reviewer


def test_same_as_pages_follow_the_url_rule(reviewer) -> None:
    claimant = claimant_create(
        name="Dana Ruiz",
        same_as=[" https://example.org/ruiz ", "", "https://example.org/ruiz"],
        user=reviewer,
    )
    assert claimant.same_as == ["https://example.org/ruiz"]

    with pytest.raises(ValidationError) as refused:
        claimant_create(name="Bad", same_as=["javascript:alert(1)"], user=reviewer)
    assert "same_as" in refused.value.message_dict
    assert not Claimant.objects.filter(name="Bad").exists()


def test_a_claimant_needs_a_name_and_a_known_kind(reviewer) -> None:
    with pytest.raises(ValidationError) as refused:
        claimant_create(name="   ", kind="robot", user=reviewer)
    assert set(refused.value.message_dict) == {"name", "kind"}
    with pytest.raises(IntegrityError), transaction.atomic():
        Claimant.objects.create(name="X", kind="robot")


def test_only_reviewers_add_and_only_editors_change_claimants(reviewer, editor, outsider) -> None:
    with pytest.raises(PermissionDenied):
        claimant_create(name="Someone", user=outsider)
    claimant = claimant_create(name="Dana Ruiz", user=reviewer)

    with pytest.raises(PermissionDenied, match="Only editors"):
        claimant_update(claimant=claimant, user=reviewer, name="Dana R.")
    claimant.refresh_from_db()
    assert claimant.name == "Dana Ruiz"

    claimant_update(claimant=claimant, user=editor, name="Dana Ruiz-Lopez", description="MP")
    claimant.refresh_from_db()
    assert (claimant.name, claimant.name_folded) == ("Dana Ruiz-Lopez", "dana ruiz-lopez")


def test_a_claimant_with_claims_is_not_deleted(editor) -> None:
    claimant = ClaimantFactory.create()
    ClaimFactory.create(claimant=claimant)

    with pytest.raises(ValidationError, match="another claimant first"):
        claimant_delete(claimant=claimant, user=editor)
    assert Claimant.objects.filter(pk=claimant.pk).exists()


# --- Claims with their claimant, summary, date and appearances ------------------------


def test_a_claim_names_a_new_claimant_once_and_reuses_them(sample_article, reviewer) -> None:
    text = sample_article.text
    first = claim_create(
        article=sample_article,
        created_by=reviewer,
        start=0,
        end=20,
        kind=ClaimKind.QUOTE,
        claimant=NewClaimant("Dana Ruiz", ClaimantKind.PERSON),
        summary="  Riverside planted   4,000 trees ",
    )
    second = claim_create(
        article=sample_article,
        created_by=reviewer,
        start=30,
        end=40,
        claimant=NewClaimant("dana ruiz", ClaimantKind.ORGANIZATION),  # picked from the list
    )

    assert first.claimant == second.claimant
    assert Claimant.objects.count() == 1
    assert first.summary == "Riverside planted 4,000 trees"
    assert first.quote == text[0:20]


def test_a_claim_takes_the_articles_date_and_url(reviewer) -> None:
    article = ArticleFactory.create(
        url="https://ledger.example.org/trees", published_on=date(2024, 1, 15)
    )

    claim = claim_create(article=article, created_by=reviewer, start=0, end=10)
    dated = claim_create(
        article=article, created_by=reviewer, start=20, end=30, claim_date=date(2023, 6, 1)
    )

    assert claim.claim_date == date(2024, 1, 15)
    assert dated.claim_date == date(2023, 6, 1)
    assert [(a.url, a.is_first) for a in claim.appearances.all()] == [
        ("https://ledger.example.org/trees", False)
    ]


def test_a_claim_of_an_article_without_url_has_no_appearance(reviewer) -> None:
    claim = claim_create(
        article=ArticleFactory.create(url=""), created_by=reviewer, start=0, end=10
    )
    assert not claim.appearances.exists()


def test_a_summary_longer_than_300_characters_is_refused(sample_article, reviewer) -> None:
    with pytest.raises(ValidationError) as refused:
        claim_create(
            article=sample_article, created_by=reviewer, start=0, end=10, summary="x" * 301
        )
    assert "summary" in refused.value.message_dict
    assert not Claim.objects.exists()


def test_describing_a_claim_changes_only_what_is_given(reviewer) -> None:
    claim = ClaimFactory.create(summary="Old", claim_date=date(2024, 1, 1))
    claimant = ClaimantFactory.create()

    claim_describe(claim=claim, user=reviewer, claimant=claimant)
    claim.refresh_from_db()

    assert (claim.summary, claim.claim_date, claim.claimant) == ("Old", date(2024, 1, 1), claimant)
    assert claim.history.first().history_user == reviewer

    claim_describe(claim=claim, user=reviewer, claimant=None, summary="New")
    claim.refresh_from_db()
    assert (claim.summary, claim.claimant) == ("New", None)


def test_appearances_are_replaced_with_at_most_one_first(reviewer) -> None:
    claim = ClaimFactory.create()
    a, b, c = (f"https://example.org/{n}" for n in "abc")

    claim_describe(
        claim=claim, user=reviewer, appearances=[Appearance(a, True), Appearance(b), Appearance(a)]
    )
    assert {(x.url, x.is_first) for x in claim.appearances.all()} == {(a, True), (b, False)}

    claim_describe(claim=claim, user=reviewer, appearances=[Appearance(b, True), Appearance(c)])
    assert {(x.url, x.is_first) for x in claim.appearances.all()} == {(b, True), (c, False)}
    assert ClaimAppearance.history.filter(url=a, history_type="-").exists()

    with pytest.raises(ValidationError, match="at most one"):
        claim_describe(
            claim=claim, user=reviewer, appearances=[Appearance(b, True), Appearance(c, True)]
        )
    with pytest.raises(ValidationError, match="http"):
        claim_describe(claim=claim, user=reviewer, appearances=[Appearance("ftp://x.org/")])
    assert {(x.url, x.is_first) for x in claim.appearances.all()} == {(b, True), (c, False)}


def test_the_database_keeps_one_first_appearance_per_claim() -> None:
    claim = ClaimFactory.create()
    ClaimAppearance.objects.create(claim=claim, url="https://example.org/1", is_first=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimAppearance.objects.create(claim=claim, url="https://example.org/2", is_first=True)


def test_after_publication_only_editors_describe_the_claim(reviewer, editor) -> None:
    claim = ClaimFactory.create(summary="Before")
    publish(claim, editor, Verdict.FALSE)

    with pytest.raises(PermissionDenied, match="published"):
        claim_describe(claim=claim, user=reviewer, summary="After")
    claim.refresh_from_db()
    assert claim.summary == "Before"

    claim_describe(claim=claim, user=editor, summary="After")
    claim.refresh_from_db()
    assert claim.summary == "After"


def test_outsiders_describe_nothing(outsider) -> None:
    claim = ClaimFactory.create(summary="Before")
    with pytest.raises(PermissionDenied):
        claim_describe(claim=claim, user=outsider, summary="After")
    claim.refresh_from_db()
    assert claim.summary == "Before"


# --- Warnings and publishing -----------------------------------------------------------


def test_summary_warnings_name_length_and_verdict_words() -> None:
    assert summary_warnings("Riverside planted 4,000 trees in 2023") == []
    (too_long,) = summary_warnings("a" * 76)
    assert "76 characters" in too_long
    (verdict,) = summary_warnings("False claim that the budget was MISLEADING")
    assert "“false”, “misleading”" in verdict
    assert summary_warnings("Mostly harmless: the falsetto singer") == []


def test_a_quote_without_claimant_is_warned_about() -> None:
    quote = ClaimFactory.build(kind=ClaimKind.QUOTE, summary="Short", number=1)
    assert claim_warnings(quote) == [QUOTE_WITHOUT_CLAIMANT]
    quote.claimant = ClaimantFactory.create()
    assert claim_warnings(quote) == []


def test_publishing_needs_a_summary(editor) -> None:
    claim = make_ready(ClaimFactory.create(summary=""), editor)

    with pytest.raises(ValidationError) as refused:
        claim_publish(claim=claim, editor=editor, verdict=Verdict.FALSE, rationale="R", note="N")

    assert "summary" in refused.value.message_dict
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.READY


def test_an_article_on_our_own_site_is_warned_about(settings) -> None:
    settings.PUBLIC_BASE_URL = "https://checks.example.org"
    settings.CLAIMREVIEW_ORGANIZATION_DOMAINS = ["ourpaper.example"]
    own = ClaimFactory.create(article=ArticleFactory.create(url="https://www.ourpaper.example/a"))
    ours = ClaimFactory.create(article=ArticleFactory.create(url="https://checks.example.org/b"))
    theirs = ClaimFactory.create(article=ArticleFactory.create(url="https://ledger.example.org/"))

    assert any("own site" in w for w in publish_warnings(own))
    assert any("own site" in w for w in publish_warnings(ours))
    assert publish_warnings(theirs) == []


# --- Track records ---------------------------------------------------------------------


def test_a_claimants_track_record_counts_published_verdicts(editor) -> None:
    claimant = ClaimantFactory.create()
    public = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    draft = ArticleFactory.create(status=ArticleStatus.DRAFT)
    publish(ClaimFactory.create(article=public, claimant=claimant, start=0), editor, "false")
    publish(ClaimFactory.create(article=public, claimant=claimant, start=20), editor, "false")
    publish(ClaimFactory.create(article=draft, claimant=claimant), editor, "true")
    ClaimFactory.create(article=public, claimant=claimant, start=40)  # not published

    everything = claimant_verdict_counts([claimant.pk], public=False)
    public_only = claimant_verdict_counts([claimant.pk], public=True)

    assert everything == {claimant.pk: {"false": 2, "true": 1}}
    assert public_only == {claimant.pk: {"false": 2}}
    assert claimant_claims(claimant, public=False).count() == 4
    assert claimant_claims(claimant, public=True).count() == 2
