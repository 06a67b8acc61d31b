"""The shared rules on claims and articles: who may read which, who has rated what,
which claims are closed. Each is a QuerySet method that every adapter calls."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser

from claims import policies
from claims.models import Article, ArticleStatus, Claim, ClaimStatus
from claims.selectors import article_list_with_counts
from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_combination() -> list[Claim]:
    """A claim in each status, in an article of each status."""
    claims = []
    for article_status in ArticleStatus.values:
        article = ArticleFactory.create(status=article_status)
        for start, claim_status in enumerate(ClaimStatus.values):
            claims.append(
                ClaimFactory.create(
                    article=article, start=start, end=start + 5, status=claim_status
                )
            )
    return claims


def test_public_claims_are_the_published_ones_of_published_articles(every_combination) -> None:
    public = set(Claim.objects.public())

    assert {(c.article.status, c.status) for c in public} == {
        (ArticleStatus.PUBLISHED, ClaimStatus.PUBLISHED)
    }
    # The same rule on a loaded claim, where a query would be one per row.
    assert public == {claim for claim in every_combination if policies.is_public_claim(claim)}


def test_reviewers_and_editors_see_every_claim_and_article(every_combination, reviewer, editor):
    for user in [reviewer, editor, UserFactory.create(is_staff=True)]:
        assert Claim.objects.visible_to(user).count() == len(every_combination)
        assert Article.objects.visible_to(user).count() == len(ArticleStatus.values)


@pytest.mark.parametrize("who", ["anonymous", "no role", "inactive reviewer"])
def test_everyone_else_sees_only_what_is_public(every_combination, who: str) -> None:
    user = {
        "anonymous": lambda: AnonymousUser(),
        "no role": lambda: UserFactory.create(),
        "inactive reviewer": lambda: UserFactory.create(roles=["reviewer"], is_active=False),
    }[who]()

    assert list(Claim.objects.visible_to(user)) == list(Claim.objects.public())
    assert {a.status for a in Article.objects.visible_to(user)} == {ArticleStatus.PUBLISHED}


def test_unrated_by_leaves_out_the_claims_i_rated_and_only_mine(reviewer, second_reviewer):
    mine, theirs, nobodys = ClaimFactory.create_batch(3)
    RatingFactory.create(claim=mine, reviewer=reviewer)
    RatingFactory.create(claim=theirs, reviewer=second_reviewer)

    assert set(Claim.objects.unrated_by(reviewer)) == {theirs, nobodys}
    assert set(Claim.objects.rated_by(reviewer)) == {mine}
    flags = {c.pk: c.rated_by_me for c in Claim.objects.with_rated_by_me(reviewer)}  # type: ignore[attr-defined]
    assert flags == {mine.pk: True, theirs.pk: False, nobodys.pk: False}


def test_an_anonymous_user_has_rated_nothing(reviewer) -> None:
    rated = RatingFactory.create(reviewer=reviewer).claim

    assert list(Claim.objects.unrated_by(AnonymousUser())) == [rated]
    assert not Claim.objects.rated_by(AnonymousUser()).exists()


def test_published_and_rejected_claims_are_closed_the_others_open(every_combination) -> None:
    closed, still_open = set(Claim.objects.closed()), set(Claim.objects.open_for_review())

    assert {c.status for c in closed} == {ClaimStatus.PUBLISHED, ClaimStatus.REJECTED}
    assert closed | still_open == set(every_combination)
    assert not closed & still_open
    assert {c for c in every_combination if c.is_closed} == closed


def test_the_article_list_counts_only_the_claims_and_ratings_the_reader_may_see(reviewer):
    article = ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    published, draft = (
        ClaimFactory.create(article=article, start=start, end=start + 5, status=status)
        for start, status in zip(itertools.count(), [ClaimStatus.PUBLISHED, ClaimStatus.OPEN])
    )
    RatingFactory.create(claim=published)
    RatingFactory.create_batch(2, claim=draft)

    def counts(reader: object) -> tuple[int, int]:
        row = article_list_with_counts(reader=reader).get(pk=article.pk)
        return row.claims_count, row.ratings_count  # type: ignore[attr-defined]

    assert counts(AnonymousUser()) == (1, 1)
    assert counts(reviewer) == (2, 3)
    assert counts(None) == (2, 3)
