"""Silent edits of cited pages: a recheck that finds a page's main text edited stores the
word diff, checks the quotes again and announces it; dates, counters and typos are no edit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from claims import events
from claims.models import ClaimKind, QuoteCheck, QuoteResult, Source, SourceSnapshot, SourceStatus
from claims.tasks import fetch_source
from editorial.queues import QUEUES
from tests.factories import ArticleFactory, ClaimFactory, SourceFactory, UserFactory
from tests.webserver import PageServer, article_page
from tests.workflow import publish
from texts.edits import CUT, compare_texts, is_routine_change

QUOTE = "The city planted 4,000 trees in 2023"
FINDING = f"{QUOTE}, the parks department reported after its annual count of the streets."
PROSE = "Most of them were oaks and limes, planted along the river and in the new estates."


def census(date: str = "Updated 3 December 2026", finding: str = FINDING) -> str:
    return article_page("Tree census", date, finding, PROSE, "Comments: 12")


# --- What counts as an edit ----------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("The council met.\nIt voted.", "The  council met.\n\n  It voted. "),  # whitespace
        ("He said \u201cno\u201d.", 'He said "no".'),  # quote marks
        (
            "Updated 3 December 2026\nThe council met.",
            "Updated 4 Dec 2026, 10:30\nThe council met.",
        ),
        ("Posted 5 minutes ago\nText.", "Posted 2 hours ago\nText."),
        ("Text.\n1,234 views", "Text.\n1,301 views"),
    ],
)
def test_routine_changes_are_no_edit(old: str, new: str):
    assert not compare_texts(old, new).is_edit(min_words=1)


def test_a_changed_number_in_running_text_is_an_edit_whatever_the_threshold():
    comparison = compare_texts(FINDING, FINDING.replace("4,000", "3,000"))
    assert comparison.is_edit(min_words=50)
    assert ["-", "4,000"] in comparison.diff
    assert ["+", "3,000"] in comparison.diff


def test_a_change_of_fewer_words_than_the_threshold_is_no_edit():
    typo = compare_texts(PROSE, PROSE.replace("limes", "lime trees"))
    assert typo.words_changed == 2
    assert not typo.is_edit(min_words=3)
    assert typo.is_edit(min_words=2)


def test_a_line_that_is_not_short_is_never_routine():
    long_line = "On 3 December 2026 the council voted to plant trees along every street in town"
    assert not is_routine_change(long_line, long_line.replace("3 December", "5 January"))


def test_the_diff_keeps_only_the_words_around_the_changes_and_is_bounded():
    words = [f"word{n}" for n in range(5000)]
    old = " ".join(words)
    new = " ".join(w if n % 50 else "CHANGED" for n, w in enumerate(words))
    comparison = compare_texts(old, new, max_chars=2000)
    assert sum(len(text) for _, text in comparison.diff) <= 2000
    assert comparison.diff[-1] == [CUT, ""]
    kept = [text for op, text in compare_texts(old, old.replace("word2500", "X")).diff if op == "="]
    assert all(len(text.split()) <= 8 + 1 for text in kept)  # eight words and an ellipsis


# --- A recheck of a cited page -------------------------------------------------------


class Heard(list[dict[str, Any]]):
    pass


@pytest.fixture
def changes() -> Iterator[Heard]:
    heard = Heard()

    def receiver(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    events.source_changed.connect(receiver, weak=False)
    yield heard
    events.source_changed.disconnect(receiver)


@pytest.fixture
def cited(pages: PageServer, db) -> Source:
    url = pages.add("/census", census())
    article = ArticleFactory.create()
    source = SourceFactory.create(article=article, url=url, status=SourceStatus.PENDING)
    claim = ClaimFactory.create(article=article, kind=ClaimKind.QUOTE, start=0, end=len(QUOTE))
    claim.sources.set([source])
    return source


def fetch_again(source: Source, captured: Any) -> SourceSnapshot:
    Source.objects.filter(pk=source.pk).update(status=SourceStatus.PENDING)
    with captured(execute=True):
        assert fetch_source.apply(args=[source.pk]).get() == "done"
    return SourceSnapshot.objects.filter(source=source).latest()


@pytest.mark.django_db
def test_an_edited_cited_page_stores_the_diff_checks_the_quote_and_announces_it(
    cited: Source, pages: PageServer, changes: Heard, django_capture_on_commit_callbacks
):
    first = fetch_again(cited, django_capture_on_commit_callbacks)
    assert not first.text_changed
    assert QuoteCheck.objects.get(source=cited).result == QuoteResult.EXACT
    assert changes == []

    pages.add("/census", census(finding=FINDING.replace("4,000", "3,000")))
    second = fetch_again(cited, django_capture_on_commit_callbacks)
    assert second.text_changed
    assert ["-", "4,000"] in second.diff
    assert ["+", "3,000"] in second.diff
    check = QuoteCheck.objects.get(source=cited)
    assert check.snapshot_id == second.pk
    assert check.result != QuoteResult.EXACT
    (event,) = changes
    assert event["source"].pk == cited.pk
    assert event["snapshot"].pk == second.pk
    assert event["previous"].pk == first.pk


@pytest.mark.django_db
def test_a_change_in_the_date_line_only_is_no_edit(
    cited: Source, pages: PageServer, changes: Heard, django_capture_on_commit_callbacks
):
    fetch_again(cited, django_capture_on_commit_callbacks)
    pages.add(
        "/census",
        census(date="Updated 4 December 2026, 09:15").replace("Comments: 12", "Comments: 15"),
    )
    later = fetch_again(cited, django_capture_on_commit_callbacks)
    assert later.text != SourceSnapshot.objects.filter(source=cited).earliest().text
    assert not later.text_changed
    assert later.diff == []
    assert changes == []


@pytest.mark.django_db
def test_a_published_fact_check_whose_source_changed_is_flagged_for_editors(
    cited: Source, pages: PageServer, django_capture_on_commit_callbacks
):
    editor = UserFactory.create(roles=["editor"])
    reviewer = UserFactory.create(roles=["reviewer"])
    claim = cited.claims.get()
    fetch_again(cited, django_capture_on_commit_callbacks)
    publish(claim, editor, "true")
    queue = QUEUES["source_changed"]
    assert not queue.claims().filter(pk=claim.pk).exists()

    pages.add("/census", census(finding=FINDING.replace("4,000", "3,000")))
    fetch_again(cited, django_capture_on_commit_callbacks)
    assert list(queue.claims_seen_by(editor).values_list("pk", flat=True)) == [claim.pk]
    assert not queue.claims_seen_by(reviewer).exists()


def test_a_page_rewritten_wholesale_is_one_edit_without_matching_word_by_word():
    old = " ".join(f"old{n}" for n in range(6000))
    new = " ".join(f"new{n}" for n in range(6000))
    comparison = compare_texts(old, new)
    assert comparison.words_changed == 6000
    assert comparison.diff[0][0] == "-"
    assert comparison.diff[-1] == [CUT, ""]
