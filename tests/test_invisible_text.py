"""Text a person must write cannot be made of invisible characters, and what they write is
stored without control characters or the bidirectional ones that disguise it."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from claims.models import Article, Claim, Evidence, Rating, Source, SourceStatus, Stance, Verdict
from claims.pipeline.fetches import run_fetch
from claims.services.articles import article_import, article_import_url, article_update
from claims.services.claims import claim_create
from claims.services.evidence import evidence_create, evidence_update
from editorial.models import Comment
from editorial.services.comments import comment_create
from editorial.services.ratings import rating_submit
from editorial.services.workflow import claim_publish, claim_transition
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory
from tests.webserver import article_page
from tests.workflow import make_ready, rate

pytestmark = pytest.mark.django_db

# Zero-width space, word joiner, byte order mark, soft hyphen, right-to-left
# mark, an override, a no-break space and a newline: nothing a reader can see.
INVISIBLE = "\u200b\u2060\ufeff\u00ad\u200f\u202e\u00a0\n\u200b"
# Text that looks like "Mayor resigns" while it is stored in another order.
SPOOFED = "Mayor \u202esngiser\u202c\x07\x1b today\u2066\u2069"


def test_a_rating_rationale_of_invisible_characters_is_refused(reviewer) -> None:
    claim = ClaimFactory.create()

    with pytest.raises(ValidationError) as refused:
        rating_submit(claim=claim, reviewer=reviewer, verdict=Verdict.FALSE, rationale=INVISIBLE)

    assert "rationale" in refused.value.message_dict
    assert not Rating.objects.exists()


def test_a_rating_rationale_keeps_its_lines_but_loses_controls(reviewer) -> None:
    claim = ClaimFactory.create()

    rating, _ = rating_submit(
        claim=claim,
        reviewer=reviewer,
        verdict=Verdict.FALSE,
        rationale="\u200b First,\x1b[0m the report.\r\n\tSecond:\u202e none. ",
    )

    assert rating.rationale == "First,[0m the report.\n\tSecond: none."


def test_an_invisible_rationale_over_the_api_is_a_400_naming_it(reviewer_api) -> None:
    claim = ClaimFactory.create()

    response = reviewer_api.put(
        f"/api/v1/claims/{claim.pk}/my-rating/",
        {"verdict": "false", "rationale": INVISIBLE},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "rationale" in json.loads(response.content)["errors"]
    assert not Rating.objects.exists()


def test_a_comment_of_invisible_characters_is_refused(reviewer) -> None:
    claim = ClaimFactory.create()

    with pytest.raises(ValidationError, match="Write something"):
        comment_create(claim=claim, author=reviewer, body=INVISIBLE)

    assert not Comment.objects.exists()


def test_evidence_with_only_an_invisible_excerpt_is_refused(reviewer) -> None:
    claim = ClaimFactory.create()

    with pytest.raises(ValidationError, match="needs a URL, a quoted excerpt"):
        evidence_create(claim=claim, author=reviewer, stance=Stance.REFUTES, excerpt=INVISIBLE)
    assert not Evidence.objects.exists()


def test_an_evidence_excerpt_cannot_be_changed_to_invisible_characters(reviewer) -> None:
    evidence = EvidenceFactory.create(
        url="", excerpt="The council voted no.", status="needs_url", author=reviewer
    )

    with pytest.raises(ValidationError, match="needs a URL, a quoted excerpt"):
        evidence_update(evidence=evidence, user=reviewer, excerpt=INVISIBLE)

    evidence.refresh_from_db()
    assert evidence.excerpt == "The council voted no."


def test_a_claim_quote_of_invisible_characters_is_refused(reviewer) -> None:
    article = ArticleFactory.create()

    with pytest.raises(ValidationError, match="Give the quote"):
        claim_create(article=article, created_by=reviewer, quote=INVISIBLE)
    assert not Claim.objects.exists()


def test_an_article_title_cannot_be_changed_to_invisible_characters(editor) -> None:
    article = ArticleFactory.create(title="Council budget")

    with pytest.raises(ValidationError) as refused:
        article_update(article=article, user=editor, title=INVISIBLE)

    assert "title" in refused.value.message_dict
    article.refresh_from_db()
    assert article.title == "Council budget"


def test_an_article_of_invisible_characters_is_not_imported(editor) -> None:
    with pytest.raises(ValidationError, match="empty"):
        article_import(content=INVISIBLE * 10, source_format="text", imported_by=editor)
    assert not Article.objects.exists()


def test_publishing_needs_a_visible_rationale_and_override_note(editor) -> None:
    claim = ClaimFactory.create()
    rate(claim, Verdict.FALSE, Verdict.FALSE)
    make_ready(claim, editor)

    with pytest.raises(ValidationError) as no_rationale:
        claim_publish(claim=claim, editor=editor, verdict=Verdict.FALSE, rationale=INVISIBLE)
    with pytest.raises(ValidationError) as no_note:
        claim_publish(
            claim=claim, editor=editor, verdict=Verdict.TRUE, rationale="Yes.", note=INVISIBLE
        )

    assert set(no_rationale.value.message_dict) == {"rationale"}
    assert set(no_note.value.message_dict) == {"note"}


def test_a_move_that_needs_a_note_refuses_an_invisible_one(editor) -> None:
    claim = ClaimFactory.create()
    make_ready(claim, editor)

    with pytest.raises(ValidationError) as refused:
        claim_transition(claim=claim, to_status="rejected", user=editor, note=INVISIBLE)

    assert set(refused.value.message_dict) == {"note"}


# --- Single-line fields -----------------------------------------------------------


def test_titles_bylines_and_publishers_lose_controls_and_bidi_characters(editor) -> None:
    article = article_import(
        content="# Heading\n\nBody text.",
        source_format="markdown",
        title=SPOOFED,
        imported_by=editor,
    )

    article_update(article=article, user=editor, byline=f"By {SPOOFED}", publisher=SPOOFED)

    article.refresh_from_db()
    assert article.title == "Mayor sngiser today"
    assert article.byline == "By Mayor sngiser today"
    assert article.publisher == "Mayor sngiser today"


def test_a_heading_used_as_the_title_loses_its_bidi_characters(reviewer) -> None:
    article = article_import(
        content="# Mayor \u202esngiser\u202c\u200f today\n\nBody text.",
        source_format="markdown",
        imported_by=reviewer,
    )

    assert article.title == "Mayor sngiser today"


def test_an_article_imported_from_a_url_gets_a_clean_title(editor) -> None:
    article = article_import_url(url="https://example.org/a", title=SPOOFED, imported_by=editor)

    assert article.title == "Mayor sngiser today"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (article_page("Mayor \u202esngiser\u202c\u200f\t today", "Body. " * 50), "text/html"),
        ("Mayor \u202esngiser\u202c\x1b\u200f today\n\n" + "Body. " * 50, "text/plain"),
    ],
    ids=["html", "text"],
)
def test_a_fetched_page_title_loses_its_bidi_and_control_characters(
    pages, body: str, content_type: str
) -> None:
    url = pages.add("/spoof", body, content_type=f"{content_type}; charset=utf-8")
    source = SourceFactory.create(url=url, href=url, status=SourceStatus.PENDING)

    run_fetch(Source, source.pk, task_id="task-1", final_attempt=True)

    assert source.snapshots.get().title == "Mayor sngiser today"
