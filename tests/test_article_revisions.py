"""Revisions of an article: a new version re-anchors every claim and source in it.

Three news articles (tests/data/revisions/) are edited the way newsrooms edit: a
correction note added at the top, a sentence reworded, paragraphs moved, one deleted, a
number corrected, a typo fixed, lines re-wrapped and quote marks made curly, a link's
address corrected and another one added.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import Signal

from claims import events
from claims.models import (
    AnchorState,
    Article,
    ArticleRevision,
    ArticleStatus,
    Claim,
    RevisionOrigin,
    SourceStatus,
)
from claims.services.articles import article_import
from claims.services.claims import claim_create, claim_update
from claims.services.revisions import article_revise, orphan_accept, orphan_dismiss
from editorial.services.ratings import rating_submit
from web.diff import word_diff

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "revisions"

SAME, CHANGED, ORPHANED = AnchorState.CURRENT, AnchorState.CHANGED, AnchorState.ORPHANED

# (the words marked in version 1, what becomes of them in version 2, their words there)
FERRY_CLAIMS: list[tuple[str, str, str | None]] = [
    (
        "The city council voted 7-2 on Tuesday night to buy two electric ferries for the "
        "harbour crossing",
        SAME,
        None,
    ),
    ("The ferries will cost $38.5 million", SAME, None),
    ("are due to enter service in the spring of 2028", SAME, None),
    (  # straight quotes made curly
        '"This is the biggest investment in public transport this city has made in a generation,"',
        SAME,
        "“This is the biggest investment in public transport this city has made in a generation,”",
    ),
    (  # the paragraph moved down
        'the city had "no credible plan" to pay for the chargers at both terminals',
        SAME,
        None,
    ),
    (  # reworded
        "He estimated their cost at $6 million",
        CHANGED,
        "He put their cost at about $6 million",
    ),
    (  # the number corrected, and the paragraph moved up
        "About 4,200 people cross the harbour by ferry on a typical weekday",
        CHANGED,
        "About 2,400 people cross the harbour by ferry on a typical weekday",
    ),
    ("The current diesel boats are more than 40 years old.", SAME, None),
    ("the switch will cut the crossing's carbon emissions by 85 percent", SAME, None),
    ("Diesel ferries account for roughly a fifth of the city's transport emissions", SAME, None),
    ("A monthly pass currently costs $64.", SAME, None),
    (  # the paragraph deleted
        "the last ferry order, in 1984, ran two years late and 30 percent over budget",
        ORPHANED,
        None,
    ),
    ("The shipyard that built those boats closed in 1997.", ORPHANED, None),
    ("Three shipyards, in Norway, Finland and Canada, have said they will bid.", SAME, None),
    ("a public meeting on 14 March at the Harbour Hall", SAME, None),
]

CLINIC_CLAIMS: list[tuple[str, str, str | None]] = [
    (
        "Patients in Hollow County now wait an average of 19 days for a routine appointment "
        "with a family doctor",
        SAME,
        None,
    ),
    ("up from nine days in 2023", SAME, None),
    ("Eleven of the county's 64 family doctors retired last year", SAME, None),
    ("only four new ones were hired", SAME, None),
    (  # a curly apostrophe
        "who chairs the board's workforce committee",
        SAME,
        "who chairs the board\u2019s workforce committee",
    ),
    ("the Millbrook clinic reported an average of 41 days", SAME, None),
    (  # the paragraph deleted
        "Nurse practitioners could take on up to a third of routine visits",
        ORPHANED,
        None,
    ),
    (
        "The county's budget for recruitment is $1.2 million this year, the same as in 2022.",
        SAME,
        None,
    ),
    (  # a typo fixed
        "The health board will present a recruitment plan to the county commision in June.",
        CHANGED,
        "The health board will present a recruitment plan to the county commission in June.",
    ),
]

BRIDGE_CLAIMS: list[tuple[str, str, str | None]] = [
    (  # the line now wraps: only whitespace changed
        "The Old Mill Bridge will close to traffic on 3 May for six months while engineers "
        "replace its deck",
        SAME,
        "The Old Mill Bridge will close to traffic on 3 May for six months while engineers\n"
        "replace its deck",
    ),
    ("corrosion in 14 of the bridge's 22 steel beams", SAME, None),
    ("carries about 11,000 vehicles a day", SAME, None),
    ("Drivers will be sent on a detour of 7 miles through Greyford.", SAME, None),
    (
        '"We know this will be hard for people who cross it twice a day,"',
        SAME,
        "“We know this will be hard for people who cross it twice a day,”",
    ),
    (  # the paragraph moved up
        "The repairs will cost $9.8 million, paid mostly by a federal grant.",
        SAME,
        None,
    ),
]

ARTICLES = [
    ("ferry", "markdown", FERRY_CLAIMS),
    ("clinic", "html", CLINIC_CLAIMS),
    ("bridge", "text", BRIDGE_CLAIMS),
]
SUFFIX = {"markdown": "md", "html": "html", "text": "txt"}


def version(name: str, fmt: str, number: int) -> str:
    return (DATA / f"{name}-v{number}.{SUFFIX[fmt]}").read_text(encoding="utf-8")


def imported(name: str, fmt: str, quotes: list[str], user: Any) -> tuple[Article, list[Claim]]:
    article = article_import(
        content=version(name, fmt, 1), source_format=fmt, url="", imported_by=user
    )
    claims = [claim_create(article=article, created_by=user, quote=q) for q in quotes]
    return article, claims


def revision_of(claim: Claim) -> int | None:
    return claim.revision.number if claim.revision is not None else None


class Heard:
    def __init__(self, signal: Signal) -> None:
        self.calls: list[dict[str, Any]] = []
        signal.connect(self.hear, weak=False)
        self.signal = signal

    def hear(self, sender: Any, **kwargs: Any) -> None:
        self.calls.append(kwargs)


@pytest.fixture
def wording_changes() -> Any:
    heard = Heard(events.claim_wording_changed)
    yield heard
    events.claim_wording_changed.disconnect(heard.hear)


@pytest.mark.parametrize(("name", "fmt", "expected"), ARTICLES, ids=[a[0] for a in ARTICLES])
def test_a_newsroom_edit_keeps_changes_or_orphans_each_claim(
    name: str,
    fmt: str,
    expected: list[tuple[str, str, str | None]],
    reviewer,
    wording_changes,
    django_capture_on_commit_callbacks,
):
    article, claims = imported(name, fmt, [quote for quote, _, _ in expected], reviewer)
    old_text = article.text
    with django_capture_on_commit_callbacks(execute=True):
        outcome = article_revise(
            article=article, user=reviewer, content=version(name, fmt, 2), source_format=fmt
        )
    assert outcome.revision is not None
    assert outcome.revision.number == 2
    article.refresh_from_db()
    assert article.text == outcome.revision.text != old_text
    for claim, (quote, state, new_quote) in zip(claims, expected, strict=True):
        claim.refresh_from_db()
        assert (claim.anchor_state, claim.quote) == (state, new_quote or quote), quote
        if state == ORPHANED:
            assert revision_of(claim) == 1
            assert old_text[claim.start : claim.end] == quote  # kept on its revision
        else:
            assert claim.revision == outcome.revision
            assert article.text[claim.start : claim.end] == claim.quote
            assert claim.prefix == article.text[max(0, claim.start - 32) : claim.start]
        assert claim.quote_as_marked == (quote if state == CHANGED else "")
    counts = {s: sum(1 for _, st, _ in expected if st == s) for s in (SAME, CHANGED, ORPHANED)}
    assert outcome.summary == {
        "same": counts[SAME],
        "changed": counts[CHANGED],
        "orphaned": counts[ORPHANED],
    }
    assert outcome.revision.summary["same"] == counts[SAME]
    assert [(c["old_quote"], c["new_quote"]) for c in wording_changes.calls] == [
        (quote, new) for quote, state, new in expected if state == CHANGED
    ]


def test_a_corrected_number_is_the_word_flagged(reviewer):
    quote = "About 4,200 people cross the harbour by ferry on a typical weekday"
    article, [claim] = imported("ferry", "markdown", [quote], reviewer)
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 2))
    claim.refresh_from_db()
    old, new = word_diff(claim.quote_as_marked, claim.quote)
    assert [p.text for p in old if p.changed] == ["4,200"]
    assert [p.text for p in new if p.changed] == ["2,400"]


def test_an_orphaned_claim_is_offered_its_closest_passage_and_can_take_it(reviewer):
    quote = "He estimated their cost at $6 million"
    text = version("ferry", "markdown", 1)
    article, [claim] = imported("ferry", "markdown", [quote], reviewer)
    rewritten = text.replace(
        "He estimated their cost at $6 million",
        "His own estimate for those chargers was six million dollars",
    )
    article_revise(article=article, user=reviewer, content=rewritten)
    claim.refresh_from_db()
    assert claim.anchor_state == ORPHANED
    assert "estimate" in claim.anchor_candidate["text"]
    orphan_accept(claim=claim, user=reviewer)
    claim.refresh_from_db()
    article.refresh_from_db()
    assert claim.anchor_state == CHANGED
    assert claim.quote == article.text[claim.start : claim.end] == claim.quote
    assert claim.quote_as_marked == quote
    assert revision_of(claim) == 2


def test_a_dismissed_orphan_stays_on_its_revision_and_is_not_looked_for_again(reviewer):
    quote = "The shipyard that built those boats closed in 1997."
    article, [claim] = imported("ferry", "markdown", [quote], reviewer)
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 2))
    claim.refresh_from_db()
    orphan_dismiss(claim=claim, user=reviewer)
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 1))
    claim.refresh_from_db()
    assert (claim.anchor_state, revision_of(claim)) == (ORPHANED, 1)
    assert claim.orphan_dismissed_at is not None
    with pytest.raises(ValidationError):
        orphan_dismiss(claim=claim, user=reviewer)


def test_an_orphan_comes_back_when_its_words_return(reviewer):
    quote = "The shipyard that built those boats closed in 1997."
    article, [claim] = imported("ferry", "markdown", [quote], reviewer)
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 2))
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 1))
    claim.refresh_from_db()
    assert (claim.anchor_state, revision_of(claim)) == (SAME, 3)


def test_the_same_text_again_makes_no_revision_and_says_so(reviewer):
    article, _ = imported("bridge", "text", [], reviewer)
    outcome = article_revise(article=article, user=reviewer, content=version("bridge", "text", 1))
    assert outcome.revision is None
    assert outcome.message == "The text is the same as revision 1: no new revision."
    assert ArticleRevision.objects.filter(article=article).count() == 1


def test_links_are_matched_again_new_ones_fetched_removed_ones_kept(
    reviewer, django_capture_on_commit_callbacks
):
    article, _ = imported("ferry", "markdown", [], reviewer)
    before = {s.href: s for s in article.sources.all()}
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = article_revise(
            article=article, user=reviewer, content=version("ferry", "markdown", 2)
        )
    sources = {s.anchor_text: s for s in article.sources.order_by("position")}
    budget = sources["council's budget papers"]
    assert budget.pk == before["https://eastport.example.gov/budget/2026-ferries.pdf"].pk
    assert article.text[budget.start : budget.end] == "council's budget papers"
    survey = sources["2025 ridership survey"]  # its address was corrected
    assert survey.pk == before["https://eastport.example.gov/transport/ridership-2025"].pk
    assert survey.url.endswith("ridership-2025-final")
    assert survey.status == SourceStatus.PENDING
    tender = sources["Read the tender notice"]
    assert tender.pk not in {s.pk for s in before.values()}
    assert set(outcome.source_ids) == {survey.pk, tender.pk}
    assert all(s.in_text for s in sources.values())
    assert [s.position for s in article.sources.order_by("position")] == [1, 2, 3, 4]
    assert outcome.sources_new == 1
    assert outcome.sources_removed == 0
    assert callbacks  # the fetches are queued after commit


def test_a_deleted_link_is_no_longer_in_the_text_and_keeps_its_snapshots(reviewer):
    from tests.factories import SnapshotFactory

    article, _ = imported("clinic", "html", [], reviewer)
    study = article.sources.get(anchor_text="university study")
    SnapshotFactory.create(source=study)
    outcome = article_revise(article=article, user=reviewer, content=version("clinic", "html", 2))
    study.refresh_from_db()
    assert not study.in_text
    assert study.snapshots.count() == 1
    assert outcome.sources_removed == 1
    assert article.sources.filter(in_text=True).count() == 1


def test_a_rated_claim_whose_words_changed_is_changed_since_rated(reviewer, second_reviewer):
    quote = "He estimated their cost at $6 million"
    article, [claim] = imported("ferry", "markdown", [quote], reviewer)
    rating_submit(claim=claim, reviewer=second_reviewer, verdict="mostly_true", rationale="ok")
    article_revise(article=article, user=reviewer, content=version("ferry", "markdown", 2))
    claim.refresh_from_db()
    assert claim.anchor_state == CHANGED
    assert claim.ratings.count() == 1


def test_revision_one_is_the_import(reviewer):
    article, [claim] = imported("bridge", "text", ["carries about 11,000 vehicles a day"], reviewer)
    first = article.revisions.get()
    assert (first.number, first.origin, first.text) == (1, RevisionOrigin.PASTED, article.text)
    assert claim.revision == first


def test_reviewers_revise_unpublished_articles_and_editors_published_ones(reviewer, editor):
    article, _ = imported("bridge", "text", [], reviewer)
    Article.objects.filter(pk=article.pk).update(status=ArticleStatus.PUBLISHED)
    article.refresh_from_db()
    new = version("bridge", "text", 2)
    with pytest.raises(PermissionDenied, match="only editors"):
        article_revise(article=article, user=reviewer, content=new)
    assert article_revise(article=article, user=editor, content=new).revision is not None


def test_an_orphan_moved_to_a_passage_by_hand_is_changed_in_the_latest_revision(editor):
    quote = "The shipyard that built those boats closed in 1997."
    article, [claim] = imported("ferry", "markdown", [quote], editor)
    article_revise(article=article, user=editor, content=version("ferry", "markdown", 2))
    claim.refresh_from_db()
    claim_update(claim=claim, user=editor, quote="The current diesel boats are more than 40")
    claim.refresh_from_db()
    assert (claim.anchor_state, revision_of(claim)) == (CHANGED, 2)
    assert claim.quote_as_marked == quote


def test_an_article_with_revisions_and_claims_can_be_deleted(reviewer, editor):
    from claims.services.articles import article_delete

    article, _ = imported("bridge", "text", ["carries about 11,000 vehicles a day"], reviewer)
    article_revise(article=article, user=reviewer, content=version("bridge", "text", 2))
    article_delete(article=article, user=editor)
    assert not ArticleRevision.objects.exists()
    assert not Claim.objects.exists()
