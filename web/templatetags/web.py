from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.translation import ngettext

from claims import policies
from claims.models import Claim, SourceStatus, Verdict
from claims.search import highlight_parts
from web import source_rows
from web.diff import marked_html, word_diff
from web.selectors import IN_FLIGHT
from web.verdicts import Look, claim_look, verdict_look

register = template.Library()

# A quote check's result, as a badge's colour.
_QUOTE_TONE = {
    "exact": "good",
    "altered": "warn",
    "not_found": "bad",
    "source_unavailable": "muted",
}


@register.filter
def highlighted(extract: str) -> SafeString:
    """A search's highlighted extract: every piece escaped, the matches in ``<mark>``."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<mark class="found">{}</mark>', text) if match else text,)
            for text, match in highlight_parts(extract)
        ),
    )


@register.filter
def status_tone(status: str) -> str:
    """A fetch status (a source's or an evidence item's) as a badge's colour."""
    return source_rows.status_tone(status)


@register.filter
def quote_tone(result: str) -> str:
    return _QUOTE_TONE.get(result, "muted")


@register.filter
def look(claim: Claim) -> Look:
    return getattr(claim, "look", None) or claim_look(claim)


@register.simple_tag
def verdict_badge(verdict: str, published: bool = False) -> SafeString:
    if verdict not in Verdict.values:
        return mark_safe("")
    found = verdict_look(verdict, published=published)
    return format_html('<span class="badge badge--{}">{}</span>', found.key, found.label)


@register.filter
def percent(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


@register.simple_tag
def ratio(part: int | None, whole: int | None) -> int:
    """``part`` of ``whole`` in percent, for progress bars."""
    if not whole:
        return 0
    return max(0, min(100, round(100 * (part or 0) / whole)))


@register.simple_tag
def quote_diff(quote: str, wording: str) -> dict[str, Any]:
    """The quote and the source's wording as escaped HTML with differing words marked."""
    quote_pieces, source_pieces = word_diff(quote, wording)
    return {"quote": _render(quote_pieces), "source": _render(source_pieces)}


@register.filter
def diff_pieces(pieces: list[Any]) -> SafeString:
    """A side of ``web.diff`` as escaped HTML with its changed words marked."""
    return _render(pieces)


def _render(pieces: list[Any]) -> SafeString:
    return marked_html(pieces)


@register.simple_tag
def widget(field: Any, autofocus: bool = False) -> SafeString:
    """The field's input, described by its help text and its errors (read out on focus)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_errors")
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if autofocus:
        attrs["autofocus"] = True
    return field.as_widget(attrs=attrs)


@register.filter
def in_flight(status: str) -> bool:
    """Pending or being fetched: a worker has the URL still to do."""
    return status in IN_FLIGHT


@register.filter
def input_id(field: Any) -> str:
    """The id of the field's input, or of the first of its choices (radio buttons and
    checkboxes label each choice, not the group): where an error summary's link leads."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.filter
def field_errors(form: Any) -> list[tuple[Any, str]]:
    """(bound field, message) for each error of a field, in the form's order."""
    return [(field, str(error)) for field in form for error in field.errors]


# (one, many): "1 dead link", "2 dead links".
_SUMMARY_LABELS = {
    SourceStatus.OK: ("fetched", "fetched"),
    SourceStatus.PENDING: ("waiting", "waiting"),
    SourceStatus.FETCHING: ("being fetched", "being fetched"),
    SourceStatus.NEEDS_URL: ("needs a URL", "need a URL"),
    SourceStatus.FAILED: ("failed", "failed"),
    SourceStatus.DEAD: ("dead link", "dead links"),
    SourceStatus.BLOCKED: ("blocked", "blocked"),
}


@register.filter
def source_summary(sources: list[Any]) -> list[tuple[int, str, str]]:
    """(count, label, tone) per status, in the order of ``SourceStatus``."""
    counts: dict[str, int] = {}
    for source in sources:
        counts[source.status] = counts.get(source.status, 0) + 1
    return [
        (counts[status], ngettext(*_SUMMARY_LABELS[status], counts[status]), status_tone(status))
        for status in (
            SourceStatus.OK,
            SourceStatus.FETCHING,
            SourceStatus.PENDING,
            SourceStatus.NEEDS_URL,
            SourceStatus.FAILED,
            SourceStatus.DEAD,
            SourceStatus.BLOCKED,
        )
        if counts.get(status)
    ]


@register.filter
def ago(moment: datetime | None) -> str:
    """ "just now", or "3 minutes ago"."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment, depth=1)} ago"


@register.filter
def optional(field: Any) -> bool:
    """Worth an "(optional)" next to the label: not required, and not marked aria-required
    (a field the form needs unless another one is given)."""
    return not field.field.required and field.field.widget.attrs.get("aria-required") != "true"


@register.filter
def reads_archives(user: Any) -> bool:
    """``{% if user|reads_archives %}``: may this user open archived copies of pages?"""
    return policies.can_view_archives(user)


@register.simple_tag(takes_context=True)
def source_change(context: template.Context, row: Any, label: str) -> SafeString:
    """``{% source_change source label %}``: the latest edit of the page a source or an
    evidence item points to (its ``changed_at``, ``change_diff`` and ``change_id``)."""
    html = source_rows.change_html(
        getattr(row, "changed_at", None),
        getattr(row, "change_diff", None),
        getattr(row, "change_id", None),
        label,
        reads_archives=policies.can_view_archives(context["user"]),
    )
    return mark_safe(html)  # escaped by source_rows


@register.simple_tag
def source_mismatch(relevance: float | None) -> SafeString:
    """``{% source_mismatch relevance %}``: a warning when the fetched page may not be the
    one cited."""
    return mark_safe(source_rows.mismatch_html(relevance))  # escaped by source_rows


@register.simple_tag
def text_diff(diff: Any) -> SafeString:
    """``{% text_diff snapshot.diff %}``: a page's words removed and added since the fetch
    before."""
    return mark_safe(source_rows.diff_html(diff or []))  # escaped by source_rows
