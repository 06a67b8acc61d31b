"""Finding a passage again in a new version of the text (``texts.anchoring.reanchor``)."""

from __future__ import annotations

from typing import Any

from texts.anchoring import Outcome, context_of, reanchor

TEXT = (
    "The mayor said the plan would cost 12 million dollars. Critics disagreed.\n\n"
    "The council will vote on 4 June. The vote is expected to pass."
)


def anchored(text: str, quote: str) -> dict[str, Any]:
    start = text.index(quote)
    prefix, suffix = context_of(text, start, start + len(quote))
    return {
        "quote": quote,
        "prefix": prefix,
        "suffix": suffix,
        "start": start,
        "old_length": len(text),
    }


def test_a_passage_that_moved_is_the_same():
    quote = "The council will vote on 4 June."
    edited = "An editor's note.\n\n" + TEXT
    found = reanchor(edited, **anchored(TEXT, quote))
    assert found.outcome == Outcome.SAME
    assert found.span is not None
    assert edited[found.span.start : found.span.end] == quote


def test_whitespace_and_curly_quotes_alone_are_the_same():
    text = 'He said "we will build it" on Monday.'
    edited = "He said \u201cwe  will\nbuild it\u201d on Monday."
    found = reanchor(edited, **anchored(text, '"we will build it"'))
    assert found.outcome == Outcome.SAME
    assert found.span is not None
    assert edited[found.span.start : found.span.end] == "\u201cwe  will\nbuild it\u201d"


def test_a_corrected_number_is_changed_and_found_in_place():
    quote = "the plan would cost 12 million dollars"
    edited = TEXT.replace("12 million", "15 million")
    found = reanchor(edited, **anchored(TEXT, quote))
    assert found.outcome == Outcome.CHANGED
    assert found.span is not None
    assert edited[found.span.start : found.span.end] == "the plan would cost 15 million dollars"


def test_context_chooses_among_repeated_words():
    text = "alpha: the same words. beta: the same words. gamma: the same words."
    found = reanchor(text, quote="the same words", prefix="beta: ", suffix=". gamma")
    assert found.span is not None
    assert found.span.start == text.index("beta: ") + len("beta: ")


def test_a_deleted_passage_is_orphaned_with_no_far_fetched_candidate():
    quote = "Critics disagreed."
    edited = TEXT.replace(" Critics disagreed.", "")
    found = reanchor(edited, **anchored(TEXT, quote))
    assert found.outcome == Outcome.ORPHANED
    assert found.span is None


def test_a_rewritten_passage_is_orphaned_with_its_closest_candidate():
    quote = "The vote is expected to pass."
    edited = TEXT.replace(quote, "Most members are thought likely to back it, a vote count shows.")
    found = reanchor(edited, **anchored(TEXT, quote))
    assert found.outcome == Outcome.ORPHANED
    assert found.span is None
