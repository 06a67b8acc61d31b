"""Long lists are counted only up to ``LIST_COUNT_LIMIT`` and walked past it by keyset."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.models import Claim
from claims.paging import decode_cursor, encode_cursor
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"


@pytest.fixture
def seven_claims() -> list[int]:
    """Seven claims over two articles, in the list's order (article, place, id)."""
    first, second = ArticleFactory.create(), ArticleFactory.create()
    ClaimFactory.create_batch(4, article=first)
    ClaimFactory.create_batch(3, article=second)
    return list(Claim.objects.order_by("article_id", "start", "id").values_list("pk", flat=True))


def walk(api, url: str) -> tuple[list[int], list[dict]]:  # type: ignore[no-untyped-def]
    """Follow ``next`` from ``url`` to the end: the ids seen, and each page's envelope."""
    seen: list[int] = []
    pages = []
    while url:
        response = api.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append(body)
        seen += [claim["id"] for claim in body["results"]]
        url = body["next"]
    return seen, pages


def test_a_short_list_is_counted_exactly_and_paged_by_number(
    reviewer_api, seven_claims, settings
) -> None:
    settings.LIST_COUNT_LIMIT = 100

    seen, pages = walk(reviewer_api, f"{CLAIMS}?page_size=3")

    assert seen == seven_claims
    assert [(p["count"], p["count_is_estimate"]) for p in pages] == [(7, False)] * 3
    assert "page=2" in pages[0]["next"]
    assert "cursor=" not in (pages[1]["next"] or "")


def test_past_the_count_limit_the_count_says_so_and_next_goes_on_by_cursor(
    reviewer_api, seven_claims, settings
) -> None:
    settings.LIST_COUNT_LIMIT = 5

    seen, pages = walk(reviewer_api, f"{CLAIMS}?page_size=2")

    assert seen == seven_claims  # every claim once, in order, across pages and cursors
    assert {(p["count"], p["count_is_estimate"]) for p in pages} == {(5, True)}
    assert "page=2" in pages[0]["next"]
    assert [len(p["results"]) for p in pages] == [2, 2, 2, 1]
    assert "cursor=" in pages[2]["next"]  # the last numbered page leads on by keyset
    assert pages[3]["previous"] is None
    assert pages[-1]["next"] is None


def test_a_page_past_the_counted_rows_is_not_found(reviewer_api, seven_claims, settings) -> None:
    settings.LIST_COUNT_LIMIT = 5

    response = reviewer_api.get(CLAIMS, {"page_size": 2, "page": 4})

    assert response.status_code == 404


def test_a_cursor_page_starts_after_the_row_it_names(reviewer_api, seven_claims) -> None:
    row = Claim.objects.values_list("article_id", "start", "id").get(pk=seven_claims[2])

    response = reviewer_api.get(CLAIMS, {"cursor": encode_cursor(row), "page_size": 3})

    assert [claim["id"] for claim in response.json()["results"]] == seven_claims[3:6]


def test_filters_apply_to_cursor_pages(reviewer_api, seven_claims) -> None:
    article = Claim.objects.get(pk=seven_claims[0]).article_id
    row = Claim.objects.values_list("article_id", "start", "id").get(pk=seven_claims[0])

    response = reviewer_api.get(CLAIMS, {"cursor": encode_cursor(row), "article": article})

    assert [claim["id"] for claim in response.json()["results"]] == seven_claims[1:4]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cursor": "not-a-cursor"}, "Not a cursor of this list"),
        ({"cursor": encode_cursor([1, 2])}, "Not a cursor of this list"),
        ({"cursor": encode_cursor([1, 2, 3]), "ordering": "-created_at"}, "default order"),
        ({"cursor": encode_cursor([1, 2, 3]), "page": "2"}, "default order"),
    ],
)
def test_a_wrong_cursor_is_refused_with_a_reason(
    reviewer_api, seven_claims, query, message
) -> None:
    response = reviewer_api.get(CLAIMS, query)

    assert response.status_code == 400
    assert message in response.json()["errors"]["cursor"][0]


def test_a_cursor_page_costs_the_queries_of_a_first_page(reviewer_api, seven_claims) -> None:
    row = Claim.objects.values_list("article_id", "start", "id").get(pk=seven_claims[3])
    reviewer_api.get(CLAIMS)  # what the first request of a process looks up once

    with CaptureQueriesContext(connection) as first:
        reviewer_api.get(CLAIMS, {"page_size": 2})
    with CaptureQueriesContext(connection) as later:
        reviewer_api.get(CLAIMS, {"page_size": 2, "cursor": encode_cursor(row)})

    assert len(later) == len(first)


def test_cursors_read_back_what_they_wrote() -> None:
    assert decode_cursor(encode_cursor([12, 0, 99]), length=3) == (12, 0, 99)
    assert decode_cursor("@@@", length=3) is None
    assert decode_cursor(encode_cursor([1, 2]), length=3) is None


def test_the_claims_search_says_more_than_past_the_count_limit(
    client: Client, reviewer, seven_claims, settings
) -> None:
    client.force_login(reviewer)
    settings.LIST_COUNT_LIMIT = 5

    html = client.get("/claims/").content.decode()

    assert "More than 5 claims found" in html
    assert all(f'href="/claims/{pk}/"' in html for pk in seven_claims)  # one page of 50


def test_the_claims_search_menu_lists_the_newest_articles_and_the_one_asked_for(
    client: Client, reviewer, monkeypatch
) -> None:
    from web import selectors

    monkeypatch.setattr(selectors, "ARTICLE_CHOICES", 2)
    oldest, middle, newest, latest = ArticleFactory.create_batch(4)
    client.force_login(reviewer)

    plain = client.get("/claims/").content.decode()
    asked = client.get(f"/claims/?article={oldest.pk}").content.decode()

    assert f'value="{latest.pk}"' in plain
    assert f'value="{newest.pk}"' in plain
    assert f'value="{oldest.pk}"' not in plain
    assert f'value="{middle.pk}"' not in plain
    assert f'value="{oldest.pk}" selected' in asked


def test_the_admin_changelist_counts_up_to_the_limit(
    client: Client, seven_claims, settings
) -> None:
    from accounts.models import User

    client.force_login(User.objects.create_superuser("root"))
    settings.LIST_COUNT_LIMIT = 5

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/admin/claims/claim/")

    assert response.status_code == 200
    counts = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert counts
    assert all("LIMIT 6" in sql for sql in counts)


def test_a_filtered_list_is_counted_up_to_its_own_limit_and_walked_past_it(
    reviewer_api, seven_claims, settings
) -> None:
    settings.LIST_COUNT_LIMIT = 100
    settings.FILTERED_LIST_COUNT_LIMIT = 3
    article = Claim.objects.get(pk=seven_claims[0]).article_id

    whole = reviewer_api.get(CLAIMS, {"page_size": 2}).json()
    seen, pages = walk(reviewer_api, f"{CLAIMS}?page_size=2&article={article}")

    assert (whole["count"], whole["count_is_estimate"]) == (7, False)
    assert seen == seven_claims[:4]  # the article's four claims, each once, in order
    assert {(p["count"], p["count_is_estimate"]) for p in pages} == {(3, True)}
    assert "cursor=" in pages[1]["next"]  # past the counted rows, by keyset


def test_the_claims_search_counts_a_filtered_list_up_to_its_own_limit(
    client: Client, reviewer, seven_claims, settings
) -> None:
    client.force_login(reviewer)
    settings.LIST_COUNT_LIMIT = 100
    settings.FILTERED_LIST_COUNT_LIMIT = 5

    everything = client.get("/claims/").content.decode()
    filtered = client.get("/claims/", {"status": "open"}).content.decode()

    assert "7 claims found" in everything
    assert "More than 5 claims found" in filtered
