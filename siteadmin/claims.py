"""The admin for articles, sources, snapshots, claims, evidence and ratings.

Every page costs a fixed number of queries: lists read annotated querysets from
``claims.selectors``, and inlines are read-only tables of a bounded number of
rows (an editable inline would build its select widgets once per row). Every
write goes through ``claims.services``; the forms in ``siteadmin.forms``
check first what a service would refuse.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from claims import policies
from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    Claimant,
    ClaimLink,
    DismissedSuggestion,
    Evidence,
    ImportStatus,
    QuoteCheck,
    Rating,
    Source,
    SourceSnapshot,
    claim_number_from_label,
)
from claims.selectors import (
    article_list_with_counts,
    claim_list_with_counts,
    evidence_list,
    rating_list,
    snapshot_list,
    source_list_with_counts,
)
from claims.services.articles import (
    article_delete,
    article_import,
    article_update,
)
from claims.services.claimants import claimant_create, claimant_delete, claimant_update
from claims.services.claims import claim_create, claim_delete
from claims.services.evidence import evidence_create, evidence_delete, evidence_update
from claims.services.links import claims_link, claims_unlink
from claims.services.sources import source_request_fetch, source_set_url
from editorial.services.ratings import rating_submit, rating_withdraw
from editorial.services.workflow import claim_revise
from siteadmin.forms import (
    ArticleImportForm,
    ClaimAddForm,
    ClaimChangeForm,
    RatingAddForm,
    SourceForm,
)
from siteadmin.permissions import PolicyAdmin, ReadOnlyAdmin

# --- Shared --------------------------------------------------------------------

# Django 6 assumes https for a URL typed without a scheme; opt in now.
URL_FIELD_OVERRIDES: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def changelist_url(model: type[models.Model], **filters: Any) -> str:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def counted(count: int, one: str, many: str) -> str:
    """ "1 claim", "1,200 claims"."""
    return f"{count:,} {ngettext(one, many, count)}"


def short(text: str, length: int = 60) -> str:
    return Truncator(" ".join(text.split())).chars(length)


# List columns that show a row's long text cut short, so that every list fits a laptop's
# screen (1440 pixels) whatever the length of titles, quotes and URLs; the full text is
# on the row's page.


@admin.display(description="article", ordering="article__title")
def article_column(obj: Any) -> str:
    return short(obj.article.title, 40)


@admin.display(description="claim", ordering="claim__quote")
def claim_column(obj: Any) -> str:
    return short(obj.claim.quote, 50)


@admin.display(description="URL", ordering="url")
def url_column(obj: Any) -> str:
    return short(obj.url, 40)


def adopt(target: models.Model, saved: models.Model) -> None:
    """Make the admin's form object the row a service saved, for the log and redirect."""
    for field in saved._meta.concrete_fields:
        if field.attname in saved.__dict__:
            setattr(target, field.attname, saved.__dict__[field.attname])
    target._state.adding = False
    target._state.db = saved._state.db


# simple_history's history page sets one style attribute (on its paginator): those pages
# alone allow style attributes, in the enforced and the report-only policy. <style>
# elements and every kind of inline script stay forbidden.
HISTORY_PAGE_CSP = {"style-src-attr": [UNSAFE_INLINE]}


class HistoryAdmin(PolicyAdmin, SimpleHistoryAdmin):
    """Shows each row's history; reverting is off, since it would bypass the services.

    Deleting many rows deletes them one by one, through ``delete_model``.

    The tables that grow with the claims (claims, sources, snapshots, evidence, ratings,
    quote checks) have no ``date_hierarchy``: it reads the date of every row on each
    changelist (at 500,000 ratings, half a second); their date list filters stay.
    """

    formfield_overrides = URL_FIELD_OVERRIDES

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    @method_decorator(csp_update(HISTORY_PAGE_CSP))
    @method_decorator(csp_update(HISTORY_PAGE_CSP, REPORT_ONLY=True))
    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied("Reverting to an earlier version is not available.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ArticleFilter(admin.SimpleListFilter):
    """One article, reached by a link from its page (a list of every article would not scale)."""

    title = "article"
    parameter_name = "article"
    paths: tuple[str, ...] = ("article",)

    def article_id(self) -> int | None:
        value = self.value()
        if value is None:
            return None
        if not value.isdigit():
            raise IncorrectLookupParameters(f"{value!r} is not an article id.")
        return int(value)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        article_id = self.article_id()
        if article_id is None:
            return []
        title = Article.objects.filter(pk=article_id).values_list("title", flat=True).first()
        return [] if title is None else [(str(article_id), title)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        article_id = self.article_id()
        if article_id is None:
            return queryset
        return queryset.filter(reduce(or_, (Q(**{path: article_id}) for path in self.paths)))


class ClaimArticleFilter(ArticleFilter):
    paths = ("claim__article",)


class SnapshotArticleFilter(ArticleFilter):
    paths = ("source__article", "evidence__claim__article")


class FirstRowsFormSet(BaseInlineFormSet):
    """An inline formset of at most ``max_rows`` rows."""

    max_rows: int | None = None

    def get_queryset(self) -> QuerySet[Any]:
        if not hasattr(self, "_first_rows"):
            rows = super().get_queryset()
            self._first_rows = rows if self.max_rows is None else rows[: self.max_rows]
        return self._first_rows


class ReadOnlyInline(admin.TabularInline):
    """Related rows as a table with a link to each; they are edited on their own pages.

    Without change permission Django renders view-only rows and skips validating
    them on save, so the inline costs one query however many rows it shows.
    """

    extra = 0
    can_delete = False
    show_change_link = True
    formset = FirstRowsFormSet
    max_rows: int | None = None

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset: Any = super().get_formset(request, obj, **kwargs)
        formset.max_rows = self.max_rows
        return formset

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SnapshotInline(ReadOnlyInline):
    model = SourceSnapshot
    fields = ("fetched_at", "http_status", "final_url", "content_type", "byte_size", "error")
    max_rows = 20
    verbose_name_plural = f"snapshots (the latest {max_rows})"

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceSnapshot]:
        # A snapshot's name is its source's or evidence's.
        return super().get_queryset(request).select_related("source", "evidence").defer("text")


# --- Articles ------------------------------------------------------------------


class SourcesNeedingUrlFilter(admin.SimpleListFilter):
    title = "sources needing a URL"
    parameter_name = "needs_url"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Some"), ("no", "None")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(sources_needing_url__gt=0)
        if self.value() == "no":
            return queryset.filter(sources_needing_url=0)
        return queryset


class SourceInline(ReadOnlyInline):
    model = Source
    fields = ("position", "anchor_text", "href", "url", "status")
    max_rows = 50
    verbose_name_plural = f"sources (the first {max_rows}; all are linked above)"


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = ("start", "end", "kind", "status", "evidence_figure", "ratings_figure")
    max_rows = 100
    verbose_name_plural = f"claims (the first {max_rows}; all are linked above)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return claim_list_with_counts()

    @admin.display(description="evidence")
    def evidence_figure(self, obj: Claim) -> int:
        return obj.evidence_count  # type: ignore[attr-defined]

    @admin.display(description="ratings")
    def ratings_figure(self, obj: Claim) -> int:
        return obj.ratings_count  # type: ignore[attr-defined]


ARTICLE_FIGURES = (
    "sources_total",
    "sources_ok",
    "sources_needing_url",
    "sources_broken",
    "claims_count",
    "ratings_count",
)


@admin.register(Article)
class ArticleAdmin(HistoryAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.is_reviewer(user)

    def may_change(self, user: Any, obj: Article | None) -> bool:
        return policies.is_reviewer(user) if obj is None else policies.can_change_article(user, obj)

    def may_delete(self, user: Any, obj: Article | None) -> bool:
        return policies.is_editor(user) if obj is None else policies.can_delete_article(user, obj)

    list_display = (
        "title_column",
        "status",
        "publisher_column",
        "published_on",
        "sources_figure",
        "needing_url_figure",
        "claims_figure",
        "ratings_figure",
        "created_at",
    )
    list_filter = (
        "status",
        SourcesNeedingUrlFilter,
        "import_status",
        "source_format",
        ("imported_by", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("title", "byline", "publisher", "url", "=content_sha256")
    date_hierarchy = "created_at"
    list_select_related = ("imported_by",)
    actions = ("mark_in_review",)
    inlines = (SourceInline, ClaimInline)
    fieldsets = (
        (None, {"fields": ("at_a_glance",)}),
        (
            None,
            {
                "fields": (
                    "title",
                    "byline",
                    "publisher",
                    "url",
                    "published_on",
                    "language",
                    "status",
                )
            },
        ),
        (
            "Import",
            {
                "fields": (
                    ("import_status", "import_detail"),
                    "source_format",
                    "content_sha256",
                    "imported_by",
                    "created_at",
                )
            },
        ),
        ("Content", {"classes": ("collapse",), "fields": ("text", "source_text")}),
    )
    readonly_fields = (
        "at_a_glance",
        "import_status",
        "import_detail",
        "source_format",
        "content_sha256",
        "imported_by",
        "created_at",
        "text",
        "source_text",
    )
    history_list_display = ("status",)
    import_template = "admin/claims/article/import.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return article_list_with_counts()

    @admin.display(description="title", ordering="title")
    def title_column(self, obj: Article) -> str:
        return short(obj.title, 60)

    @admin.display(description="publisher", ordering="publisher")
    def publisher_column(self, obj: Article) -> str:
        return short(obj.publisher, 24)

    @admin.display(description="sources OK", ordering="sources_total")
    def sources_figure(self, obj: Article) -> str:
        return format_html(
            '<a href="{}">{} / {}</a>',
            changelist_url(Source, article=obj.pk),
            obj.sources_ok,  # type: ignore[attr-defined]
            obj.sources_total,  # type: ignore[attr-defined]
        )

    @admin.display(description="need a URL", ordering="sources_needing_url")
    def needing_url_figure(self, obj: Article) -> int:
        return obj.sources_needing_url  # type: ignore[attr-defined]

    @admin.display(description="claims", ordering="claims_count")
    def claims_figure(self, obj: Article) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            changelist_url(Claim, article=obj.pk),
            obj.claims_count,  # type: ignore[attr-defined]
        )

    @admin.display(description="ratings", ordering="ratings_count")
    def ratings_figure(self, obj: Article) -> int:
        return obj.ratings_count  # type: ignore[attr-defined]

    @admin.display(description="at a glance")
    def at_a_glance(self, obj: Article) -> str:
        if not hasattr(obj, "sources_total"):  # a historical version has no figures
            return "-"
        return format_html(
            '<a href="{sources_url}">{sources}</a>: {sources_ok} OK, '
            "{sources_needing_url} {need} a URL, {sources_broken} failed, dead or blocked.<br>"
            '<a href="{claims_url}">{claims}</a> with {ratings}. '
            '<a href="{add_claim_url}">Add a claim</a>.',
            sources=counted(obj.sources_total, "source", "sources"),  # type: ignore[attr-defined]
            need=ngettext("needs", "need", obj.sources_needing_url),  # type: ignore[attr-defined]
            claims=counted(obj.claims_count, "claim", "claims"),  # type: ignore[attr-defined]
            ratings=counted(obj.ratings_count, "rating", "ratings"),  # type: ignore[attr-defined]
            sources_url=changelist_url(Source, article=obj.pk),
            claims_url=changelist_url(Claim, article=obj.pk),
            add_claim_url=f"{reverse('admin:claims_claim_add')}?{urlencode({'article': obj.pk})}",
            **{name: f"{getattr(obj, name):,}" for name in ARTICLE_FIGURES},
        )

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        if changes := {name: form.cleaned_data[name] for name in form.changed_data}:
            article_update(article=obj, user=request.user, **changes)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        article_delete(article=obj, user=request.user)

    @admin.action(description="Mark selected articles as in review", permissions=["change"])
    def mark_in_review(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        articles = list(queryset.exclude(status=ArticleStatus.IN_REVIEW))
        for article in articles:
            article_update(article=article, user=request.user, status=ArticleStatus.IN_REVIEW)
        count = len(articles)
        self.message_user(
            request,
            ngettext(
                "%(count)d article marked as in review.",
                "%(count)d articles marked as in review.",
                count,
            )
            % {"count": count},
        )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Adding an article imports it (or queues its page to be fetched) through a service."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        posted = request.method == "POST"
        form = ArticleImportForm(request.POST, request.FILES) if posted else ArticleImportForm()
        if posted and form.is_valid():
            try:
                article = article_import(**form.import_arguments(), imported_by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, article, [{"added": {}}])
                fetching = article.import_status == ImportStatus.FETCHING
                done = "Queued the page to be fetched for" if fetching else "Imported"
                self.message_user(request, f"{done} “{article}”.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:claims_article_change", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Import an article",
            "opts": self.opts,
            "form": form,
            "has_view_permission": self.has_view_permission(request),
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.import_template, context)


# --- Sources and snapshots -----------------------------------------------------


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    form = SourceForm
    list_display = (
        "anchor_column",
        article_column,
        "position",
        "status",
        "url_or_href",
        "claims_figure",
        "last_fetched_at",
    )
    list_filter = ("status", ArticleFilter, "last_fetched_at")
    search_fields = ("anchor_text", "href", "url", "article__title")
    list_select_related = ("article",)
    actions = ("fetch_again",)
    inlines = (SnapshotInline,)
    fields = (
        "article",
        "position",
        "anchor_text",
        "href",
        "url",
        ("status", "status_detail"),
        ("last_fetched_at", "fetch_attempts"),
        ("start", "end"),
        ("created_at", "updated_at"),
    )
    readonly_fields = (
        "article",
        "position",
        "anchor_text",
        "href",
        "status",
        "status_detail",
        "last_fetched_at",
        "fetch_attempts",
        "start",
        "end",
        "created_at",
        "updated_at",
    )
    history_list_display = ("status", "url")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return source_list_with_counts()

    # Sources come from importing their article; nobody adds or deletes one here.
    def may_change(self, user: Any, obj: Source | None) -> bool:
        return policies.is_reviewer(user) if obj is None else policies.can_set_source_url(user, obj)

    @admin.display(description="source", ordering="anchor_text")
    def anchor_column(self, obj: Source) -> str:
        return short(str(obj), 32)

    @admin.display(description="URL (or href)", ordering="url")
    def url_or_href(self, obj: Source) -> str:
        return short(obj.url or obj.href, 36)

    @admin.display(description="claims", ordering="claims_count")
    def claims_figure(self, obj: Source) -> int:
        return obj.claims_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if "url" in form.changed_data:
            # The service compares the new URL with the stored one, not the form's copy.
            stored = self.get_queryset(request).get(pk=obj.pk)
            adopt(obj, source_set_url(source=stored, url=obj.url, user=request.user))

    @admin.action(description="Fetch the selected sources again", permissions=["change"])
    def fetch_again(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        queued = without_url = 0
        for source in queryset:
            try:
                source_request_fetch(source=source, user=request.user)
            except ValidationError:
                without_url += 1
            else:
                queued += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d source queued to be fetched.",
                "%(count)d sources queued to be fetched.",
                queued,
            )
            % {"count": queued},
        )
        if without_url:
            self.message_user(
                request,
                ngettext(
                    "%(count)d source needs a URL first; give it on the source's page.",
                    "%(count)d sources need a URL first; give each on the source's page.",
                    without_url,
                )
                % {"count": without_url},
                messages.WARNING,
            )


@admin.register(SourceSnapshot)
class SourceSnapshotAdmin(ReadOnlyAdmin):
    """What fetching a source's or evidence's URL returned; only the fetcher writes them."""

    formfield_overrides = URL_FIELD_OVERRIDES
    list_display = (
        "fetched",
        "article",
        "fetched_at",
        "http_status",
        "content_type_column",
        "final_url_column",
        "error_excerpt",
    )
    list_filter = (
        "http_status",
        "soft_404",
        "truncated",
        "text_changed",
        SnapshotArticleFilter,
        "fetched_at",
    )
    search_fields = ("final_url", "title", "source__url", "source__anchor_text", "evidence__url")
    list_select_related = ("source__article", "evidence__claim__article")

    def get_queryset(self, request: HttpRequest) -> QuerySet[SourceSnapshot]:
        return snapshot_list()

    @admin.display(description="source or evidence")
    def fetched(self, obj: SourceSnapshot) -> str:
        return short(str(obj.source or obj.evidence), 32)

    @admin.display(description="article")
    def article(self, obj: SourceSnapshot) -> str:
        if obj.source is not None:
            return short(obj.source.article.title, 30)
        return short(obj.evidence.claim.article.title, 30) if obj.evidence is not None else "-"

    @admin.display(description="content type", ordering="content_type")
    def content_type_column(self, obj: SourceSnapshot) -> str:
        return short(obj.content_type.partition(";")[0], 24)

    @admin.display(description="final URL", ordering="final_url")
    def final_url_column(self, obj: SourceSnapshot) -> str:
        return short(obj.final_url, 36)

    @admin.display(description="error")
    def error_excerpt(self, obj: SourceSnapshot) -> str:
        return short(obj.error, 40)


# --- Claims --------------------------------------------------------------------


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ("stance", "url", "status", "excerpt_short", "author", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).select_related("author")

    @admin.display(description="excerpt")
    def excerpt_short(self, obj: Evidence) -> str:
        return short(obj.excerpt)


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ("reviewer", "verdict", "confidence", "rationale_short", "updated_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rating]:
        return super().get_queryset(request).select_related("reviewer")

    @admin.display(description="rationale")
    def rationale_short(self, obj: Rating) -> str:
        return short(obj.rationale)


@admin.register(Claimant)
class ClaimantAdmin(HistoryAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.can_create_claimant(user)

    def may_change(self, user: Any, obj: Claimant | None) -> bool:
        return policies.is_editor(user) if obj is None else policies.can_change_claimant(user, obj)

    def may_delete(self, user: Any, obj: Claimant | None) -> bool:
        return self.may_change(user, obj)

    list_display = ("name", "kind", "description", "claims_figure", "created_at")
    list_filter = ("kind", "created_at")
    # name_folded holds the name without case or accents: "zoe" finds "Zoë".
    search_fields = ("name", "name_folded", "description")
    fields = ("name", "kind", "description", "same_as", "created_by", "created_at")
    readonly_fields = ("created_by", "created_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claimant]:
        return super().get_queryset(request).annotate(claims_count=models.Count("claims"))

    @admin.display(description="claims", ordering="claims_count")
    def claims_figure(self, obj: Claimant) -> int:
        return getattr(obj, "claims_count", 0)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claimant], search_term: str
    ) -> tuple[QuerySet[Claimant], bool]:
        queryset, duplicates = super().get_search_results(request, queryset, search_term)
        folded = Claimant.objects.search(search_term).values("pk")
        return queryset | self.get_queryset(request).filter(pk__in=folded), duplicates

    def save_model(self, request: HttpRequest, obj: Claimant, form: Any, change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in ("name", "kind", "description")}
        fields["same_as"] = form.cleaned_data["same_as"] or []
        if change:
            claimant_update(claimant=obj, user=request.user, **fields)
        else:
            adopt(obj, claimant_create(user=request.user, **fields))

    def delete_model(self, request: HttpRequest, obj: Claimant) -> None:
        claimant_delete(claimant=obj, user=request.user)


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.is_reviewer(user)

    def may_change(self, user: Any, obj: Claim | None) -> bool:
        return policies.is_reviewer(user) if obj is None else policies.can_change_claim(user, obj)

    def may_delete(self, user: Any, obj: Claim | None) -> bool:
        if obj is None:
            return policies.is_reviewer(user)
        # The page's queryset counts the ratings; a claim read elsewhere asks the database.
        ratings = getattr(obj, "ratings_count", None)
        has_ratings = obj.ratings.exists() if ratings is None else bool(ratings)
        return policies.can_delete_claim(user, obj, has_ratings=has_ratings)

    list_display = (
        "label_figure",
        "quote_column",
        article_column,
        "kind",
        "status",
        "sources_figure",
        "evidence_figure",
        "ratings_figure",
        "created_by",
        "created_at",
    )
    list_filter = ("status", "kind", ArticleFilter, "created_at")
    search_fields = ("quote", "article__title")
    list_select_related = ("article", "created_by")
    autocomplete_fields = ("article", "sources", "claimant")
    inlines = (EvidenceInline, RatingInline)
    history_list_display = ("kind", "status")
    add_fieldsets = ((None, {"fields": ("article", "quote", ("start", "end"), "kind", "sources")}),)
    fieldsets = (
        (None, {"fields": ("article", "number", "in_context", ("start", "end"))}),
        (None, {"fields": ("kind", "status", "note", "sources")}),
        ("What is claimed, by whom", {"fields": ("summary", "claimant", "claim_date")}),
        (None, {"fields": ("created_by", ("created_at", "updated_at"))}),
    )
    readonly_fields = (
        "article",
        "number",
        "in_context",
        "created_by",
        "created_at",
        "updated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return claim_list_with_counts()

    def get_fieldsets(self, request: HttpRequest, obj: Claim | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Claim | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(
        self, request: HttpRequest, obj: Claim | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = ClaimAddForm if obj is None else ClaimChangeForm
        form: Any = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a class made for this request: checks the status change
        return form

    def get_inlines(self, request: HttpRequest, obj: Claim | None) -> Any:
        return self.inlines if obj is not None else ()

    @admin.display(description="claim", ordering="quote")
    def quote_column(self, obj: Claim) -> str:
        return short(obj.quote, 60)

    @admin.display(description="in context")
    def in_context(self, obj: Claim) -> str:
        return format_html("…{}<mark>{}</mark>{}…", obj.prefix, obj.quote, obj.suffix)

    @admin.display(description="number", ordering="number")
    def label_figure(self, obj: Claim) -> str:
        return obj.label

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Claim], search_term: str
    ) -> tuple[QuerySet[Claim], bool]:
        """The words search the quote and article title; "C3" finds claim number 3."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = claim_number_from_label(search_term)
        if number is not None:
            found = found | queryset.filter(number=number)
        return found, may_have_duplicates

    @admin.display(description="sources", ordering="sources_count")
    def sources_figure(self, obj: Claim) -> int:
        return obj.sources_count  # type: ignore[attr-defined]

    @admin.display(description="evidence", ordering="evidence_count")
    def evidence_figure(self, obj: Claim) -> int:
        return obj.evidence_count  # type: ignore[attr-defined]

    @admin.display(description="ratings", ordering="ratings_count")
    def ratings_figure(self, obj: Claim) -> int:
        return obj.ratings_count  # type: ignore[attr-defined]

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            # The service compares with the stored claim, not the form's copy.
            stored = self.get_queryset(request).get(pk=obj.pk)
            start, end = form.moved_to(stored)
            claim = claim_revise(
                claim=stored,
                user=request.user,
                kind=data["kind"],
                status=data["status"],
                sources=data["sources"] if "sources" in form.changed_data else None,
                start=start,
                end=end,
                note=data.get("note") or "",
                description=form.description(),
            )
        else:
            claim = claim_create(
                article=data["article"],
                created_by=request.user,
                quote=data["quote"],
                start=data["start"],
                end=data["end"],
                kind=data["kind"],
                sources=data["sources"],
            )
        adopt(obj, claim)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service has linked the sources; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Claim) -> None:
        claim_delete(claim=obj, user=request.user)


# --- Reviews -------------------------------------------------------------------

EVIDENCE_FIELDS = ("stance", "url", "excerpt", "note")


class EvidenceSnapshotInline(SnapshotInline):
    fk_name = "evidence"


@admin.register(Evidence)
class EvidenceAdmin(HistoryAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.is_reviewer(user)

    def may_change(self, user: Any, obj: Evidence | None) -> bool:
        if obj is None:
            return policies.is_reviewer(user)
        return policies.can_change_evidence(user, obj)

    may_delete = may_change

    list_display = (
        claim_column,
        "stance",
        url_column,
        "status",
        "excerpt_short",
        "author",
        "created_at",
    )
    list_filter = ("stance", "status", ClaimArticleFilter, "created_at")
    search_fields = ("url", "excerpt", "note", "claim__quote")
    list_select_related = ("claim", "author")
    autocomplete_fields = ("claim", "author")
    inlines = (EvidenceSnapshotInline,)
    fields = (
        "claim",
        "author",
        *EVIDENCE_FIELDS,
        ("status", "status_detail", "last_fetched_at"),
        ("created_at", "updated_at"),
    )
    history_list_display = ("stance", "status")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return evidence_list()

    def get_fields(self, request: HttpRequest, obj: Evidence | None = None) -> Any:
        # Who adds evidence is its author, as in the API and the web UI: the policies
        # have no rule for adding it in someone else's name.
        return ("claim", *EVIDENCE_FIELDS) if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Evidence | None = None) -> Any:
        if obj is None:
            return ()
        return (
            "claim",
            "author",
            "status",
            "status_detail",
            "last_fetched_at",
            "created_at",
            "updated_at",
        )

    def get_inlines(self, request: HttpRequest, obj: Evidence | None) -> Any:
        return self.inlines if obj is not None else ()

    @admin.display(description="excerpt")
    def excerpt_short(self, obj: Evidence) -> str:
        return short(obj.excerpt)

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            fields = {name: data[name] for name in EVIDENCE_FIELDS}
            adopt(obj, evidence_create(claim=obj.claim, author=request.user, **fields))
        elif changes := {name: data[name] for name in EVIDENCE_FIELDS if name in form.changed_data}:
            # The service compares the URL with the stored one, not the form's copy.
            stored = self.get_queryset(request).get(pk=obj.pk)
            adopt(obj, evidence_update(evidence=stored, user=request.user, **changes))

    def delete_model(self, request: HttpRequest, obj: Evidence) -> None:
        evidence_delete(evidence=obj, user=request.user)


@admin.register(Rating)
class RatingAdmin(HistoryAdmin):
    def may_add(self, user: Any) -> bool:
        return policies.is_reviewer(user)

    def may_change(self, user: Any, obj: Rating | None) -> bool:
        if obj is None or obj.reviewer_id == user.pk:
            return policies.is_reviewer(user)
        return policies.is_editor(user)

    may_delete = may_change

    list_display = (
        claim_column,
        "reviewer",
        "verdict",
        "confidence",
        "rationale_short",
        "updated_at",
    )
    list_filter = ("verdict", "confidence", ClaimArticleFilter, "created_at")
    search_fields = ("claim__quote", "rationale", "reviewer__username", "reviewer__display_name")
    list_select_related = ("claim", "reviewer")
    autocomplete_fields = ("claim", "reviewer")
    fields = ("claim", "reviewer", "verdict", "confidence", "rationale", "created_at", "updated_at")
    history_list_display = ("verdict", "confidence")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Rating]:
        return rating_list()

    def get_fields(self, request: HttpRequest, obj: Rating | None = None) -> Any:
        return self.fields[:5] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Rating | None = None) -> Any:
        return () if obj is None else ("claim", "reviewer", "created_at", "updated_at")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"reviewer": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_form(
        self, request: HttpRequest, obj: Rating | None = None, change: bool = False, **kw: Any
    ) -> Any:
        if obj is None:
            kw["form"] = RatingAddForm
        form: Any = super().get_form(request, obj, change=change, **kw)
        form.user = request.user  # a class made for this request: checks who rates
        return form

    @admin.display(description="rationale")
    def rationale_short(self, obj: Rating) -> str:
        return short(obj.rationale)

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        # On add, the form has refused a second rating by the same reviewer (the
        # model's unique constraint); the service would have updated the first instead.
        if change and not form.has_changed():
            return
        rating, _created = rating_submit(
            claim=obj.claim,
            reviewer=obj.reviewer,
            verdict=obj.verdict,
            confidence=obj.confidence,
            rationale=obj.rationale,
            actor=request.user,
        )
        adopt(obj, rating)

    def delete_model(self, request: HttpRequest, obj: Rating) -> None:
        rating_withdraw(claim=obj.claim, reviewer=obj.reviewer, actor=request.user)


@admin.register(QuoteCheck)
class QuoteCheckAdmin(ReadOnlyAdmin):
    """Results are computed from snapshots: read-only here, re-run by the workers."""

    list_display = ("quote_excerpt", "result", "score", "checked_against", "checked_at")
    list_filter = ("result", "checked_at")
    search_fields = ("quote", "source_wording")
    list_select_related = ("claim", "source", "evidence")
    readonly_fields = [field.name for field in QuoteCheck._meta.fields]

    @admin.display(description="quote")
    def quote_excerpt(self, check: QuoteCheck) -> str:
        return short(check.quote, 60)

    @admin.display(description="against")
    def checked_against(self, check: QuoteCheck) -> str:
        return short(str(check.source or check.evidence or "-"), 40)

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuoteCheck]:
        return super().get_queryset(request).defer("snapshot__text")


@admin.register(DismissedSuggestion)
class DismissedSuggestionAdmin(ReadOnlyAdmin):
    """Suggested claims the team dismissed in the reader or over the API."""

    list_display = ("article", "start", "end", "by", "at")
    list_filter = ("at",)
    list_select_related = ("article", "by")
    readonly_fields = [field.name for field in DismissedSuggestion._meta.fields]


class ClaimLinkForm(forms.ModelForm):  # type: ignore[type-arg]
    """Link a claim to another as the same claim (``claims_link``)."""

    other = forms.ModelChoiceField(
        queryset=Claim.objects.all(),
        widget=forms.NumberInput,
        label="same claim as (claim id)",
        help_text="The id of the claim it is the same as: both end up in one group.",
    )

    class Meta:
        model = ClaimLink
        fields = ["claim"]
        widgets = {"claim": forms.NumberInput}

    def validate_unique(self) -> None:
        """A claim already in a group may be linked again: its group and the other's merge."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("claim") and data.get("claim") == data.get("other"):
            self.add_error("other", "A claim cannot be linked to itself.")
        return data


@admin.register(ClaimLink)
class ClaimLinkAdmin(HistoryAdmin):
    """Claims editors linked as the same claim; deleting a row takes the claim out of its
    group. Writes go through ``claims.services.links``."""

    list_display = ("claim", "claim_article", "group", "linked_by", "linked_at")
    list_select_related = ("claim__article", "group", "linked_by")
    search_fields = ("claim__quote", "claim__article__title")
    readonly_fields = ("group", "linked_by", "linked_at")

    @admin.display(description="article", ordering="claim__article__title")
    def claim_article(self, link: ClaimLink) -> str:
        return short(link.claim.article.title, 40)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimLink]:
        return (
            super()
            .get_queryset(request)
            .defer("claim__article__source_text", "claim__article__text")
        )

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = ClaimLinkForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["claim", "other"] if obj is None else ["claim", *self.readonly_fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else ["claim", *self.readonly_fields]

    def may_add(self, user: Any) -> bool:
        return policies.can_link_claims(user)

    def may_delete(self, user: Any, obj: Any) -> bool:
        return policies.can_link_claims(user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        claim, other = form.cleaned_data["claim"], form.cleaned_data["other"]
        try:
            claims_link(claim=other, other=claim, user=request.user)
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        adopt(obj, ClaimLink.objects.get(claim=claim))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        partner = ClaimLink.objects.filter(group_id=obj.group_id).exclude(pk=obj.pk).first()
        if partner is None:  # alone in its group: nothing links it any more
            obj.group.delete()
            return
        claims_unlink(claim=partner.claim, other=obj.claim, user=request.user)
