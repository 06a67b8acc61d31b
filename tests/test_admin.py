from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    ClaimStatus,
    Evidence,
    Rating,
    Source,
    SourceSnapshot,
    SourceStatus,
    Stance,
    Verdict,
)
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    RatingFactory,
    SnapshotFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Long enough for a hundred claims on distinct passages of one article.
LONG_TEXT = "\n\n".join(
    f"Paragraph {n}: the council says it planted {n * 10} trees on street {n}." for n in range(120)
)
PARAGRAPH = len("Paragraph 0: the council says it planted 0 trees on street 0.\n\n")


def url_of(model: type[Any], view: str = "changelist", *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def queries_to_render(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:2000]
    return len(queries)


def claim_span(n: int) -> dict[str, int]:
    """A distinct passage of LONG_TEXT for the n-th claim of an article."""
    return {"start": n * 20, "end": n * 20 + 12}


# Every third source needs a URL; of the others, half have been fetched.
STATUS_BY_POSITION = (SourceStatus.NEEDS_URL, SourceStatus.OK, SourceStatus.PENDING)


def source_at(article: Article, position: int) -> Source:
    status = STATUS_BY_POSITION[position % 3]
    url = "" if status == SourceStatus.NEEDS_URL else f"https://example.org/{article.pk}/{position}"
    return Source(
        article=article,
        position=position,
        anchor_text=f"link {position}",
        href=url or "#",
        url=url,
        start=0,
        end=0,
        status=status,
    )


def article_with_everything(claims: int = 2, sources: int = 3) -> Article:
    """An article with sources, a snapshot, and claims with sources, evidence and a rating."""
    article = ArticleFactory.create(source_text=LONG_TEXT)
    Source.objects.bulk_create(source_at(article, n) for n in range(1, sources + 1))
    first = article.sources.get(position=1)
    SnapshotFactory.create(source=first)
    for n in range(claims):
        claim = ClaimFactory.create(article=article, **claim_span(n))
        claim.sources.add(first)
        evidence = EvidenceFactory.create(claim=claim, status=SourceStatus.OK)
        SnapshotFactory.create(source=None, evidence=evidence, final_url=evidence.url)
        RatingFactory.create(claim=claim)
    return article


def management_forms(*prefixes: str) -> dict[str, str]:
    """Empty inline formsets: the read-only inlines post nothing to save."""
    data: dict[str, str] = {}
    for prefix in prefixes:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def errors_of(response: Any) -> str:
    """The text of every error the admin form shows."""
    assert response.status_code == 200, "expected the form again, with errors"
    return " ".join(message for errors in response.context["errors"] for message in errors)


# --- Query counts --------------------------------------------------------------

# Measured (the same on SQLite and PostgreSQL): session, user, counts, the page of rows,
# list filters and date hierarchy. A ceiling, so that a new query per page is a decision.
CHANGELIST_QUERIES = {
    "article": 8,
    "source": 7,
    "sourcesnapshot": 8,
    "claim": 7,
    "evidence": 7,
    "rating": 7,
    "user": 6,
}


@pytest.mark.parametrize("model_name", CHANGELIST_QUERIES)
def test_every_changelist_costs_the_same_queries_for_one_article_as_for_thirty(
    admin_client: Client, model_name: str
) -> None:
    app = "accounts" if model_name == "user" else "claims"
    url = reverse(f"admin:{app}_{model_name}_changelist")
    article_with_everything()
    few = queries_to_render(admin_client, url)

    for _ in range(29):
        article_with_everything()
    many = queries_to_render(admin_client, url)

    assert many == few <= CHANGELIST_QUERIES[model_name]


@pytest.mark.parametrize("model", [Source, Claim, Evidence, Rating, SourceSnapshot])
def test_changelists_filtered_by_article_cost_the_same_queries_whatever_its_size(
    admin_client: Client, model: type[Any]
) -> None:
    small, large = article_with_everything(claims=1, sources=1), article_with_everything(40, 60)
    few = queries_to_render(admin_client, f"{url_of(model)}?article={small.pk}")
    many = queries_to_render(admin_client, f"{url_of(model)}?article={large.pk}")
    assert many == few


def test_an_article_page_costs_the_same_queries_with_two_thousand_sources_as_with_two(
    admin_client: Client,
) -> None:
    small = article_with_everything(claims=2, sources=2)
    large = article_with_everything(claims=110, sources=2000)
    few = queries_to_render(admin_client, url_of(Article, "change", small.pk))
    many = queries_to_render(admin_client, url_of(Article, "change", large.pk))
    assert many == few <= 7  # the article, its first sources and claims, its two texts


def test_a_claim_page_costs_the_same_queries_with_thirty_evidence_and_ratings_as_with_one(
    admin_client: Client,
) -> None:
    small, large = ClaimFactory.create(), ClaimFactory.create()
    small.sources.add(SourceFactory.create(article=small.article))
    RatingFactory.create(claim=small)
    EvidenceFactory.create(claim=small, status=SourceStatus.PENDING)
    large.sources.add(*SourceFactory.create_batch(5, article=large.article))
    RatingFactory.create_batch(30, claim=large)
    EvidenceFactory.create_batch(30, claim=large, status=SourceStatus.PENDING)
    few = queries_to_render(admin_client, url_of(Claim, "change", small.pk))
    many = queries_to_render(admin_client, url_of(Claim, "change", large.pk))
    assert many == few <= 7  # the claim, its sources (twice), evidence, ratings


def test_a_source_page_costs_the_same_queries_with_thirty_snapshots_as_with_one(
    admin_client: Client,
) -> None:
    small, large = SourceFactory.create(), SourceFactory.create()
    SnapshotFactory.create(source=small)
    SnapshotFactory.create_batch(30, source=large)
    few = queries_to_render(admin_client, url_of(Source, "change", small.pk))
    many = queries_to_render(admin_client, url_of(Source, "change", large.pk))
    assert many == few <= 4  # the source, its latest snapshots


def test_saving_an_article_costs_the_same_queries_with_many_rows_shown_inline(
    admin_client: Client,
) -> None:
    def queries_to_save(article: Article) -> int:
        url = url_of(Article, "change", article.pk)
        data = {
            "title": "Renamed",
            "status": ArticleStatus.DRAFT,
            **management_forms("sources", "claims"),
        }
        # What a browser posts back for the view-only inline rows: their ids.
        for prefix, rows in (
            ("sources", article.sources.order_by("position")[:50]),
            ("claims", article.claims.all()[:100]),
        ):
            ids = [row.pk for row in rows]
            data[f"{prefix}-INITIAL_FORMS"] = data[f"{prefix}-TOTAL_FORMS"] = str(len(ids))
            for index, pk in enumerate(ids):
                data[f"{prefix}-{index}-id"] = str(pk)
                data[f"{prefix}-{index}-article"] = str(article.pk)
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.post(url, data)
        assert response.status_code == 302, errors_of(response)
        return len(queries)

    # The first save fills per-process caches (content types of the history records).
    queries_to_save(article_with_everything(claims=1, sources=1))
    few = queries_to_save(article_with_everything(claims=1, sources=1))
    many = queries_to_save(article_with_everything(claims=60, sources=60))
    assert many == few


# --- Articles ------------------------------------------------------------------


def test_the_article_list_shows_its_figures(admin_client: Client) -> None:
    article = article_with_everything(claims=2, sources=3)
    response = admin_client.get(url_of(Article))
    (row,) = [row for row in response.context["cl"].result_list if row.pk == article.pk]
    assert (row.sources_ok, row.sources_total, row.sources_needing_url) == (1, 3, 1)
    assert (row.claims_count, row.ratings_count) == (2, 2)
    assert f'href="{url_of(Claim)}?article={article.pk}"' in response.content.decode()


def test_the_article_page_shows_its_figures_and_links_to_its_sources_and_claims(
    admin_client: Client,
) -> None:
    article = article_with_everything(claims=2, sources=3)
    page = admin_client.get(url_of(Article, "change", article.pk)).content.decode()
    assert "3 sources</a>: 1 OK, 1 needs a URL" in page
    assert "2 claims</a> with 2 ratings" in page
    assert f"{url_of(Source)}?article={article.pk}" in page
    assert f"{url_of(Claim)}?article={article.pk}" in page
    assert f"{url_of(Claim, 'add')}?article={article.pk}" in page


def test_the_article_page_shows_only_the_first_fifty_sources(admin_client: Client) -> None:
    article = article_with_everything(claims=0, sources=60)
    page = admin_client.get(url_of(Article, "change", article.pk)).content.decode()
    assert "link 50<" in page
    assert "link 51<" not in page


def test_editing_an_articles_metadata_records_who_and_leaves_the_text_alone(
    admin_client: Client, admin_user: Any
) -> None:
    article = article_with_everything(claims=1, sources=1)
    response = admin_client.post(
        url_of(Article, "change", article.pk),
        {
            "title": "Trees, counted",
            "byline": "A. Reporter",
            "publisher": "The Gazette",
            "url": "https://gazette.example/trees",
            "published_on": "2024-03-01",
            "status": ArticleStatus.IN_REVIEW,
            **management_forms("sources", "claims"),
        },
    )
    assert response.status_code == 302, errors_of(response)
    article.refresh_from_db()
    assert (article.title, article.status) == ("Trees, counted", ArticleStatus.IN_REVIEW)
    assert article.text == LONG_TEXT
    assert article.sources.count() == 1
    assert article.claims.count() == 1
    assert article.history.latest().history_user == admin_user


def test_marking_articles_in_review_records_history(admin_client: Client, admin_user: Any) -> None:
    drafts = ArticleFactory.create_batch(2)
    response = admin_client.post(
        url_of(Article),
        {"action": "mark_in_review", "_selected_action": [a.pk for a in drafts]},
    )
    assert response.status_code == 302
    for article in drafts:
        article.refresh_from_db()
        assert article.status == ArticleStatus.IN_REVIEW
        latest = article.history.latest()
        assert (latest.status, latest.history_user) == (ArticleStatus.IN_REVIEW, admin_user)


def test_deleting_articles_in_bulk_records_who_deleted_each(
    admin_client: Client, admin_user: Any
) -> None:
    articles = [article_with_everything(claims=1, sources=2) for _ in range(2)]
    response = admin_client.post(
        url_of(Article),
        {
            "action": "delete_selected",
            "_selected_action": [article.pk for article in articles],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert not Source.objects.exists()
    for article in articles:
        deleted = Article.history.filter(id=article.pk).latest()
        assert (deleted.history_type, deleted.history_user) == ("-", admin_user)


def test_adding_an_article_imports_it_with_its_sources(
    admin_client: Client, admin_user: Any
) -> None:
    assert admin_client.get(url_of(Article, "add")).status_code == 200
    response = admin_client.post(
        url_of(Article, "add"),
        {
            "content": "# Trees\n\nThe city planted [4,000 trees](https://parks.example/r) "
            "and [more](#).\n",
            "source_format": "markdown",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url_of(Article, "change", article.pk)
    assert (article.title, article.imported_by) == ("Trees", admin_user)
    assert sorted(article.sources.values_list("status", flat=True)) == [
        SourceStatus.NEEDS_URL,
        SourceStatus.PENDING,
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Upload a file, paste the article, or give its URL"),
        ({"content": "   \n"}, "Upload a file, paste the article, or give its URL"),
        ({"content": "<p></p>", "source_format": "html"}, "no text once its markup is removed"),
    ],
)
def test_an_unimportable_article_shows_why_and_creates_nothing(
    admin_client: Client, data: dict[str, str], message: str
) -> None:
    response = admin_client.post(url_of(Article, "add"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_an_uploaded_file_is_imported_with_its_format_from_its_name(admin_client: Client) -> None:
    upload = SimpleUploadedFile(
        "trees.html", b"<h1>Trees</h1><p>Planted <a href='/r'>4,000</a>.</p>"
    )
    response = admin_client.post(
        url_of(Article, "add"), {"file": upload, "url": "https://gazette.example/trees"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert (article.title, article.source_format) == ("Trees", "html")
    assert article.sources.get().url == "https://gazette.example/r"


def test_a_file_and_pasted_text_together_are_refused(admin_client: Client) -> None:
    upload = SimpleUploadedFile("trees.md", b"# Trees")
    response = admin_client.post(url_of(Article, "add"), {"file": upload, "content": "# Trees"})
    assert "Upload a file or paste the text, not both." in response.content.decode()
    assert not Article.objects.exists()


def test_an_article_given_only_by_url_is_queued_to_be_fetched(admin_client: Client) -> None:
    response = admin_client.post(url_of(Article, "add"), {"url": "https://gazette.example/a"})
    article = Article.objects.get()
    assert response.status_code == 302
    assert (article.url, article.import_status) == ("https://gazette.example/a", "fetching")


def test_importing_the_same_article_twice_shows_the_first(admin_client: Client) -> None:
    data = {"content": "# Trees\n\nThe city planted trees.\n"}
    admin_client.post(url_of(Article, "add"), data)
    response = admin_client.post(url_of(Article, "add"), data)
    assert "already imported as article" in response.content.decode()
    assert Article.objects.count() == 1


# --- Sources and snapshots -----------------------------------------------------


def queued_fetches(callbacks: list[Any]) -> list[Any]:
    """Of what runs after commit, the sending of fetch jobs (not the page's change stamp)."""
    return [f for f in callbacks if "enqueue_source_fetches" in f.__qualname__]


def test_supplying_a_url_for_a_source_that_needs_one_queues_it(
    admin_client: Client, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    source = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")
    with django_capture_on_commit_callbacks() as fetches:
        response = admin_client.post(
            url_of(Source, "change", source.pk),
            {"url": " https://parks.example/report ", **management_forms("snapshots")},
        )
    assert len(queued_fetches(fetches)) == 1
    assert response.status_code == 302, errors_of(response)
    source.refresh_from_db()
    assert (source.url, source.status) == ("https://parks.example/report", SourceStatus.PENDING)
    latest = source.history.latest()
    assert (latest.status, latest.history_user) == (SourceStatus.PENDING, admin_user)


def test_fetching_sources_again_queues_those_that_have_a_url(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    dead = SourceFactory.create(status=SourceStatus.DEAD)
    without_url = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")
    with django_capture_on_commit_callbacks() as fetches:
        response = admin_client.post(
            url_of(Source),
            {"action": "fetch_again", "_selected_action": [dead.pk, without_url.pk]},
            follow=True,
        )
    notes = " ".join(str(message) for message in response.context["messages"])
    assert "1 source queued to be fetched." in notes
    assert "1 source needs a URL first" in notes
    assert len(queued_fetches(fetches)) == 1
    dead.refresh_from_db()
    assert dead.status == SourceStatus.PENDING


def test_correcting_the_url_of_a_dead_source_queues_it_again(admin_client: Client) -> None:
    source = SourceFactory.create(status=SourceStatus.DEAD, status_detail="404")
    response = admin_client.post(
        url_of(Source, "change", source.pk),
        {"url": "https://parks.example/moved", **management_forms("snapshots")},
    )
    assert response.status_code == 302, errors_of(response)
    source.refresh_from_db()
    assert (source.url, source.status, source.status_detail) == (
        "https://parks.example/moved",
        SourceStatus.PENDING,
        "",
    )


@pytest.mark.parametrize("url", ["not a url", "ftp://files.example/r", "javascript:alert(1)"])
def test_an_unusable_url_for_a_source_shows_a_form_error(admin_client: Client, url: str) -> None:
    source = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")
    response = admin_client.post(
        url_of(Source, "change", source.pk), {"url": url, **management_forms("snapshots")}
    )
    assert "Enter an absolute http:// or https:// URL" in errors_of(response)
    source.refresh_from_db()
    assert (source.url, source.status) == ("", SourceStatus.NEEDS_URL)


def test_saving_a_source_unchanged_leaves_it_alone(admin_client: Client) -> None:
    source = SourceFactory.create(status=SourceStatus.NEEDS_URL, url="", href="#")
    response = admin_client.post(
        url_of(Source, "change", source.pk), {"url": "", **management_forms("snapshots")}
    )
    assert response.status_code == 302, errors_of(response)
    assert source.history.count() == 1


def test_sources_and_snapshots_cannot_be_added_and_snapshots_not_changed(
    admin_client: Client,
) -> None:
    snapshot = SnapshotFactory.create()
    assert admin_client.get(url_of(Source, "add")).status_code == 403
    assert admin_client.get(url_of(SourceSnapshot, "add")).status_code == 403
    page = admin_client.get(url_of(SourceSnapshot, "change", snapshot.pk))
    assert page.status_code == 200
    assert "The city planted 4,000 trees." in page.content.decode()
    response = admin_client.post(url_of(SourceSnapshot, "change", snapshot.pk), {"title": "x"})
    assert response.status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.title == "Report"


def test_the_source_list_filtered_by_article_names_it_and_shows_only_its_sources(
    admin_client: Client,
) -> None:
    article, other = article_with_everything(sources=2), article_with_everything(sources=3)
    response = admin_client.get(f"{url_of(Source)}?article={article.pk}")
    assert {source.article_id for source in response.context["cl"].result_list} == {article.pk}
    assert response.context["cl"].result_count == 2
    assert article.title in response.content.decode()
    assert other.title not in response.content.decode()


def test_a_malformed_article_filter_does_not_fail(admin_client: Client) -> None:
    response = admin_client.get(f"{url_of(Claim)}?article=abc")
    assert response.status_code == 302  # the admin's "invalid filter" redirect (?e=1)


# --- Claims --------------------------------------------------------------------


def claim_form(article: Article, **fields: Any) -> dict[str, Any]:
    return {"article": article.pk, "kind": ClaimKind.FACTUAL, **fields}


def test_a_claim_from_a_quote_alone_finds_its_place(admin_client: Client, admin_user: Any) -> None:
    article = ArticleFactory.create()
    source = SourceFactory.create(article=article)
    response = admin_client.post(
        url_of(Claim, "add"),
        claim_form(article, quote="planted 4,000 trees", sources=[source.pk]),
    )
    assert response.status_code == 302, errors_of(response)
    claim = Claim.objects.get()
    assert article.text[claim.start : claim.end] == "planted 4,000 trees"
    assert (claim.prefix, claim.created_by) == ("The city ", admin_user)
    assert list(claim.sources.all()) == [source]
    assert claim.history.latest().history_user == admin_user


def test_a_claim_from_an_ambiguous_quote_lists_its_occurrences(admin_client: Client) -> None:
    article = ArticleFactory.create(source_text=LONG_TEXT)
    response = admin_client.post(url_of(Claim, "add"), claim_form(article, quote="the council"))
    errors = errors_of(response)
    assert "The quote appears 120 times" in errors
    assert "Occurrences: 13-24 (…Paragraph 0: […] says it planted 0 t…)" in errors
    assert f"; {PARAGRAPH + 13}-{PARAGRAPH + 24} (…et 0.\n\nParagraph 1: […]" in errors
    assert "and 110 more." in errors
    assert not Claim.objects.exists()


def test_offsets_pick_one_occurrence_of_an_ambiguous_quote(admin_client: Client) -> None:
    article = ArticleFactory.create(source_text=LONG_TEXT)
    start = PARAGRAPH + 13
    response = admin_client.post(
        url_of(Claim, "add"),
        claim_form(article, quote="the council", start=start, end=start + 11),
    )
    assert response.status_code == 302, errors_of(response)
    assert Claim.objects.get().start == start


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"quote": "no such passage"}, "does not appear in the article"),
        ({"quote": ""}, "Give the quote, or its start and end offsets"),
        ({"start": 5}, "Give both start and end offsets, or neither"),
        ({"start": 5, "end": 9000}, "outside the article's text"),
        ({"quote": "The city", "start": 1, "end": 9}, "not the quote given"),
    ],
)
def test_a_claim_that_cannot_be_placed_shows_a_form_error(
    admin_client: Client, fields: dict[str, Any], message: str
) -> None:
    article = ArticleFactory.create()
    response = admin_client.post(url_of(Claim, "add"), claim_form(article, **fields))
    assert message in errors_of(response)
    assert not Claim.objects.exists()


def test_a_second_claim_on_the_same_passage_shows_a_form_error(admin_client: Client) -> None:
    claim = ClaimFactory.create(start=0, end=8)
    response = admin_client.post(url_of(Claim, "add"), claim_form(claim.article, quote="The city"))
    assert "A claim on exactly this passage already exists" in errors_of(response)
    assert Claim.objects.count() == 1


def test_a_claim_cannot_rely_on_another_articles_source(admin_client: Client) -> None:
    article, foreign = ArticleFactory.create(), SourceFactory.create()
    response = admin_client.post(
        url_of(Claim, "add"), claim_form(article, quote="The city", sources=[foreign.pk])
    )
    assert "Choose sources of the claim's own article" in errors_of(response)
    assert not Claim.objects.exists()


def test_changing_a_claims_kind_status_and_sources_goes_through_the_service(
    admin_client: Client, admin_user: Any
) -> None:
    claim = ClaimFactory.create(start=0, end=8)
    source = SourceFactory.create(article=claim.article)
    response = admin_client.post(
        url_of(Claim, "change", claim.pk),
        {
            "kind": ClaimKind.PREDICTION,
            "status": ClaimStatus.IN_REVIEW,
            "sources": [source.pk],
            **management_forms("evidence", "ratings"),
        },
    )
    assert response.status_code == 302, errors_of(response)
    claim.refresh_from_db()
    assert (claim.kind, claim.status) == (ClaimKind.PREDICTION, ClaimStatus.IN_REVIEW)
    assert list(claim.sources.all()) == [source]
    assert (claim.start, claim.end) == (0, 8)
    assert claim.history.latest().history_user == admin_user


def test_a_claim_cannot_be_changed_to_rely_on_another_articles_source(
    admin_client: Client,
) -> None:
    claim, foreign = ClaimFactory.create(), SourceFactory.create()
    response = admin_client.post(
        url_of(Claim, "change", claim.pk),
        {
            "kind": claim.kind,
            "status": claim.status,
            "sources": [foreign.pk],
            **management_forms("evidence", "ratings"),
        },
    )
    assert "Choose sources of the claim's own article" in errors_of(response)
    assert not claim.sources.exists()


def test_deleting_a_claim_in_the_admin_records_who_deleted_it(
    admin_client: Client, admin_user: Any
) -> None:
    claim = ClaimFactory.create()
    response = admin_client.post(url_of(Claim, "delete", claim.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Claim.objects.exists()
    deleted = Claim.history.filter(id=claim.pk).latest()
    assert (deleted.history_type, deleted.history_user) == ("-", admin_user)


def test_a_claims_history_renders_and_cannot_be_reverted(admin_client: Client) -> None:
    claim = ClaimFactory.create()
    claim.kind = ClaimKind.OPINION
    claim.save()
    response = admin_client.get(url_of(Claim, "history", claim.pk))
    assert response.status_code == 200
    assert claim.quote in response.content.decode()
    version = claim.history.earliest()
    version_url = reverse("admin:claims_claim_simple_history", args=[claim.pk, version.pk])
    assert admin_client.get(version_url).status_code == 200
    assert admin_client.post(version_url, {"kind": ClaimKind.FACTUAL}).status_code == 403
    claim.refresh_from_db()
    assert claim.kind == ClaimKind.OPINION


@pytest.mark.parametrize("model", [Article, Source, Evidence, Rating])
def test_every_history_page_and_version_renders(admin_client: Client, model: type[Any]) -> None:
    rating = RatingFactory.create()
    evidence = EvidenceFactory.create(claim=rating.claim, status=SourceStatus.PENDING)
    source = SourceFactory.create(article=rating.claim.article)
    row: dict[type[Any], Any] = {
        Article: rating.claim.article,
        Source: source,
        Evidence: evidence,
        Rating: rating,
    }
    assert admin_client.get(url_of(model, "history", row[model].pk)).status_code == 200
    version = row[model].history.earliest()
    version_url = url_of(model, "simple_history", row[model].pk, version.pk)
    assert admin_client.get(version_url).status_code == 200


def test_sources_autocomplete_for_a_claim(admin_client: Client) -> None:
    source = SourceFactory.create(anchor_text="parks department")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "claims", "model_name": "claim", "field_name": "sources", "term": "parks"},
    )
    assert response.status_code == 200
    assert [result["id"] for result in response.json()["results"]] == [str(source.pk)]


# --- Evidence and ratings ------------------------------------------------------


def test_adding_evidence_goes_through_the_service(admin_client: Client, admin_user: Any) -> None:
    claim = ClaimFactory.create()
    response = admin_client.post(
        url_of(Evidence, "add"),
        {
            "claim": claim.pk,
            "author": admin_user.pk,
            "stance": Stance.REFUTES,
            "excerpt": "  3,950 trees were planted.  ",
        },
    )
    assert response.status_code == 302, errors_of(response)
    evidence = Evidence.objects.get()
    assert (evidence.claim, evidence.author, evidence.excerpt) == (
        claim,
        admin_user,
        "3,950 trees were planted.",
    )


def test_evidence_without_url_or_excerpt_shows_a_form_error(admin_client: Client) -> None:
    response = admin_client.post(
        url_of(Evidence, "add"), {"claim": ClaimFactory.create().pk, "stance": Stance.SUPPORTS}
    )
    assert "Evidence needs a URL, a quoted excerpt, or both" in errors_of(response)
    assert not Evidence.objects.exists()


def test_changing_evidence_records_who_changed_it(admin_client: Client, admin_user: Any) -> None:
    evidence = EvidenceFactory.create(status=SourceStatus.OK)
    response = admin_client.post(
        url_of(Evidence, "change", evidence.pk),
        {
            "stance": Stance.CONTEXT,
            "url": evidence.url,
            "excerpt": "",
            "note": "Page 12.",
            **management_forms("snapshots"),
        },
    )
    assert response.status_code == 302, errors_of(response)
    evidence.refresh_from_db()
    assert (evidence.stance, evidence.note, evidence.status) == (
        Stance.CONTEXT,
        "Page 12.",
        SourceStatus.OK,
    )
    assert evidence.history.latest().history_user == admin_user


def test_a_new_url_for_evidence_queues_it_to_be_fetched(admin_client: Client) -> None:
    evidence = EvidenceFactory.create(status=SourceStatus.DEAD)
    response = admin_client.post(
        url_of(Evidence, "change", evidence.pk),
        {
            "stance": evidence.stance,
            "url": "https://parks.example/moved",
            "excerpt": "",
            "note": "",
            **management_forms("snapshots"),
        },
    )
    assert response.status_code == 302, errors_of(response)
    evidence.refresh_from_db()
    assert (evidence.url, evidence.status) == ("https://parks.example/moved", SourceStatus.PENDING)


def rating_form(claim: Claim, reviewer: Any, **fields: Any) -> dict[str, Any]:
    return {
        "claim": claim.pk,
        "reviewer": reviewer.pk,
        "verdict": Verdict.FALSE,
        "confidence": "high",
        "rationale": "The report says 3,950.",
        **fields,
    }


def test_adding_a_rating_goes_through_the_service(admin_client: Client) -> None:
    claim, reviewer = ClaimFactory.create(), UserFactory.create(roles=["reviewer"])
    response = admin_client.post(url_of(Rating, "add"), rating_form(claim, reviewer))
    assert response.status_code == 302, errors_of(response)
    rating = Rating.objects.get()
    assert (rating.claim, rating.reviewer, rating.verdict) == (claim, reviewer, Verdict.FALSE)
    assert response["Location"] == url_of(Rating)


@pytest.mark.parametrize(
    "who", [{"roles": []}, {"roles": ["reviewer"], "is_active": False}], ids=["no role", "inactive"]
)
def test_a_rating_in_the_name_of_someone_who_is_not_a_reviewer_is_a_form_error(
    admin_client: Client, who: dict[str, Any]
) -> None:
    claim, someone = ClaimFactory.create(), UserFactory.create(**who)
    response = admin_client.post(url_of(Rating, "add"), rating_form(claim, someone))
    assert response.status_code == 200
    assert "is not an active reviewer or editor" in errors_of(response)
    assert not Rating.objects.exists()


def test_a_second_rating_by_the_same_reviewer_shows_an_error_and_creates_nothing(
    admin_client: Client,
) -> None:
    first = RatingFactory.create(verdict=Verdict.TRUE)
    response = admin_client.post(url_of(Rating, "add"), rating_form(first.claim, first.reviewer))
    assert "This reviewer has already rated this claim" in errors_of(response)
    assert Rating.objects.count() == 1
    first.refresh_from_db()
    assert first.verdict == Verdict.TRUE


def test_a_rating_without_rationale_shows_a_form_error(admin_client: Client) -> None:
    claim, reviewer = ClaimFactory.create(), UserFactory.create()
    response = admin_client.post(url_of(Rating, "add"), rating_form(claim, reviewer, rationale=" "))
    assert "rationale" in response.context["adminform"].form.errors
    assert not Rating.objects.exists()


def test_changing_a_rating_updates_it_through_the_service(admin_client: Client) -> None:
    rating = RatingFactory.create(verdict=Verdict.TRUE)
    response = admin_client.post(
        url_of(Rating, "change", rating.pk),
        {"verdict": Verdict.MIXED, "confidence": "low", "rationale": "  Partly.  "},
    )
    assert response.status_code == 302, errors_of(response)
    rating.refresh_from_db()
    assert (rating.verdict, rating.confidence, rating.rationale) == (
        Verdict.MIXED,
        "low",
        "Partly.",
    )
    assert Rating.objects.count() == 1
    assert rating.history.count() == 2


def test_quote_check_list_costs_the_same_queries_for_many_rows(admin_client: Client) -> None:
    from claims.models import QuoteCheck

    def make(n: int) -> None:
        for _ in range(n):
            source = SourceFactory.create()
            claim = ClaimFactory.create(article=source.article)
            QuoteCheck.objects.create(claim=claim, source=source, quote="q", result="exact")

    url = "/admin/claims/quotecheck/"
    make(1)
    few = queries_to_render(admin_client, url)
    make(20)
    assert queries_to_render(admin_client, url) == few
