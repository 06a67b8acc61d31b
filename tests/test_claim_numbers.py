"""Each claim has a number within its article (C1, C2, ...) that never changes and is
never given again, shown everywhere the claim is named."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from claims.models import Article, Claim
from claims.services.claims import claim_create, claim_delete
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


def mark(article: Article, quote: str, user) -> Claim:
    return claim_create(article=article, created_by=user, quote=quote)


def test_claims_are_numbered_in_the_order_they_are_marked(reviewer) -> None:
    article = ArticleFactory.create()

    first = mark(article, "Critics say", reviewer)
    second = mark(article, "planted 4,000 trees", reviewer)

    assert (first.number, second.number) == (1, 2)
    assert (first.label, second.label) == ("C1", "C2")
    article.refresh_from_db()
    assert article.last_claim_number == 2


def test_a_deleted_claims_number_is_not_given_again(reviewer) -> None:
    article = ArticleFactory.create()
    mark(article, "The city", reviewer)
    second = mark(article, "planted 4,000 trees", reviewer)

    claim_delete(claim=second, user=reviewer)
    third = mark(article, "Critics say", reviewer)

    assert third.number == 3
    assert sorted(article.claims.values_list("number", flat=True)) == [1, 3]


def test_each_article_counts_its_own_claims(reviewer) -> None:
    one, other = ArticleFactory.create(), ArticleFactory.create()
    mark(one, "The city", reviewer)

    assert mark(other, "The city", reviewer).number == 1
    assert mark(one, "Critics say", reviewer).number == 2


def test_a_refused_claim_uses_no_number(reviewer) -> None:
    article = ArticleFactory.create()
    mark(article, "The city", reviewer)

    with pytest.raises(Exception, match="already exists"):
        mark(article, "The city", reviewer)

    article.refresh_from_db()
    assert article.last_claim_number == 1
    assert mark(article, "Critics say", reviewer).number == 2


def test_two_claims_of_an_article_cannot_share_a_number() -> None:
    claim = ClaimFactory.create()
    other = ClaimFactory.create(article=claim.article, start=30)

    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=other.pk).update(number=claim.number)


def test_factories_number_claims_like_the_service() -> None:
    article = ArticleFactory.create()
    numbers = [ClaimFactory.create(article=article, start=start).number for start in (0, 20, 40)]

    assert numbers == [1, 2, 3]


def test_the_migration_numbers_existing_claims_by_creation_order() -> None:
    article = ArticleFactory.create()
    now = timezone.now()
    late = ClaimFactory.create(article=article, start=0, created_at=now)
    early = ClaimFactory.create(article=article, start=20, created_at=now - timedelta(days=1))
    Claim.objects.filter(pk=late.pk).update(number=7)
    Claim.objects.filter(pk=early.pk).update(number=9)
    Article.objects.filter(pk=article.pk).update(last_claim_number=0)
    migration = importlib.import_module("claims.migrations.0006_claim_number")

    migration.number_claims(apps, None)

    assert Claim.objects.get(pk=early.pk).number == 1
    assert Claim.objects.get(pk=late.pk).number == 2
    assert Article.objects.get(pk=article.pk).last_claim_number == 2


def test_the_api_shows_the_number_and_ignores_one_sent(reviewer_api, reviewer) -> None:
    article = ArticleFactory.create()
    mark(article, "The city", reviewer)

    created = reviewer_api.post(
        CLAIMS, {"article": article.pk, "quote": "Critics say", "number": 99}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["number"] == 2
    claim_id = created.json()["id"]

    reviewer_api.patch(f"{CLAIMS}{claim_id}/", {"number": 5}, format="json")
    assert reviewer_api.get(f"{CLAIMS}{claim_id}/").json()["number"] == 2
    listed = reviewer_api.get(CLAIMS, {"article": article.pk}).json()["results"]
    assert sorted(row["number"] for row in listed) == [1, 2]


def test_the_reader_names_claims_by_their_number_not_their_position(
    client: Client, reviewer
) -> None:
    article = ArticleFactory.create()
    later_in_text = mark(article, "Critics say", reviewer)  # C1, second in reading order
    mark(article, "The city", reviewer)  # C2, first in reading order
    client.force_login(reviewer)

    page = client.get(f"/articles/{article.pk}/").content.decode()

    assert page.index(">C2</a>") < page.index(">C1</a>")
    assert f'data-claim="{later_in_text.pk}"' in page
    assert "Claim C1: " in page


def test_the_claim_page_and_the_search_name_the_claim(client: Client, reviewer) -> None:
    article = ArticleFactory.create()
    mark(article, "The city", reviewer)
    claim = mark(article, "Critics say", reviewer)
    client.force_login(reviewer)

    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "<title>Claim C2: Critics say" in page
    assert "<h1>Claim C2</h1>" in page
    assert '<span class="claim-label">C2</span>' in client.get("/claims/").content.decode()
    assert '<span class="claim-label">C2</span>' in client.get("/").content.decode()


def test_the_admin_lists_and_finds_claims_by_number(admin_client: Client, reviewer) -> None:
    article = ArticleFactory.create()
    mark(article, "The city", reviewer)
    mark(article, "Critics say", reviewer)

    found = admin_client.get("/admin/claims/claim/", {"q": "C2"})

    assert found.status_code == 200
    assert [claim.number for claim in found.context["cl"].result_list] == [2]
    assert ">C2</a></th>" in found.content.decode()


def test_the_claims_search_finds_a_claim_by_its_label(client: Client, reviewer) -> None:
    article = ArticleFactory.create(title="Trees")
    mark(article, "The city", reviewer)
    second = mark(article, "Critics say", reviewer)
    client.force_login(reviewer)

    page = client.get("/claims/", {"q": "C2", "article": str(article.pk)}).content.decode()

    assert page.count('class="claim-result"') == 1
    assert f'href="/claims/{second.pk}/"' in page
