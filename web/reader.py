"""The article as the reader shows it: its plain text in its form, claims and citations marked.

The HTML is built from the article's plain text, the spans of its structure
(``texts.structure``: headings, paragraphs, quotes, lists, emphasis) and the offsets
of its claims and sources, never from the imported markup: every piece of text is
escaped here, and the only markup is ours. Spans that cross are split, so elements
always nest. The text inside the reader's container is exactly ``article.text``
(gaps between blocks are kept in hidden spans, the numbered markers carry
``data-nontext``, every block carries the ``data-offset`` where it starts), so the
browser can turn a selection back into offsets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from texts.structure import BLOCKS, TEXT_BLOCKS, Span, layout
from web.diff import marked_html, word_diff
from web.markup import escape


@dataclass(frozen=True, slots=True)
class ClaimMark:
    id: int
    number: int  # the claim's number in the article (``Claim.number``), shown as "C3"
    start: int
    end: int
    look: str  # CSS key from ``web.verdicts``
    label: str  # for screen readers: "Claim 3: Mostly true"
    url: str
    # "Checked before: …" when claims of other articles say the same (memory's matches).
    checked_before: str = ""


@dataclass(frozen=True, slots=True)
class SourceMark:
    id: int
    position: int
    start: int
    end: int


def excerpt(text: str, length: int) -> str:
    """``text`` cut to ``length`` characters with an ellipsis (Truncator is slow for lists)."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without its surrounding whitespace (markers go after the last word)."""
    passage = text[start:end]
    stripped = passage.strip()
    if not stripped:
        return start, end
    inner_start = start + passage.index(stripped)
    return inner_start, inner_start + len(stripped)


# The page's own <h1> is the article's title: the article's headings go one level down.
_TAGS = {
    "h1": "h2",
    "h2": "h3",
    "h3": "h4",
    "h4": "h5",
    "h5": "h6",
    "h6": "h6",
    "p": "p",
    "blockquote": "blockquote",
    "ul": "ul",
    "ol": "ol",
    "li": "li",
    "pre": "div",  # a <pre> would lose a leading newline in the browser, and with it the offsets
    "em": "em",
    "strong": "strong",
}


def render_article(
    text: str,
    claims: Sequence[ClaimMark],
    sources: Sequence[SourceMark],
    *,
    structure: Iterable[Sequence[Any]] = (),
    header: Sequence[tuple[int, int, int]] = (),
    markers: bool = True,
    suggested: Sequence[tuple[int, int]] = (),
) -> SafeString:
    """The article's text in its form (``structure``: headings, paragraphs, quotes, lists,
    emphasis), claims as ``<mark>`` and citations underlined; ``markers`` adds the numbered
    links after each claim and citation. ``header`` (``texts.structure.header_blocks``)
    are leading blocks that repeat the title or byline: they are hidden, up to the first
    one that a claim or citation stands in. ``suggested`` are the ``(start, end)`` of
    suggested sentences, underlined where no claim stands."""
    length = len(text)
    claim_spans = {
        claim.id: _trimmed(text, min(claim.start, length), min(claim.end, length))
        for claim in claims
    }
    source_spans = {
        source.id: (min(source.start, length), min(source.end, length)) for source in sources
    }
    by_id = {claim.id: claim for claim in claims}
    sources_by_id = {source.id: source for source in sources}

    starts: dict[int, list[tuple[str, int]]] = defaultdict(list)
    ends: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for claim_id, (start, end) in claim_spans.items():
        if end > start:
            starts[start].append(("claim", claim_id))
            ends[end].append(("claim", claim_id))
    for source_id, (start, end) in source_spans.items():
        if end > start:
            starts[start].append(("source", source_id))
            ends[end].append(("source", source_id))
    suggestion_spans = {
        index: (min(start, length), min(end, length))
        for index, (start, end) in enumerate(suggested)
    }
    for index, (start, end) in suggestion_spans.items():
        if end > start:
            starts[start].append(("suggestion", index))
            ends[end].append(("suggestion", index))

    hidden = _hidden_header(header, [*claim_spans.values(), *source_spans.values()])
    spans = layout(text, structure)
    if hidden:
        spans = [
            span._replace(start=max(span.start, hidden)) for span in spans if span.end > hidden
        ]
    opening: dict[int, list[Span]] = defaultdict(list)
    closing: dict[int, list[Span]] = defaultdict(list)
    for span in spans:
        opening[span.start].append(span)
        closing[span.end].append(span)
    block_edges = {point for span in spans if span.is_block for point in (span.start, span.end)}
    ordered = sorted(p for p in {hidden, length, *starts, *ends, *opening, *closing} if p >= hidden)

    active_claims: dict[int, ClaimMark] = {}
    active_sources: set[int] = set()
    active_suggestions: set[int] = set()
    first_segment_done: set[int] = set()
    out: list[str] = []
    if hidden:
        out.append(f'<span class="gap" data-offset="0">{escape(text[:hidden])}</span>')
    active: set[Span] = set()
    stack: list[Span] = []  # the elements open in ``out``, outermost first
    block: Span | None = None  # the innermost block open

    for index, point in enumerate(ordered):
        for kind, object_id in ends.get(point, ()):
            if kind == "claim":
                active_claims.pop(object_id, None)
            elif kind == "source":
                active_sources.discard(object_id)
            else:
                active_suggestions.discard(object_id)
        ending = [item for item in ends.get(point, ()) if item[0] != "suggestion"]
        if point in opening or point in closing:
            active.difference_update(closing.get(point, ()))
            active.update(opening.get(point, ()))
            wanted = sorted(active, key=_stack_key)
            kept = 0
            while kept < min(len(stack), len(wanted)) and stack[kept] == wanted[kept]:
                kept += 1
            # Emphasis closes before a claim's number, so the number stands upright after it.
            while len(stack) > kept and stack[-1].kind not in BLOCKS:
                out.append(f"</{_TAGS[stack.pop().kind]}>")
            if markers and ending:
                out.extend(_markers(ending, by_id, sources_by_id))
            while len(stack) > kept:
                out.append(f"</{_TAGS[stack.pop().kind]}>")
            for span in wanted[kept:]:
                out.append(_opening_tag(span, point))
                stack.append(span)
            block = next((span for span in reversed(stack) if span.kind in BLOCKS), None)
        elif markers and ending:
            out.extend(_markers(ending, by_id, sources_by_id))
        for kind, object_id in starts.get(point, ()):
            if kind == "claim":
                active_claims[object_id] = by_id[object_id]
            elif kind == "source":
                active_sources.add(object_id)
            else:
                active_suggestions.add(object_id)
        if index + 1 == len(ordered):
            break
        following = ordered[index + 1]
        segment = text[point:following]
        if not segment:
            continue
        between_blocks = point in block_edges or following in block_edges
        if not segment.strip() and (
            block is None or (block.kind not in TEXT_BLOCKS and between_blocks)
        ):
            # Blank lines between blocks: kept so the container's text is the article's.
            out.append(f'<span class="gap" data-offset="{point}">{escape(segment)}</span>')
            continue
        html = _segment(segment, active_claims, active_sources, first_segment_done)
        if active_suggestions and not active_claims:
            spans_of = [suggestion_spans[index] for index in sorted(active_suggestions)]
            keys = " ".join(f"{start}-{end}" for start, end in spans_of)
            html = f'<span class="suggested" data-suggestion="{keys}">{html}</span>'

        out.append(html if block else f'<span data-offset="{point}">{html}</span>')
    while stack:
        out.append(f"</{_TAGS[stack.pop().kind]}>")
    return mark_safe("".join(out))  # every piece of text is escaped above


def _opening_tag(span: Span, point: int) -> str:
    """Our own markup: no attribute of the article's ever reaches the page."""
    if not span.is_block:
        return f"<{_TAGS[span.kind]}>"
    if span.kind == "pre":
        return f'<div class="pre" data-offset="{point}">'
    return f'<{_TAGS[span.kind]} data-offset="{point}">'


def _stack_key(span: Span) -> tuple[bool, int, int, int]:
    """Blocks outside emphasis; each element outside those it holds."""
    return span.kind not in BLOCKS, span.start, -span.end, span.order


def _hidden_header(
    header: Sequence[tuple[int, int, int]], anchored: Sequence[tuple[int, int]]
) -> int:
    """Where the shown text starts: after the header blocks no claim or citation is in."""
    hidden = 0
    for start, _, following in header:
        if any(s < following and e > start for s, e in anchored if e > s):
            break
        hidden = following
    return hidden


def _segment(
    segment: str,
    active_claims: dict[int, ClaimMark],
    active_sources: set[int],
    first_segment_done: set[int],
) -> str:
    html: str = escape(segment)
    if active_sources:
        ids = " ".join(str(source_id) for source_id in sorted(active_sources))
        html = f'<span class="cite" data-sources="{ids}">{html}</span>'
    if not active_claims:
        return html
    # The innermost (shortest) claim gives the colour; others show as an overlap.
    claims = sorted(active_claims.values(), key=lambda claim: (claim.start, claim.id))
    innermost = min(claims, key=lambda claim: (claim.end - claim.start, claim.id))
    ids = " ".join(str(claim.id) for claim in claims)
    classes = f"hl hl-{innermost.look}" + (" hl-multi" if len(claims) > 1 else "")
    anchors = ""
    for claim in claims:
        if claim.id not in first_segment_done:
            first_segment_done.add(claim.id)
            anchors += f'<span class="anchor" id="hl-{claim.id}"></span>'
    return f'{anchors}<mark class="{classes}" data-claims="{ids}">{html}</mark>'


def _markers(
    ending: Iterable[tuple[str, int]],
    claims: dict[int, ClaimMark],
    sources: dict[int, SourceMark],
) -> list[str]:
    """Numbered links after each claim and citation: keyboard users reach them by Tab."""
    markers = []
    for kind, object_id in ending:
        if kind == "claim":
            claim = claims[object_id]
            label, seen = claim.label, ""
            if claim.checked_before:
                label = f"{label}. {claim.checked_before}"
                seen = f'<span class="checked-mark" title="{escape(claim.checked_before)}">↺</span>'
            markers.append(
                f'<a class="claim-ref hl-{claim.look}" data-nontext data-claim="{claim.id}" '
                f'href="{escape(claim.url)}" aria-label="{escape(label)}">'
                f"C{claim.number}{seen}</a>"
            )
        else:
            source = sources[object_id]
            markers.append(
                f'<a class="cite-ref" data-nontext data-source="{source.id}" '
                f'href="#source-{source.id}" aria-label="Source {source.position}">'
                f"[{source.position}]</a>"
            )
    return markers


def render_claim_list(claims: Iterable[Any]) -> SafeString:
    """The side panel's list of claims, each with its look, kind, counts and whether the
    viewer rated it (``web.views.articles.reader_context`` sets ``look``, ``url`` and
    ``excerpt`` on each). Built here rather than by a template loop: for 300 claims the
    template took most of the reader's time."""
    out = ['<ol class="claim-list">']
    for claim in claims:
        look = claim.look
        ratings, evidence = claim.ratings_count, claim.evidence_count
        label = escape(claim.label)
        out.append(
            f'<li class="claim-item" id="claim-item-{claim.pk}" data-claim="{claim.pk}">'
            f'<a class="claim-item__link" href="{escape(claim.url)}">'
            f'<span class="claim-num hl-{escape(look.key)}" aria-hidden="true">{label}</span>'
            f'<span class="claim-item__quote"><span class="visually-hidden">Claim {label}: </span>'
            f"“{escape(claim.excerpt)}”</span></a>"
            f'<p class="claim-item__meta">'
            f'<span class="badge badge--{escape(look.key)}">'
            f"{'Published: ' if look.published else ''}{escape(look.label)}</span> "
            + (
                '<span class="checked-badge"><span aria-hidden="true">↺</span> Checked before'
                "</span> "
                if getattr(claim, "checked_before", None)
                else ""
            )
            + f"<span>{escape(claim.get_kind_display())}</span> "
            f"<span>{ratings} rating{'' if ratings == 1 else 's'}</span> "
            f"<span>{evidence} evidence item{'' if evidence == 1 else 's'}</span> "
            + ('<span class="rated-by-me">✓ rated by you</span> ' if claim.rated_by_me else "")
            + f'<a class="claim-item__jump" href="#hl-{claim.pk}" data-jump="{claim.pk}">'
            "Show in text</a></p>" + _changed_wording(claim) + "</li>"
        )
    out.append("</ol>")
    return mark_safe("".join(out))  # every piece of text is escaped above


def _changed_wording(claim: Any) -> str:
    """A claim whose words a revision of the article changed: the old and new wording."""
    if claim.anchor_state != "changed":
        return ""
    was, now = word_diff(claim.quote_as_marked, claim.quote)
    return (
        '<p class="claim-item__changed small"><span class="badge badge--warn">Changed since '
        f"rated</span> was “{marked_html(was)}”, now “{marked_html(now)}”</p>"
    )
