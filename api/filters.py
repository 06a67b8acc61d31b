from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet
from django_filters import rest_framework as filters
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from claims import search as full_text
from claims.models import (
    Article,
    ArticleStatus,
    Claim,
    ClaimKind,
    ClaimQuerySet,
    ClaimStatus,
    Rating,
    Source,
    SourceStatus,
    Verdict,
    others_ratings_visible_q,
)
from editorial.models import ConsensusState
from editorial.queues import QUEUES, queue_get
from editorial.selectors import consensus_seen_by_q, unassigned_q, verdict_q

MAX_ID = 2**63 - 1


class IdFilter(filters.NumberFilter):
    """A row id: a whole number in the database's range, else a 400 (never an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


def one_of(choices: list[tuple[str, str]]) -> dict[str, str]:
    """A field's message for a value that is not a choice, naming the choices."""
    names = ", ".join(value for value, _ in choices)
    return {"invalid_choice": f"%(value)s is not one of: {names}."}


SEARCH_HELP = (
    "Full-text search, best matches first unless `ordering` is given: words (all of "
    'them), "a quoted phrase", -word (without it), a or b (either). Words are stemmed '
    "in the article's language on PostgreSQL."
)


class RankedOrderingFilter(OrderingFilter):
    """``ordering`` when given; else a search's ranking, else the view's default order."""

    def filter_queryset(self, request: Request, queryset: QuerySet[Any], view: Any) -> Any:
        searched = full_text.RANK in queryset.query.annotations
        if searched and not request.query_params.get(self.ordering_param):
            return queryset
        return super().filter_queryset(request, queryset, view)


def filter_search(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
    return full_text.matching(queryset, value)


class ArticleFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ArticleStatus.choices)
    search = filters.CharFilter(
        method=filter_search, max_length=full_text.MAX_QUERY_CHARS, help_text=SEARCH_HELP
    )

    class Meta:
        model = Article
        fields = ["status", "search"]


class SourceFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Article id.")
    status = filters.ChoiceFilter(choices=SourceStatus.choices)

    class Meta:
        model = Source
        fields = ["article", "status"]


class ClaimFilter(filters.FilterSet):
    article = IdFilter(field_name="article_id", help_text="Article id.")
    kind = filters.ChoiceFilter(choices=ClaimKind.choices)
    status = filters.ChoiceFilter(choices=ClaimStatus.choices)
    search = filters.CharFilter(
        method=filter_search,
        max_length=full_text.MAX_QUERY_CHARS,
        help_text=SEARCH_HELP + " Searches the quote, the summary and the article's title.",
    )
    verdict = filters.ChoiceFilter(
        choices=Verdict.choices,
        method="filter_verdict",
        help_text="Claims with this verdict: the published verdict of published claims, else "
        "the reviewers' consensus verdict where they reached one (not when disputed).",
    )
    rated_verdict = filters.ChoiceFilter(
        choices=Verdict.choices,
        method="filter_rated_verdict",
        help_text="Claims that at least one reviewer rated with this verdict.",
    )
    needs_my_rating = filters.BooleanFilter(
        method="filter_needs_my_rating",
        help_text="true: claims I have not rated yet; false: claims I have rated.",
    )

    consensus = filters.ChoiceFilter(
        choices=ConsensusState.choices,
        error_messages=one_of(ConsensusState.choices),
        method="filter_consensus",
        help_text="Claims whose reviewers' consensus is in this state (claims nobody has "
        "rated need ratings).",
    )
    assigned = filters.ChoiceFilter(
        choices=[("none", "Assigned to nobody")],
        error_messages=one_of([("none", "")]),
        method="filter_assigned",
        help_text="none: claims nobody is assigned to.",
    )
    queue = filters.ChoiceFilter(
        choices=[(name, q.label) for name, q in QUEUES.items()],
        error_messages=one_of([(name, q.label) for name, q in QUEUES.items()]),
        method="filter_queue",
        help_text="Claims in this editors' queue: "
        + "; ".join(f"{name}: {q.summary}" for name, q in QUEUES.items()),
    )

    class Meta:
        model = Claim
        fields = [
            "article",
            "kind",
            "status",
            "search",
            "verdict",
            "rated_verdict",
            "needs_my_rating",
            "consensus",
            "assigned",
            "queue",
        ]

    def filter_consensus(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(consensus_seen_by_q(value, self._caller()))

    def filter_assigned(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(unassigned_q())

    def filter_queue(self, queryset: ClaimQuerySet, name: str, value: str) -> ClaimQuerySet:
        return queue_get(value).claims_seen_by(self._caller(), queryset)

    # Both verdict filters look only at the claims whose ratings the caller may see: a
    # filter must not tell what the hidden ones are.
    def filter_verdict(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return queryset.filter(verdict_q(value), others_ratings_visible_q(self._caller()))

    def filter_rated_verdict(
        self, queryset: QuerySet[Claim], name: str, value: str
    ) -> QuerySet[Claim]:
        rated = Exists(Rating.objects.filter(claim=OuterRef("pk"), verdict=value))
        return queryset.filter(rated, others_ratings_visible_q(self._caller()))

    def _caller(self) -> Any:
        return self.request.user if self.request else AnonymousUser()

    def filter_needs_my_rating(
        self, queryset: ClaimQuerySet, name: str, value: bool
    ) -> ClaimQuerySet:
        user = self.request.user if self.request else None
        if user is None:
            return queryset
        return queryset.unrated_by(user) if value else queryset.rated_by(user)
