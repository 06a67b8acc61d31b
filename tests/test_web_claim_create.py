"""Marking a claim from the reader: a selection's offsets, or a typed quote; clear errors."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Claim
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

QUOTE = "If the survival rate holds, Riverside will reach 30 percent canopy by 2035."


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def post(client: Client, article, htmx: bool = False, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/articles/{article.pk}/claims/new/", data, headers=headers)


def test_a_selection_becomes_a_claim_with_its_kind_and_sources(
    client_: Client, sample_article, reviewer
):
    start = sample_article.text.index(QUOTE)
    source = sample_article.sources.get(anchor_text="university survey")
    response = post(
        client_,
        sample_article,
        quote=QUOTE,
        start=start,
        end=start + len(QUOTE),
        kind="quote",
        sources=[source.pk],
    )
    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/articles/{sample_article.pk}/?marked={claim.pk}#hl-{claim.pk}"
    assert (claim.start, claim.end, claim.quote, claim.kind) == (
        start,
        start + len(QUOTE),
        QUOTE,
        "quote",
    )
    assert list(claim.sources.all()) == [source]
    assert claim.created_by == reviewer


def test_from_htmx_the_browser_is_sent_to_the_reader(client_: Client, sample_article):
    response = post(client_, sample_article, htmx=True, quote=QUOTE, kind="factual")
    claim = Claim.objects.get()
    assert response.status_code == 200
    assert (
        response["HX-Redirect"] == f"/articles/{sample_article.pk}/?marked={claim.pk}#hl-{claim.pk}"
    )


def test_a_typed_quote_is_found_in_the_text(client_: Client, sample_article):
    post(client_, sample_article, quote=f"  {QUOTE}\n", kind="factual")
    claim = Claim.objects.get()
    assert sample_article.text[claim.start : claim.end] == QUOTE


def form_errors(response) -> str:
    return response.content.decode()


def test_a_quote_found_several_times_asks_for_a_longer_one(client_: Client, sample_article):
    response = post(client_, sample_article, htmx=True, quote="Riverside", kind="factual")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="claim-form"' in html
    assert "<html" not in html
    assert "These words appear" in html
    assert "select the passage in the text, or type more of the sentence" in html
    assert not Claim.objects.exists()


def test_a_quote_not_in_the_article_says_so(client_: Client, sample_article):
    response = post(client_, sample_article, quote="The moon is made of cheese.", kind="factual")
    assert response.status_code == 422
    assert "does not appear in the article" in response.content.decode()


def test_offsets_that_do_not_hold_the_quote_are_refused(client_: Client, sample_article):
    response = post(client_, sample_article, quote=QUOTE, start=0, end=len(QUOTE), kind="factual")
    assert response.status_code == 422
    assert "not the quote given" in response.content.decode()


def test_an_empty_selection_asks_for_a_passage(client_: Client, sample_article):
    response = post(client_, sample_article, quote="   ", kind="factual")
    assert response.status_code == 422
    assert "Select a passage in the article, or type it." in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"start": "abc", "end": "12"},
        {"start": "-5", "end": "3"},
        {"start": "10", "end": "99999999999999999999"},
        {"start": "50", "end": "10"},
        {"start": "0", "end": "900000"},
        {"kind": "gossip"},
        {"sources": ["x"]},
        {"sources": ["99999999"]},
    ],
)
def test_malformed_input_is_an_error_never_a_crash(client_: Client, sample_article, data):
    response = post(client_, sample_article, **{"quote": QUOTE, "kind": "factual", **data})
    assert response.status_code == 422
    assert not Claim.objects.exists()


def test_a_source_of_another_article_cannot_be_chosen(client_: Client, sample_article):
    other = SourceFactory.create()
    response = post(client_, sample_article, quote=QUOTE, kind="factual", sources=[other.pk])
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_the_same_passage_twice_is_refused(client_: Client, sample_article):
    post(client_, sample_article, quote=QUOTE, kind="factual")
    response = post(client_, sample_article, quote=QUOTE, kind="opinion")
    assert response.status_code == 422
    assert "already exists" in response.content.decode()
    assert Claim.objects.count() == 1


def test_the_form_also_works_as_a_page_without_javascript(client_: Client, sample_article):
    response = client_.get(f"/articles/{sample_article.pk}/claims/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mark a claim</h1>" in html
    assert html.count('name="sources"') == sample_article.sources.count()
    assert f'href="/articles/{sample_article.pk}/"' in html


def test_after_an_error_the_choices_made_are_kept(client_: Client, sample_article):
    source = sample_article.sources.first()
    response = post(client_, sample_article, quote="Riverside", kind="opinion", sources=[source.pk])
    html = response.content.decode()
    assert f'value="{source.pk}" checked' in html
    assert 'value="opinion" required id="claim-kind_3" checked' in html
