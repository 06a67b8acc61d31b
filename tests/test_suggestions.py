"""Suggested claims over the API and in the reader: reading, marking, dismissing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from claims.models import ArticleStatus, Claim, DismissedSuggestion
from claims.services.articles import article_import
from claims.services.suggestions import _overlap_test, article_suggestions, suggestion_dismiss
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

CANOPY = "The city's canopy now covers 23 percent of its area"


def url(article, tail: str = "") -> str:
    return f"/api/v1/articles/{article.pk}/suggestions/{tail}"


def span_of(article, words: str) -> dict[str, int]:
    best = next(s for s in article_suggestions(article=article, limit=100) if words in s.text)
    return {"start": best.start, "end": best.end}


# --- Service -------------------------------------------------------------------


def test_suggestions_leave_out_sentences_already_marked(sample_article) -> None:
    canopy = span_of(sample_article, CANOPY)
    ClaimFactory.create(article=sample_article, start=canopy["start"] + 4, end=canopy["end"] - 4)

    texts = [s.text for s in article_suggestions(article=sample_article, limit=100)]

    assert not any(CANOPY in t for t in texts)
    assert texts


def test_a_dismissed_suggestion_is_hidden_for_the_team(sample_article, reviewer) -> None:
    canopy = span_of(sample_article, CANOPY)
    suggestion_dismiss(article=sample_article, actor=reviewer, **canopy)
    suggestion_dismiss(article=sample_article, actor=reviewer, **canopy)  # twice is once

    texts = [s.text for s in article_suggestions(article=sample_article, limit=100)]
    assert not any(CANOPY in t for t in texts)
    assert DismissedSuggestion.objects.get().by == reviewer


def test_a_user_without_a_role_may_not_dismiss(sample_article) -> None:
    nobody = UserFactory.create()
    with pytest.raises(PermissionDenied, match="reviewers and editors"):
        suggestion_dismiss(article=sample_article, actor=nobody, start=0, end=5)
    assert not DismissedSuggestion.objects.exists()


# --- API -----------------------------------------------------------------------


def test_the_api_lists_suggestions_best_first(reviewer_api, sample_article) -> None:
    response = reviewer_api.get(url(sample_article), {"limit": 3})

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    assert set(body[0]) == {"start", "end", "text", "score", "kind", "reasons"}
    assert [s["score"] for s in body] == sorted((s["score"] for s in body), reverse=True)
    assert all(sample_article.text[s["start"] : s["end"]] == s["text"] for s in body)
    assert CANOPY in body[0]["text"]


def test_the_limit_defaults_to_twenty_and_a_bad_one_is_refused(reviewer_api, sample_article):
    assert len(reviewer_api.get(url(sample_article)).json()) <= 20
    response = reviewer_api.get(url(sample_article), {"limit": "lots"})
    assert response.status_code == 400
    assert "limit" in response.content.decode()


def test_suggestions_follow_the_article_read_permission(api, sample_article) -> None:
    assert api.get(url(sample_article)).status_code == 404  # a draft is not public
    sample_article.status = ArticleStatus.PUBLISHED
    sample_article.save()
    assert api.get(url(sample_article)).status_code == 200


def test_dismissing_over_the_api(reviewer_api, sample_article) -> None:
    canopy = span_of(sample_article, CANOPY)

    response = reviewer_api.post(url(sample_article, "dismiss/"), canopy, format="json")

    assert response.status_code == 201
    texts = [s["text"] for s in reviewer_api.get(url(sample_article), {"limit": 100}).json()]
    assert not any(CANOPY in t for t in texts)


def test_dismissing_outside_the_text_is_a_clear_error(reviewer_api, sample_article) -> None:
    body = {"start": 5, "end": len(sample_article.text) + 10}
    response = reviewer_api.post(url(sample_article, "dismiss/"), body, format="json")
    assert response.status_code == 400
    assert "outside the article" in response.content.decode()
    assert not DismissedSuggestion.objects.exists()


def test_anonymous_readers_may_not_dismiss(api, sample_article) -> None:
    sample_article.status = ArticleStatus.PUBLISHED
    sample_article.save()
    response = api.post(url(sample_article, "dismiss/"), {"start": 0, "end": 5}, format="json")
    assert response.status_code in (401, 403)
    assert not DismissedSuggestion.objects.exists()


# --- Reader --------------------------------------------------------------------


@pytest.fixture
def client_(client: Client, reviewer) -> Client:
    client.force_login(reviewer)
    return client


def test_the_reader_lists_ten_suggestions_with_reasons(client_: Client, sample_article) -> None:
    page = client_.get(f"/articles/{sample_article.pk}/").content.decode()

    assert "Suggested claims" in page
    panel = page[page.index('id="suggestions"') :]
    assert 0 < panel.count('class="suggestion"') <= 10
    assert "attributed: &#x27;according to&#x27;" in panel
    assert "Mark this sentence" in panel
    assert "Dismiss" in panel


def test_marking_a_suggestion_makes_a_claim_of_its_kind(client_: Client, sample_article) -> None:
    best = span_of(sample_article, "Councillor Dana Ruiz said")
    suggestion = next(
        s for s in article_suggestions(article=sample_article) if s.start == best["start"]
    )
    data = {**best, "quote": suggestion.text, "kind": suggestion.kind}

    response = client_.post(f"/articles/{sample_article.pk}/claims/new/", data)

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.start, claim.end, claim.kind) == (best["start"], best["end"], "quote")
    page = client_.get(f"/articles/{sample_article.pk}/").content.decode()
    assert "Councillor Dana Ruiz said" not in page[page.index('id="suggestions"') :]


def test_dismissing_from_the_reader_with_htmx(client_: Client, sample_article) -> None:
    canopy = span_of(sample_article, CANOPY)

    response = client_.post(
        f"/articles/{sample_article.pk}/suggestions/dismiss/",
        canopy,
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'id="suggestions"' in response.content.decode()
    assert CANOPY not in response.content.decode()
    assert DismissedSuggestion.objects.filter(article=sample_article, **canopy).exists()


def test_a_bad_dismissal_from_the_reader_says_so(client_: Client, sample_article) -> None:
    response = client_.post(
        f"/articles/{sample_article.pk}/suggestions/dismiss/", {"start": "x"}, follow=True
    )
    assert response.status_code == 200
    assert "could not be found" in response.content.decode()
    assert not DismissedSuggestion.objects.exists()


def test_a_user_without_a_role_may_not_dismiss_from_the_reader(client: Client, sample_article):
    client.force_login(UserFactory.create())
    response = client.post(
        f"/articles/{sample_article.pk}/suggestions/dismiss/", span_of(sample_article, CANOPY)
    )
    assert response.status_code == 403
    assert not DismissedSuggestion.objects.exists()


def test_a_line_about_the_author_and_the_repeated_headline_are_not_suggested(reviewer) -> None:
    article = article_import(
        content=(
            "Council spent 4.2 million on 3,100 trees in 2023\n\n"
            "The council spent $4.2 million on 3,100 street trees in 2023, according to its "
            "annual report.\n\n"
            "Ana Ruiz (Ledger): The city cut 1,200 trees in 2022, the parks department said.\n\n"
            "Ana Ruiz, a Bangkok-based writer, has reported from 40 countries since 2010."
        ),
        source_format="text",
        title="Council spent 4.2 million on 3,100 trees in 2023",
        byline="By Ana Ruiz",
        imported_by=reviewer,
    )

    texts = [suggestion.text for suggestion in article_suggestions(article=article)]

    assert any(text.startswith("The council spent") for text in texts)
    assert not any(text.startswith("Ana Ruiz,") for text in texts)
    assert not any(text.startswith("Council spent") for text in texts)
    # A dateline with the author's name is no bio: the claim after it is suggested.
    assert any(text.startswith("Ana Ruiz (Ledger)") for text in texts)


_SPAN = st.tuples(st.integers(0, 60), st.integers(1, 20)).map(lambda p: (p[0], p[0] + p[1]))


@given(claims=st.lists(_SPAN, max_size=12), sentence=_SPAN)
def test_a_sentence_overlaps_the_claims_exactly_when_one_of_them_shares_a_character(
    claims: list[tuple[int, int]], sentence: tuple[int, int]
) -> None:
    start, end = sentence
    shares = any(a < end and b > start for a, b in claims)
    assert _overlap_test(claims)(start, end) is shares
