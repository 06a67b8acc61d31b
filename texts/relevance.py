"""Is a fetched page the one the article meant to cite? A rough test from the link's words.

An article links "the parks department's 2023 tree census"; the fetched page should share
some of those words, in its title or its text. ``anchor_relevance`` is the share of the
anchor's *content words* (stop words and link boilerplate left out) found among the page's
words, compared after case folding, Unicode compatibility folding and a light stemming
(plurals, possessives). Below ``MISMATCH_BELOW`` the page may not be the one cited: a
moved URL that now serves a home page, a parked domain, a link to the wrong report.

Anchors that say nothing about their target ("here", "this report", "source", "[1]") are
not judged: fewer than ``MIN_ANCHOR_WORDS`` content words are left once the stop words and
the link words go, and the score is None. A number in the anchor (a year, "4,000") counts as
a word: pages that really are the source often repeat it.

Plain Python, no Django.
"""

from __future__ import annotations

import re
import unicodedata

# Fewer content words than this in the anchor: too short or too generic to judge.
MIN_ANCHOR_WORDS = 2
# Less than a third of the anchor's content words on the page: warn.
MISMATCH_BELOW = 0.34
# Enough of a long page to find the anchor's words (a page's start and its title carry them).
PAGE_CHARS = 200_000

_WORD = re.compile(r"\w+", re.UNICODE)

# English function words, and the words links use to point rather than to name.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves
    according available click com continue download full go html http https info link links
    more new online org page pages pdf read report reported reports said say says see shows
    site source sources story study studies via view web website www
    """.split()
)


def _stem(word: str) -> str:
    """Plural and possessive endings off, so "trees" meets "tree" and "city's" meets "city"."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    """The words of ``text`` that name something: folded, stemmed, without stop words; digits
    are kept whole ("4,000" is "4" and "000" joined: "4000")."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"(?<=\d)[,.](?=\d)", "", folded)
    words = set()
    for match in _WORD.finditer(folded):
        word = match.group().strip("_")
        if not word or word in STOP_WORDS:
            continue
        if word.isdigit() or len(word) > 1:
            words.add(_stem(word))
    return words - STOP_WORDS


def anchor_relevance(anchor_text: str, title: str, text: str) -> float | None:
    """The share (0 to 1) of the anchor's content words that the page's title or text has;
    None when the anchor is too short or too generic to say (see ``MIN_ANCHOR_WORDS``)."""
    wanted = content_words(anchor_text)
    if len(wanted) < MIN_ANCHOR_WORDS:
        return None
    page = content_words(title) | content_words(text[:PAGE_CHARS])
    return round(len(wanted & page) / len(wanted), 3)


def may_not_be_cited_page(relevance: float | None) -> bool:
    """A page whose relevance to the link that cites it is this low may be the wrong one."""
    return relevance is not None and relevance < MISMATCH_BELOW
