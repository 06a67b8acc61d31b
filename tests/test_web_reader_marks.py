"""The reader's quiet marks: claims checked before, and suggested sentences in the text."""

from __future__ import annotations

import html as html_module
from typing import Any

import pytest
from django.test import Client

from claims.models import ArticleStatus, Verdict
from claims.services.suggestions import article_suggestions, suggestion_dismiss
from memory.models import ClaimMatch
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(client: Client, reviewer: Any) -> Client:
    client.force_login(reviewer)
    return client


def reader(client: Client, article: Any) -> str:
    return client.get(f"/articles/{article.pk}/").content.decode()


def test_a_claim_checked_before_carries_a_mark_with_the_published_verdict(
    client_: Client, editor: Any
) -> None:
    claim = ClaimFactory.create()
    alone = ClaimFactory.create(article=claim.article, start=30, end=40)
    checked = ClaimFactory.create(
        article=ArticleFactory.create(status=ArticleStatus.PUBLISHED, title="Last year")
    )
    publish(checked, editor, Verdict.FALSE)
    ClaimMatch.objects.create(claim=claim, other=checked, score=0.8)

    page = reader(client_, claim.article)

    assert page.count('class="checked-mark"') == 1
    said = (
        f"Checked before: 1 similar claim, closest C{checked.number} of "
        f"“Last year”; published verdict False (C{checked.number} of “Last year”)."
    )
    assert f'title="{html_module.escape(said)}"' in page
    ref = page[page.index(f'data-claim="{claim.pk}" href') :].split(">")[0]
    assert "Checked before" in html_module.unescape(ref)  # in the link's accessible name
    alone_ref = page[page.index(f'data-claim="{alone.pk}" href') :].split("</a>")[0]
    assert "checked-mark" not in alone_ref
    assert "Checked before" in page[page.index(f'id="claim-item-{claim.pk}"') :]


def test_suggested_sentences_are_underlined_in_the_text_until_dismissed(
    client_: Client, sample_article: Any, reviewer: Any
) -> None:
    suggestions = article_suggestions(article=sample_article, limit=10)
    first = suggestions[0]

    page = reader(client_, sample_article)
    body = page[: page.index('id="suggestions"')]
    assert f'data-suggestion="{first.start}-{first.end}"' in body
    assert body.count('class="suggested"') >= len(suggestions)

    suggestion_dismiss(article=sample_article, start=first.start, end=first.end, actor=reviewer)
    body = reader(client_, sample_article)
    assert f'data-suggestion="{first.start}-{first.end}"' not in body


def test_a_marked_sentence_is_no_longer_underlined(client_: Client, sample_article: Any) -> None:
    first = article_suggestions(article=sample_article, limit=10)[0]
    ClaimFactory.create(
        article=sample_article,
        start=first.start,
        end=first.end,
        quote=sample_article.text[first.start : first.end],
    )

    page = reader(client_, sample_article)

    assert f'data-suggestion="{first.start}-{first.end}"' not in page
