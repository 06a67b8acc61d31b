"""The article as the reader shows it: its plain text with claims and citations marked.

The HTML is built from the article's plain text and the offsets of its claims and
sources, never from the imported markup: every piece of text is escaped here, and
the only markup is ours. The text inside the reader's container is exactly
``article.text`` (paragraph gaps are kept in hidden spans, the numbered markers
carry ``data-nontext``), so the browser can turn a selection back into offsets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from texts.paragraphs import paragraph_spans


@dataclass(frozen=True, slots=True)
class ClaimMark:
    id: int
    number: int  # the claim's number in the article (``Claim.number``), shown as "C3"
    start: int
    end: int
    look: str  # CSS key from ``web.verdicts``
    label: str  # for screen readers: "Claim 3: Mostly true"
    url: str


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


def render_article(
    text: str,
    claims: Sequence[ClaimMark],
    sources: Sequence[SourceMark],
    *,
    markers: bool = True,
) -> SafeString:
    """The article's text as paragraphs, claims as ``<mark>`` and citations underlined;
    ``markers`` adds the numbered links after each claim and citation."""
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

    paragraphs = paragraph_spans(text)
    points = {0, length, *starts, *ends}
    for start, end in paragraphs:
        points.update((start, end))
    ordered = sorted(points)
    paragraph_at = dict(paragraphs)  # start -> end
    paragraph_ends = {end for _, end in paragraphs}

    active_claims: dict[int, ClaimMark] = {}
    active_sources: set[int] = set()
    first_segment_done: set[int] = set()
    out: list[str] = []
    in_paragraph = False

    for index, point in enumerate(ordered):
        for kind, object_id in ends.get(point, ()):
            if kind == "claim":
                active_claims.pop(object_id, None)
            else:
                active_sources.discard(object_id)
        if in_paragraph and markers:
            out.extend(_markers(ends.get(point, ()), by_id, sources_by_id))
        if point in paragraph_ends and in_paragraph:
            out.append("</p>")
            in_paragraph = False
        for kind, object_id in starts.get(point, ()):
            if kind == "claim":
                active_claims[object_id] = by_id[object_id]
            else:
                active_sources.add(object_id)
        if point in paragraph_at:
            out.append(f'<p data-offset="{point}">')
            in_paragraph = True
        if index + 1 == len(ordered):
            break
        segment = text[point : ordered[index + 1]]
        if not segment:
            continue
        if not in_paragraph:
            # Blank lines between paragraphs: kept so the container's text is the article's.
            out.append(f'<span class="gap" data-offset="{point}">{escape(segment)}</span>')
            continue
        out.append(_segment(segment, active_claims, active_sources, first_segment_done))
    if in_paragraph:
        out.append("</p>")
    return mark_safe("".join(out))  # every piece of text is escaped above


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
            markers.append(
                f'<a class="claim-ref hl-{claim.look}" data-nontext data-claim="{claim.id}" '
                f'href="{escape(claim.url)}" aria-label="{escape(claim.label)}">'
                f"C{claim.number}</a>"
            )
        else:
            source = sources[object_id]
            markers.append(
                f'<a class="cite-ref" data-nontext data-source="{source.id}" '
                f'href="#source-{source.id}" aria-label="Source {source.position}">'
                f"[{source.position}]</a>"
            )
    return markers
