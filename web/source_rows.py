"""A cited source as the reader's side panel shows it: its row, and the state in it that the
poll swaps while the source is fetched.

Built here rather than by template includes, as the claim list is (``web.reader``): an
article cites dozens of sources, and the includes, ``{% url %}`` and ``{% csrf_token %}``
for each took a third of the reader's time. Every piece of text is escaped here; the only
markup is ours. A page edit (``change_html``) and a page that may not be the cited one
(``mismatch_html``) are drawn here for the claim page too, through template tags.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from claims import policies
from claims.models import SourceStatus
from texts.relevance import may_not_be_cited_page
from web.markup import escape
from web.selectors import IN_FLIGHT

_STATUS_TONE: dict[str, str] = {
    SourceStatus.NEEDS_URL: "warn",
    SourceStatus.PENDING: "busy",
    SourceStatus.FETCHING: "busy",
    SourceStatus.OK: "good",
    SourceStatus.FAILED: "bad",
    SourceStatus.DEAD: "bad",
    SourceStatus.BLOCKED: "bad",
}
_SPINNER = '<span class="spinner" aria-hidden="true"></span>'
_OOB = ' hx-swap-oob="true"'
_NOT_IN_TEXT = ' <span class="badge badge--muted">No longer in the text</span>'

_ID = 2_147_483_647  # a placeholder id in reversed URLs, replaced by each source's


def status_tone(status: str) -> str:
    """The badge's tone for a fetch status (a source's or an evidence item's)."""
    return _STATUS_TONE.get(status, "muted")


def _truncated(text: str, length: int) -> str:
    """``text|truncatechars:length`` (Truncator only for the long ones: it is slow)."""
    return text if len(text) <= length else Truncator(text).chars(length)


def _url_pattern(name: str) -> tuple[str, str]:
    head, _, tail = reverse(name, args=[_ID]).partition(str(_ID))
    return head, tail


def diff_html(diff: Iterable[tuple[str, str]]) -> str:
    """A page's words removed and added since the fetch before (``[op, text]`` pairs)."""
    words = []
    for op, text in diff:
        if op == "-":
            words.append(f'<del class="text-diff__removed">{escape(text)}</del>')
        elif op == "+":
            words.append(f'<ins class="text-diff__added">{escape(text)}</ins>')
        elif op == "…":
            words.append('<span class="muted">(further changes not shown)</span>')
        else:
            words.append(f"<span>{escape(text)}</span>")
    return (
        f'<p class="text-diff">{" ".join(words)}</p>'
        '<p class="muted small">Words <del class="text-diff__removed">removed</del> and '
        '<ins class="text-diff__added">added</ins> since the fetch before.</p>'
    )


def change_html(
    changed_at: datetime | None,
    diff: Any,
    change_id: int | None,
    label: str,
    *,
    reads_archives: bool,
) -> str:
    """A cited page's latest edit, folded: when, the words changed, and a link to the page as
    fetched then for those who may read archives. "" for a page never edited."""
    if not changed_at:
        return ""
    when = timezone.localtime(changed_at) if timezone.is_aware(changed_at) else changed_at
    archived = (
        f'<p class="small"><a href="{reverse("web:snapshot", args=[change_id])}">'
        "The page as fetched then</a></p>"
        if change_id and reads_archives
        else ""
    )
    return (
        '<details class="source-change"><summary><span class="badge badge--warn">Changed on '
        f'<time datetime="{date_format(when, "c")}">{date_format(when, "j M Y")}</time></span>'
        f'<span class="visually-hidden"> {escape(label)}</span></summary>'
        f"{diff_html(diff or [])}{archived}</details>"
    )


def mismatch_html(relevance: float | None) -> str:
    """A fetched page sharing little with the words of the link citing it ("" otherwise)."""
    if not may_not_be_cited_page(relevance):
        return ""
    return (
        '<p class="warning-note" role="note"><strong>This page may not be the one cited.'
        f"</strong> Its title and text have {round((relevance or 0) * 100)}% of the link’s "  # noqa: RUF001
        "words: check the address.</p>"
    )


class SourceRows:
    """Draws the sources of one article for one request: the viewer's rights, the CSRF
    field and the URLs' patterns are worked out once, not once per source."""

    def __init__(self, request: HttpRequest, *, may_set_urls: bool) -> None:
        self.may_set_urls = may_set_urls
        self.reads_archives = policies.can_view_archives(request.user)
        self.csrf = (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(get_token(request))}">'
        )
        self.set_url = _url_pattern("web:source-url")
        self.fetch = _url_pattern("web:source-fetch")
        self.snapshot = _url_pattern("web:snapshot")

    @staticmethod
    def _url(pattern: tuple[str, str], pk: int) -> str:
        return f"{pattern[0]}{pk}{pattern[1]}"

    def rows(self, sources: Iterable[Any]) -> SafeString:
        return mark_safe("".join(self.row(source) for source in sources))  # escaped in row()

    def states(self, sources: Iterable[Any]) -> SafeString:
        """The poll's answer: each source's state, to be swapped in place (out of band)."""
        return mark_safe("".join(self.state(source, oob=True) for source in sources))

    def row(self, source: Any, *, url_form: Any = None) -> SafeString:
        """The source's ``<li>``: its number and link text, its state, the offer of an
        archived copy, and the form to supply or change its URL (``url_form`` is a bound
        form that failed, shown open with its errors)."""
        pk, position = source.pk, source.position
        span = (
            f' data-span-start="{source.start}" data-span-end="{source.end}"'
            if source.in_text
            else ""
        )
        parts = [
            f'<li class="source" id="source-{pk}"{span}><div class="source__head">'
            f'<span class="source__num">[{position}]</span> '
            f'<span class="source__anchor">{escape(source.anchor_text or "(link without text)")}'
            "</span>" + ("" if source.in_text else _NOT_IN_TEXT) + "</div>",
            self.state(source),
        ]
        url_action = self._url(self.set_url, pk)
        swap = f'hx-post="{url_action}" hx-target="#source-{pk}" hx-swap="outerHTML"'
        if self.may_set_urls and (offer := source.archive_offer):
            parts.append(
                f'<form class="source__archive-offer" method="post" action="{url_action}" {swap}>'
                f'{self.csrf}<input type="hidden" name="url" value="{escape(offer)}">'
                '<p class="small">The web archive has a copy of this page.</p>'
                '<button type="submit" class="btn btn--small">Use the archived copy'
                f'<span class="visually-hidden"> for source {position}</span></button></form>'
            )
        if (self.may_set_urls or url_form) and source.status == SourceStatus.NEEDS_URL:
            parts.append(self._url_form(source, url_form, "Supply the URL to fetch", "Fetch"))
        elif self.may_set_urls or url_form:
            parts.append(
                f'<details class="source__change-url"{" open" if url_form else ""}>'
                f'<summary>Change URL<span class="visually-hidden"> of source {position}'
                "</span></summary>"
                + self._url_form(source, url_form, "New URL", "Fetch from it")
                + "</details>"
            )
        parts.append("</li>")
        return mark_safe("".join(parts))  # every piece of text is escaped above

    def _url_form(self, source: Any, url_form: Any, label: str, button: str) -> str:
        pk = source.pk
        field_id = f"source-url-{pk}"
        if url_form is not None:
            value = url_form["url"].value() or ""
        else:
            value = "" if source.status == SourceStatus.NEEDS_URL else source.url
        sent = url_form.errors.values() if url_form is not None else []
        errors = [str(error) for messages in sent for error in messages]
        invalid = f' aria-invalid="true" aria-describedby="{field_id}-errors"' if errors else ""
        action = self._url(self.set_url, pk)
        return (
            f'<form class="source__url-form" method="post" action="{action}" hx-post="{action}" '
            f'hx-target="#source-{pk}" hx-swap="outerHTML" novalidate>{self.csrf}'
            f'<label for="{field_id}">{escape(label)}</label><div class="inline-field">'
            f'<input type="url" id="{field_id}" name="url" placeholder="https://" required '
            f'value="{escape(value)}"{invalid}> '
            f'<button type="submit" class="btn btn--small">{escape(button)}</button></div>'
            + (
                f'<ul class="errors" id="{field_id}-errors">'
                + "".join(f"<li>{escape(error)}</li>" for error in errors)
                + "</ul>"
                if errors
                else ""
            )
            + "</form>"
        )

    def state(self, source: Any, *, oob: bool = False) -> SafeString:
        """What the poll swaps in place: the source's status, link, archived copies, its
        page's title and latest edit, a warning when the page may not be the one cited,
        and the button to fetch it again."""
        pk, position, status = source.pk, source.position, source.status
        in_flight = status in IN_FLIGHT
        if source.url:
            link = (
                f' <a class="source__link" href="{escape(source.url)}" '
                'rel="noopener noreferrer nofollow" target="_blank">'
                f"{escape(_truncated(source.url, 56))}</a>"
            )
        elif source.href:
            link = (
                f' <span class="muted small">link: <code>{escape(_truncated(source.href, 40))}'
                "</code></span>"
            )
        else:
            link = ""
        copy = getattr(source, "archived_copy", None)
        if copy and copy != source.url:
            link += (
                f' <a class="source__archived small" href="{escape(copy)}" '
                'rel="noopener noreferrer nofollow" target="_blank">archived copy'
                f'<span class="visually-hidden"> of source {position}</span></a>'
            )
        parts = [
            f'<div class="source__state" id="source-{pk}-state"'
            f'{_OOB if oob else ""}><p class="source__status">'
            f'<span class="badge badge--{status_tone(status)}">{_SPINNER if in_flight else ""}'
            f"{escape(source.get_status_display())}</span>{link}</p>"
        ]
        if title := getattr(source, "snapshot_title", None):
            parts.append(f'<p class="source__title">{escape(title)}</p>')
        snapshot_id = getattr(source, "snapshot_id", None)
        if snapshot_id and self.reads_archives:
            parts.append(
                f'<p class="small"><a href="{self._url(self.snapshot, snapshot_id)}">Archived copy'
                f'<span class="visually-hidden"> of source {position}</span></a></p>'
            )
        parts.append(
            change_html(
                getattr(source, "changed_at", None),
                getattr(source, "change_diff", None),
                getattr(source, "change_id", None),
                source.anchor_text,
                reads_archives=self.reads_archives,
            )
        )
        parts.append(mismatch_html(getattr(source, "snapshot_relevance", None)))
        if source.status_detail:
            detail = escape(source.status_detail)
            parts.append(f'<p class="source__detail muted small">{detail}</p>')
        if source.url and not in_flight:
            action = self._url(self.fetch, pk)
            parts.append(
                f'<form method="post" action="{action}" hx-post="{action}" '
                f'hx-target="#source-{pk}" hx-swap="outerHTML">{self.csrf}'
                '<button type="submit" class="btn btn--quiet btn--small">Fetch again'
                f'<span class="visually-hidden"> source {position}</span></button></form>'
            )
        parts.append("</div>")
        return mark_safe("".join(parts))  # every piece of text is escaped above
