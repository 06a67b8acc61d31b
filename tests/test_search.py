"""Full-text search of claims and articles (``claims.search``): web search syntax, stemming,
ranking and highlights, on PostgreSQL and on SQLite's FTS5, through the API and the UI."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

from claims import search, search_schema
from claims.models import Article, Claim
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
ARTICLES = "/api/v1/articles/"

postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="needs DATABASE_URL pointing at PostgreSQL"
)
sqlite_only = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's FTS5 path")


def article(text: str, *, title: str = "Notes from the council", language: str = "en") -> Article:
    return ArticleFactory.create(title=title, source_text=text, text=text, language=language)


def claim(quote: str, *, of: Article | None = None, summary: str = "") -> Claim:
    of = of or article(quote)
    return ClaimFactory.create(article=of, quote=quote, start=0, end=len(quote), summary=summary)


@pytest.fixture
def claims() -> dict[str, Claim]:
    return {
        "cover": claim("Tree cover grew by a third in the north."),
        "cover_of": claim("The cover of the tree survey was blue."),
        "planted": claim("The city planted 4,000 trees last year."),
        "budget": claim("The tree budget doubled this spring."),
        "bridges": claim("The council repaired 12 bridges."),
        "trams": claim("The tram carried 9 million riders."),
    }


def found(text: str) -> set[str]:
    return set(search.matching(Claim.objects.all(), text).values_list("quote", flat=True))


def quotes(claims: dict[str, Claim], *names: str) -> set[str]:
    return {claims[name].quote for name in names}


def test_the_backend_is_the_databases() -> None:
    expected = {"postgresql": "postgresql", "sqlite": "fts5"}[connection.vendor]
    assert search.backend() == expected


def test_a_quoted_phrase_matches_those_words_in_that_order(claims) -> None:
    assert found('"tree cover"') == quotes(claims, "cover")
    assert found("tree cover") == quotes(claims, "cover", "cover_of")


def test_a_minus_leaves_out_the_claims_with_that_word(claims) -> None:
    assert found("tree -cover") == quotes(claims, "budget", "planted")
    assert found('tree -"tree cover"') == quotes(claims, "cover_of", "budget", "planted")


def test_or_matches_either_word(claims) -> None:
    assert found("bridges or tram") == quotes(claims, "bridges", "trams")
    # As websearch_to_tsquery reads it: (repaired and bridges) or (tram and riders).
    assert found("repaired bridges or tram riders") == quotes(claims, "bridges", "trams")
    assert found("repaired riders or tree cover") == quotes(claims, "cover", "cover_of")


def test_words_are_stemmed(claims) -> None:
    assert found("planting") == quotes(claims, "planted")
    assert found("bridge") == quotes(claims, "bridges")


def test_the_summary_and_the_articles_title_are_searched(claims) -> None:
    claims["trams"].summary = "Ridership of the light rail"
    claims["trams"].save()
    assert found("ridership") == quotes(claims, "trams")
    assert found("council notes") == set(Claim.objects.values_list("quote", flat=True))


def test_the_index_follows_edits_and_deletions(claims) -> None:
    bridges = claims["bridges"]
    bridges.quote = "The council rebuilt 12 viaducts."
    bridges.save()
    assert found("viaducts") == {bridges.quote}
    assert found("bridges") == set()
    Article.objects.filter(pk=bridges.article_id).update(title="Harbour works")
    assert found("harbour") == {bridges.quote}
    bridges.delete()
    assert found("viaducts") == set()


def test_quote_matches_rank_above_title_matches() -> None:
    in_title = claim("Ridership rose.", of=article("Ridership rose.", title="Bridges report"))
    in_quote = claim("Two bridges reopened.")
    ranked = list(search.matching(Claim.objects.all(), "bridges"))
    assert ranked == [in_quote, in_title]
    assert ranked[0].search_rank > ranked[1].search_rank  # type: ignore[attr-defined]


def test_articles_are_searched_by_title_and_text() -> None:
    bridges = article("The council repaired 12 bridges.", title="Works")
    trams = article("Riders took the tram.", title="Bridges and trams")
    article("Nothing of note.")
    ranked = list(search.matching(Article.objects.all(), "bridges"))
    assert ranked == [trams, bridges]  # the title weighs more than the text
    assert list(search.matching(Article.objects.all(), '"took the tram"')) == [trams]


HOSTILE = [
    '"',
    '""',
    '"unterminated phrase',
    "-",
    "--x",
    "or",
    "a or or b",
    "*",
    "NEAR(a b)",
    "tree:cover",
    "^tree",
    "a AND OR NOT b",
    "(((",
    "'; DROP TABLE claims_claim; --",
    "\x00tree",
    "tree\ue000cover\ue001",
    "x" * 400,
    "é" * 50,
    "🌳 tree",
    "{table}",
    "%s %(x)s",
]


def test_a_malformed_query_is_answered_not_a_500(
    reviewer_api, client: Client, reviewer, claims
) -> None:
    client.force_login(reviewer)
    for query in HOSTILE:
        assert client.get("/claims/", {"q": query}).status_code == 200, query
        for url in (CLAIMS, ARTICLES):
            response = reviewer_api.get(url, {"search": query})
            assert response.status_code in (200, 400), (query, response.content)
            if response.status_code == 400:  # the API refuses NUL characters in any field
                assert response.json()["errors"]["search"]
        assert isinstance(found(query), set)  # the search itself takes anything


def test_a_query_over_the_limit_is_a_400(reviewer_api) -> None:
    response = reviewer_api.get(CLAIMS, {"search": "x" * (search.MAX_QUERY_CHARS + 1)})
    assert response.status_code == 400
    assert "at most 500 characters" in response.json()["errors"]["search"][0]


def test_the_api_lists_best_matches_first_unless_ordering_is_given(reviewer_api) -> None:
    in_title = claim("Ridership rose.", of=article("Ridership rose.", title="Bridges report"))
    in_quote = claim("Two bridges reopened.")
    claim("Nothing about that.")
    ids = [row["id"] for row in reviewer_api.get(CLAIMS, {"search": "bridges"}).json()["results"]]
    assert ids == [in_quote.pk, in_title.pk]
    ordered = reviewer_api.get(CLAIMS, {"search": "bridges", "ordering": "created_at"})
    assert [row["id"] for row in ordered.json()["results"]] == [in_title.pk, in_quote.pk]
    titles = reviewer_api.get(ARTICLES, {"search": "bridges"}).json()["results"]
    assert [row["id"] for row in titles] == [in_title.article_id, in_quote.article_id]


def test_past_the_rank_limit_the_newest_matches_are_ranked_and_the_count_says_more(
    reviewer_api, settings
) -> None:
    settings.SEARCH_RANK_LIMIT = 3
    oldest_and_best = claim("Bridges, bridges and more bridges reopened.")
    newer = [claim(f"Bridge {n} reopened after repairs to the deck.") for n in range(3)]
    claim("Nothing about that.")

    body = reviewer_api.get(CLAIMS, {"search": "bridges", "page_size": 2}).json()
    last = reviewer_api.get(CLAIMS, {"search": "bridges", "page_size": 2, "page": 2}).json()

    assert (body["count"], body["count_is_estimate"]) == (3, True)
    seen = [row["id"] for row in body["results"] + last["results"]]
    assert sorted(seen) == sorted(c.pk for c in newer)
    assert oldest_and_best.pk not in seen
    assert last["next"] is None  # ranked within the counted rows: no cursor past them
    settings.SEARCH_RANK_LIMIT = 4
    body = reviewer_api.get(CLAIMS, {"search": "bridges"}).json()
    assert (body["count"], body["count_is_estimate"]) == (4, False)
    assert body["results"][0]["id"] == oldest_and_best.pk


def test_a_cursor_is_refused_for_a_search(reviewer_api) -> None:
    response = reviewer_api.get(CLAIMS, {"search": "bridges", "cursor": "MQ.MQ.MQ"})

    assert response.status_code == 400
    assert "send no ordering, page or search" in response.json()["errors"]["cursor"][0]


def test_the_claims_page_says_more_than_past_the_rank_limit(
    client: Client, reviewer, settings
) -> None:
    settings.SEARCH_RANK_LIMIT = 2
    client.force_login(reviewer)
    for n in range(3):
        claim(f"Bridge {n} reopened.")

    html = client.get("/claims/", {"q": "bridge"}).content.decode()

    assert "More than 2 claims found" in html


def test_searching_the_api_costs_the_same_queries_for_many_claims(
    reviewer_api, django_assert_max_num_queries: Any
) -> None:
    claim("Two bridges reopened.")
    with django_assert_max_num_queries(20) as queries:
        assert reviewer_api.get(CLAIMS, {"search": "bridges"}).status_code == 200
    for n in range(30):
        claim(f"Bridge number {n} reopened.")
    with django_assert_max_num_queries(len(queries)):
        body = reviewer_api.get(CLAIMS, {"search": "bridges"}).json()
    assert body["count"] == 31


def test_the_claims_page_marks_the_matches_and_escapes_the_rest(
    client: Client, reviewer, django_assert_max_num_queries: Any
) -> None:
    claim("<b>Bridges</b> & tunnels were repaired.")
    client.force_login(reviewer)
    html = client.get("/claims/", {"q": "bridge"}).content.decode()
    assert '<mark class="found">Bridges</mark>' in html
    assert "&amp; tunnels" in html
    assert "<b>" not in html  # escaped on SQLite; PostgreSQL's headline leaves tags out
    with django_assert_max_num_queries(20) as queries:
        client.get("/claims/", {"q": "bridge"})
    for n in range(20):
        claim(f"Bridge number {n} reopened.")
    with django_assert_max_num_queries(len(queries)):
        client.get("/claims/", {"q": "bridge"})


def test_highlights_are_escaped_pieces_with_balanced_marks() -> None:
    start, end = search.MARK_START, search.MARK_END
    assert search.highlight_parts(f"a {start}b{end} c{end} {start}{start}d") == [
        ("a ", False),
        ("b", True),
        (" c", False),
        (" ", False),
        ("d", True),
    ]


def test_claim_labels_in_the_ui_search_filter_by_number(client: Client, reviewer) -> None:
    first = claim("Two bridges reopened.")
    ClaimFactory.create(article=first.article, quote="Two", start=0, end=3)
    client.force_login(reviewer)
    html = client.get("/claims/", {"q": f"C{first.number} bridges"}).content.decode()
    assert f'href="/claims/{first.pk}/"' in html
    assert html.count('class="claim-result"') == 1


# --- PostgreSQL ----------------------------------------------------------------------


@postgresql_only
def test_an_english_article_is_stemmed_in_english() -> None:
    planted = claim("The city planted 4,000 trees.", of=article("x", language="en-GB"))
    assert found("planting tree") == {planted.quote}
    assert found("plantings") == {planted.quote}


@postgresql_only
def test_a_french_article_is_stemmed_in_french() -> None:
    text = "Les arbres ont été plantés dans les quartiers nord."
    french = article(text, title="Les arbres de la ville", language="fr")
    planted = claim(text, of=french)
    claim("Plantes grasses.", of=article("x", language="en"))
    assert found("arbre plantée") == {planted.quote}
    assert found('"quartier nord"') == {planted.quote}
    assert list(search.matching(Article.objects.filter(language="fr"), "arbre")) == [french]
    extract = search.highlights(Claim, [planted.pk], "arbre plantée")[planted.pk]
    assert search.highlight_parts(extract)[1] == ("arbres", True)


@postgresql_only
def test_a_change_of_language_restems_the_articles_claims() -> None:
    text = "Les arbres ont été plantés."
    planted = claim(text, of=article(text, language=""))
    assert found("arbre") == set()  # "simple": not stemmed
    Article.objects.filter(pk=planted.article_id).update(language="fr")
    assert found("arbre") == {planted.quote}


@postgresql_only
def test_a_query_of_only_minuses_matches_everything_else_on_postgresql(claims) -> None:
    assert found("-tree") == quotes(claims, "bridges", "trams")


@postgresql_only
def test_a_query_of_only_stop_words_matches_nothing_on_postgresql(claims) -> None:
    assert found("the of") == set()


@postgresql_only
def test_the_database_maps_every_language_code_it_has_a_configuration_for() -> None:
    with connection.cursor() as cursor:
        for code, name in {**search_schema.CONFIGS, "pt-BR": "portuguese", "xx": "simple"}.items():
            cursor.execute("SELECT factcheck_search_config(%s)::text", [code])
            assert cursor.fetchone()[0] == name


@postgresql_only
def test_a_search_uses_the_gin_index() -> None:
    claim("Two bridges reopened.")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny
    plan = search.matching(Claim.objects.all(), "bridges").explain()
    assert "claims_claim_search_vector" in plan


# --- SQLite --------------------------------------------------------------------------


@sqlite_only
def test_a_query_of_only_minuses_matches_nothing_on_sqlite(claims) -> None:
    assert search.fts5_query("-tree") == ""
    assert found("-tree") == set()


@sqlite_only
def test_user_text_never_becomes_fts5_syntax() -> None:
    assert search.fts5_query('tree -"tree cover" or NEAR(x') == (
        '(("tree") NOT "tree cover") OR ("NEAR(x")'
    )
    assert search.fts5_query('a"b or c') == '("a" AND "b or c")'
    assert search.fts5_query('-x y -"z ""w" or -v') == '((("y" AND "w") NOT "x") NOT "z")'


@sqlite_only
def test_a_table_rebuild_that_dropped_the_triggers_is_repaired(claims) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER claims_claim_fts_insert")
    assert search_schema.repair(connection)
    added = claim("Ferries ran all night.")
    assert found("ferry") == {added.quote}
    assert found("bridges") == quotes(claims, "bridges")
    assert not search_schema.repair(connection)


@postgresql_only
def test_an_article_of_too_many_distinct_words_is_indexed_by_its_beginning() -> None:
    words = " ".join(f"w{n:x}q{n * 7919 % 100003:x}" for n in range(120_000))
    big = article("Sapling counts. " + words, title="Figures")
    assert list(search.matching(Article.objects.all(), "sapling")) == [big]


@sqlite_only
def test_without_fts5_each_word_is_matched_anywhere(claims, monkeypatch) -> None:
    monkeypatch.setattr(search_schema, "SQLITE_FTS5", False)
    assert search.backend() == "icontains"
    assert found("tree cov") == quotes(claims, "cover", "cover_of")
    assert found("-tree") == set()
    assert search.highlights(Claim, [claims["cover"].pk], "tree") == {}


def test_a_search_page_past_its_matches_is_not_found_and_no_match_is_an_empty_list(
    reviewer_api,
) -> None:
    for n in range(3):
        claim(f"Bridge {n} reopened.")

    assert reviewer_api.get(CLAIMS, {"search": "bridge", "page": 2}).status_code == 404
    assert reviewer_api.get(CLAIMS, {"search": "bridge", "page": "x"}).status_code == 404
    empty = reviewer_api.get(CLAIMS, {"search": "tram"}).json()
    assert (empty["count"], empty["count_is_estimate"], empty["results"]) == (0, False, [])
    second = reviewer_api.get(CLAIMS, {"search": "bridge", "page_size": 2, "page": 2}).json()
    assert (second["count"], len(second["results"]), second["previous"] is not None) == (
        3,
        1,
        True,
    )
