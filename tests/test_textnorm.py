"""The text rules every field shares: what is blank, what a line or a text may keep."""

from __future__ import annotations

import re
import unicodedata

import pytest

from texts.textnorm import MARKS, canonical_forms, clean_line, clean_text, is_blank, nfc

# "I want" in Persian: the zero-width non-joiner keeps two letters apart.
PERSIAN = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
HEBREW = "\u05e2\u05d1\u05e8\u05d9\u05ea"
# A black flag, then invisible tag characters that spell "gbsct" and end the flag.
SCOTTISH_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"

INVISIBLE = {
    "zero-width space": "\u200b",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "zero-width joiner": "\u200d",
    "soft hyphen": "\u00ad",
    "right-to-left mark": "\u200f",
    "right-to-left override": "\u202e",
    "first strong isolate": "\u2068",
    "Mongolian vowel separator": "\u180e",
    "Hangul filler": "\u3164",
    "Braille blank": "\u2800",
    "variation selector": "\ufe0f",
    "combining grapheme joiner": "\u034f",
    "tag space": "\U000e0020",
    "no-break space": "\u00a0",
    "ideographic space": "\u3000",
    "line separator": "\u2028",
    "escape": "\x1b",
    "NUL": "\x00",
    "C1 control": "\x9b",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_text_of_only_invisible_characters_is_blank(char: str) -> None:
    text = f" {char * 3}\n\t{char}"

    assert is_blank(text)
    assert clean_text(text) == ""
    assert clean_line(text) == ""


def test_text_with_one_visible_character_is_not_blank() -> None:
    assert not is_blank("\u200b\u2060.\ufeff")
    assert not is_blank("\u0301")  # a lone accent still draws something
    assert is_blank("")


def test_a_multi_line_text_keeps_its_lines_tabs_joiners_and_emoji() -> None:
    text = f"Line one,\r\n\tline two:\u00a0\U0001f469\u200d\U0001f52c \U0001f44d\ufe0f\n{PERSIAN}"

    assert clean_text(text) == text.replace("\r\n", "\n")


def test_zero_width_characters_at_the_ends_are_trimmed_but_not_inside() -> None:
    assert clean_text("\ufeff\u200b Rationale\u200b\u2060 text.\u200d\u200e\n") == (
        "Rationale\u200b\u2060 text."
    )


def test_a_multi_line_text_loses_controls_and_bidi_overrides_but_keeps_marks() -> None:
    text = (
        f"  Verdict:\x1b[31m false\x07\x00\u202e gnirts\u202c \u2066x\u2069 \u200f{HEBREW}\x85 \r"
    )

    assert clean_text(text) == f"Verdict:[31m false gnirts x \u200f{HEBREW}"


def test_a_line_collapses_whitespace_and_drops_controls_and_bidi_characters() -> None:
    title = "\ufeff  Mayor\u202e sdrawkcab\u202c\n\tsays\x00\x1b \u200ethis\u2028and\x85that\u00a0 "

    assert clean_line(title) == "Mayor sdrawkcab says this and that"


def test_a_line_keeps_the_joiners_and_marks_its_script_needs() -> None:
    title = f"{PERSIAN} \u2014 cafe\u0301 {SCOTTISH_FLAG}"

    assert clean_line(title) == title


def test_canonical_forms_give_both_ways_of_writing_an_accent() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"

    assert canonical_forms(composed) == [composed, decomposed]
    assert canonical_forms(decomposed) == [decomposed, composed]
    assert canonical_forms("plain") == ["plain"]
    assert nfc(decomposed) == composed


def test_marks_are_exactly_the_combining_characters() -> None:
    pattern = re.compile(f"[{MARKS}]")
    sample = [chr(code) for code in range(0x20000)] + ["\U000e0100", "\U000e01ef"]

    marks = {char for char in sample if pattern.match(char)}

    assert marks == {char for char in sample if unicodedata.category(char).startswith("M")}
