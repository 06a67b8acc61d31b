from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest

from verification.matching import match_quote, quote_parts

# The papers' own wording, as a source page would print it: curly quotes, line
# breaks and dashes of its own, among paragraphs the article does not quote.
BROOKINGS = (
    "Deconstructing Syria: A new strategy for America\u2019s most hopeless war\n\n"
    "The Syrian civil war has dragged on for more than four years, and the policy "
    "debate in Washington has barely moved.\n\n"
    "Under this plan, the idea would be to help moderate elements establish reliable\n"
    "safe zones within Syria once they were able. American, as well as Saudi and "
    "Turkish and British and Jordanian and other Arab forces would act in support, not "
    "only from the air but eventually on the ground via special forces.\n\n"
    "The end-game for these zones would not have to be determined in advance. The "
    "interim goal might be a confederal Syria, with several highly autonomous zones and "
    "a modest (eventual) national government. But in the short term, the ambitions "
    "would be lower \u2013 to make these zones defensible and governable.\n\n"
    "Some 4,000 fighters were trained in the first year of the programme, a figure "
    "officials called disappointing."
)
CFR = (
    "In the meantime, the United States and others should pursue a two-track policy.\n\n"
    "Relatively safe enclaves should emerge from this effort. A Syria of enclaves or "
    "cantons may be the best possible outcome for now and the foreseeable future. "
    "Neither the US nor anyone else has a vital national interest in restoring a "
    "Syrian government that controls all of the country\u2019s territory."
)


@pytest.fixture(scope="module")
def demo_quotes(demo_markdown: str) -> list[str]:
    """The italic passages the demo article quotes from think-tank papers."""
    return [
        quote.strip("*")
        for quote in re.findall(r"^\*{1,3}(.+?)\*{1,3}$", demo_markdown, flags=re.MULTILINE)
    ]


def _source_words(match_start: int | None, match_end: int | None, text: str) -> str:
    assert match_start is not None
    assert match_end is not None
    return text[match_start:match_end]


def test_demo_quote_is_exact_despite_its_leading_ellipsis_and_different_typography(
    demo_quotes: list[str],
) -> None:
    quote = demo_quotes[0]
    assert quote.startswith("...the idea would be to help moderate elements")

    match = match_quote(quote, BROOKINGS)

    assert match.result == "exact"
    assert match.score == 1.0
    assert match.flags == []
    assert match.source_wording.startswith("the idea would be to help moderate elements establish")
    assert match.source_wording.endswith("eventually on the ground via special forces.")
    assert _source_words(match.source_start, match.source_end, BROOKINGS) == match.source_wording


def test_curly_quotes_dashes_case_and_whitespace_do_not_make_a_quote_inexact() -> None:
    quote = (
        '"But in the short term, the ambitions would be lower\u2014to make these zones '
        "defensible and governable.\u201d"
    )

    match = match_quote(quote, BROOKINGS)

    assert match.result == "exact"
    assert match.source_wording == (
        "But in the short term, the ambitions would be lower \u2013 to make these zones "
        "defensible and governable."
    )
    quote = "THE SYRIAN CIVIL WAR  has dragged on for more than four years"
    assert match_quote(quote, BROOKINGS).result == "exact"
    assert match_quote("America's most hopeless war", BROOKINGS).source_wording == (
        "America\u2019s most hopeless war"
    )


def test_quote_dropping_may_is_altered_and_flagged() -> None:
    quote = "A Syria of enclaves or cantons is the best possible outcome for now"

    match = match_quote(quote, CFR)

    assert match.result == "altered"
    assert 0.85 <= match.score < 1
    assert match.source_wording == (
        "A Syria of enclaves or cantons may be the best possible outcome for now"
    )
    assert "the source says 'may' where the quote does not" in match.flags


def test_quote_with_an_ellipsis_for_a_left_out_sentence_is_exact() -> None:
    quote = (
        "\u201cThe end-game for these zones would not have to be determined in advance. "
        "\u2026 But in the short term, the ambitions would be lower\u201d"
    )

    match = match_quote(quote, BROOKINGS)

    assert match.result == "exact"
    assert match.flags == []
    assert match.source_wording == (
        "The end-game for these zones would not have to be determined in advance. \u2026 "
        "But in the short term, the ambitions would be lower"
    )
    assert BROOKINGS[match.source_start : match.source_end].startswith("The end-game")
    assert BROOKINGS[match.source_start : match.source_end].endswith("would be lower")


@pytest.mark.parametrize("ellipsis", ["...", "\u2026", ". . .", "[...]", "[\u2026]"])
def test_every_way_of_writing_an_ellipsis_splits_the_quote(ellipsis: str) -> None:
    quote = f"Relatively safe enclaves {ellipsis} the best possible outcome"

    assert quote_parts(quote) == ["relatively safe enclaves", "the best possible outcome"]
    assert match_quote(quote, CFR).result == "exact"


def test_words_left_out_inside_a_sentence_are_flagged_when_they_qualify_it() -> None:
    match = match_quote("A Syria of enclaves or cantons ... the best possible outcome", CFR)

    assert match.result == "exact"
    assert match.flags == ["the words left out at an ellipsis include 'may'"]


def test_quote_parts_out_of_order_are_not_exact() -> None:
    quote = "the best possible outcome for now ... Relatively safe enclaves should emerge"

    match = match_quote(quote, CFR)

    assert match.result != "exact"
    assert "every part of the quote is in the source, but not in the quoted order" in match.flags


def test_unrelated_quote_is_not_found() -> None:
    match = match_quote("Bananas are an excellent source of potassium for athletes.", BROOKINGS)

    assert match.result == "not_found"
    assert match.score < 0.85
    assert (match.source_wording, match.source_start, match.source_end) == ("", None, None)


def test_changed_number_is_flagged() -> None:
    quote = "Some 3,950 fighters were trained in the first year of the programme"

    match = match_quote(quote, BROOKINGS)

    assert match.result == "altered"
    assert match.flags == ["numbers differ: quote 3,950, source 4,000"]


def test_numbers_written_differently_are_not_flagged() -> None:
    match = match_quote(
        "about 4000 fighters were trained in the first year",
        "Some 4,000 fighters were trained in the first year.",
    )

    assert match.flags == ["the quote says 'about' where the source does not"]


def test_dropped_negation_and_limiter_are_flagged() -> None:
    quote = "other Arab forces would act in support, from the air"

    match = match_quote(quote, BROOKINGS)

    assert match.result == "altered"
    assert match.flags == [
        "the source says 'not' where the quote does not",
        "the source says 'only' where the quote does not",
    ]


def test_added_negation_is_flagged() -> None:
    match = match_quote(
        "The interim goal could not be a confederal Syria with several highly autonomous zones",
        BROOKINGS,
    )

    assert match.result == "altered"
    assert set(match.flags) == {
        "the quote says 'could' where the source does not",
        "the quote says 'not' where the source does not",
        "the source says 'might' where the quote does not",
    }


def test_threshold_decides_between_altered_and_not_found() -> None:
    quote = "A Syria of enclaves or cantons is the best possible outcome for now"

    assert match_quote(quote, CFR, threshold=0.99).result == "not_found"
    assert match_quote(quote, CFR, threshold=0.5).result == "altered"


def test_empty_quote_is_not_found() -> None:
    assert match_quote(" \u2026 ", CFR).result == "not_found"


def _large_source(size: int) -> tuple[str, list[str]]:
    rng = random.Random(7)
    vocabulary = [
        *("the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with"),
        *("be", "by", "on", "this", "are", "or", "from", "at", "which", "but", "have", "an"),
        *("zones", "syria", "policy", "war", "forces", "support", "government", "border"),
    ]
    paragraphs: list[str] = []
    while sum(len(paragraph) + 2 for paragraph in paragraphs) < size:
        words = [rng.choice(vocabulary) for _ in range(rng.randint(40, 120))]
        paragraphs.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(paragraphs), paragraphs


def _first_words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def test_matching_a_megabyte_source_stays_fast() -> None:
    source, paragraphs = _large_source(1_000_000)
    long_passage = " ".join(paragraphs[-6:-2])[:2000]
    cases = [
        (paragraphs[-1], "exact"),
        (long_passage, "exact"),
        (long_passage.replace(" the ", " a ", 12), "altered"),
        ("bananas are rich in potassium and " * 60, "not_found"),
        (f"{_first_words(paragraphs[10], 15)} ... {_first_words(paragraphs[-2], 50)}", "exact"),
    ]

    for quote, expected in cases:
        # CPU time, not wall time: other work on the machine does not count against it.
        started = time.process_time()
        match = match_quote(quote, source)
        elapsed = time.process_time() - started

        assert match.result == expected
        assert elapsed < 2, f"{expected} match took {elapsed:.2f} s of CPU"


def test_offsets_point_at_the_source_characters_through_ligatures_and_invisible_marks() -> None:
    source = (
        "Intro.\n\nThe \ufb01nal\u00a0plan was de\u00adfensible\u2014and cafe\u0301 owners agreed."
    )

    match = match_quote("the final plan was defensible - and caf\u00e9 owners", source)

    assert match.result == "exact"
    assert match.source_wording == (
        "The \ufb01nal\u00a0plan was de\u00adfensible\u2014and cafe\u0301 owners"
    )
    assert source[match.source_start : match.source_end] == match.source_wording


CAFE_NFC = "Le caf\u00e9 ferm\u00e9 rouvre. Le caf\u00e9 est ferm\u00e9 le lundi, dit-il."
CAFE_NFD = unicodedata.normalize("NFD", CAFE_NFC)


@pytest.mark.parametrize("source", [CAFE_NFC, CAFE_NFD], ids=["composed", "decomposed"])
@pytest.mark.parametrize("form", ["NFC", "NFD"], ids=["composed", "decomposed"])
def test_accents_written_either_way_match_with_offsets_into_the_original(
    source: str, form: str
) -> None:
    quote = unicodedata.normalize(form, "caf\u00e9 est ferm\u00e9")  # type: ignore[arg-type]

    match = match_quote(quote, source)

    assert match.result == "exact"
    assert match.source_wording == unicodedata.normalize(
        "NFC" if source == CAFE_NFC else "NFD", "caf\u00e9 est ferm\u00e9"
    )
    assert source[match.source_start : match.source_end] == match.source_wording


@pytest.mark.parametrize("source", [CAFE_NFC, CAFE_NFD], ids=["composed", "decomposed"])
def test_a_word_without_its_accent_is_not_exact_nor_cut_from_the_accented_one(
    source: str,
) -> None:
    match = match_quote("Le cafe", source)

    assert match.result == "altered"
    assert unicodedata.normalize("NFC", match.source_wording) == "Le caf\u00e9"
    assert source[match.source_start : match.source_end] == match.source_wording


def test_accents_stacked_in_another_order_still_match() -> None:
    # Vietnamese e with a dot below and a circumflex, typed in either order.
    source = "Ng\u01b0\u1eddi Vi\u1ec7t Nam n\u00f3i."
    quote = "Ngu\u031bo\u0300\u031bi Vie\u0302\u0323t Nam"

    match = match_quote(quote, source)

    assert match.result == "exact"
    assert match.source_wording == "Ng\u01b0\u1eddi Vi\u1ec7t Nam"
