"""REST API views: parse, check the rules in ``claims.policies``, call a service, serialize."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, QuerySet
from django.db.models.functions import Substr
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import claim_rows
from api import serializers as s
from api.conditional import validated_per_caller
from api.filters import ArticleFilter, ClaimFilter, RankedOrderingFilter, SourceFilter
from api.pagination import ClaimPagination, RatingPagination
from api.parsers import LimitedFormParser, LimitedJSONParser, LimitedMultiPartParser
from api.permissions import IsReviewer, ReadPublishedElseReviewer
from claims import policies, selectors
from claims.errors import DuplicateArticle
from claims.models import (
    Article,
    ArticleRevision,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimQuerySet,
    Evidence,
    ImportStatus,
    Rating,
    Source,
    SourceSnapshot,
)
from claims.services import articles as article_services
from claims.services import claimants as claimant_services
from claims.services import claims as claim_services
from claims.services import evidence as review_services
from claims.services import revisions as revision_services
from claims.services import sources as source_services
from claims.services import suggestions as suggestion_services
from claims.services.claimants import Appearance, NewClaimant
from editorial.selectors import article_alpha, claimant_verdict_counts
from editorial.services import ratings as rating_services
from editorial.services import workflow

ERRORS = {
    400: OpenApiResponse(
        s.ErrorSerializer, description="Invalid input; the body says which field and why."
    ),
    401: OpenApiResponse(s.ErrorSerializer, description="Not signed in."),
    403: OpenApiResponse(s.ErrorSerializer, description="Signed in, but not allowed."),
    404: OpenApiResponse(
        s.ErrorSerializer, description="No such object or page, or not visible to you."
    ),
}

VALIDATED = (
    "The response carries an `ETag`; send it back in `If-None-Match` to get an empty "
    "304 while nothing it shows has changed for you."
)
NOT_MODIFIED = OpenApiResponse(description="Not Modified: the `If-None-Match` ETag still holds.")


# --- Auth ----------------------------------------------------------------------


@extend_schema_view(
    post=extend_schema(
        responses={
            200: AuthTokenSerializer,
            400: OpenApiResponse(
                s.ErrorSerializer, description="Wrong username or password, or one is missing."
            ),
            429: OpenApiResponse(
                s.ErrorSerializer,
                description="Too many failed sign-ins for this account or from this address; "
                "`Retry-After` says in how many seconds to try again.",
            ),
        }
    )
)
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the token to send as `Authorization: Token <key>`."""

    serializer_class = s.TokenRequestSerializer  # limits failed attempts per account
    parser_classes = [LimitedJSONParser, LimitedFormParser, LimitedMultiPartParser]
    # DRF's view is not throttled at all, which invites password guessing.
    throttle_classes = APIView.throttle_classes


# --- Articles ------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List articles", responses={200: s.ArticleSerializer, **ERRORS}),
    retrieve=extend_schema(
        summary="An article with its text and figures",
        responses={200: s.ArticleDetailSerializer, **ERRORS},
    ),
    destroy=extend_schema(summary="Delete an article (editors)", responses={204: None, **ERRORS}),
)
class ArticleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReadPublishedElseReviewer]
    lookup_value_converter = "id"
    parser_classes = [LimitedJSONParser, LimitedMultiPartParser, LimitedFormParser]
    filter_backends = [DjangoFilterBackend, RankedOrderingFilter]
    filterset_class = ArticleFilter
    ordering_fields = ["created_at", "updated_at", "title", "published_on", "claims_count"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Article]:
        user = self.request.user
        return selectors.article_list_with_counts(reader=user).visible_to(user)

    def get_serializer_class(self) -> type[s.serializers.BaseSerializer]:
        return s.ArticleDetailSerializer if self.action == "retrieve" else s.ArticleSerializer

    def get_object(self) -> Article:
        queryset = self.get_queryset()
        if self.action == "retrieve":
            queryset = queryset.defer(None).defer("source_text")
        article: Article = get_object_or_404(queryset, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, article)
        if self.action == "retrieve":
            claims = article.claims.visible_to(self.request.user)
            counts = claims.values("status").annotate(n=Count("id")).order_by()
            article.claims_by_status = {row["status"]: row["n"] for row in counts}  # type: ignore[attr-defined]
            article.alpha = article_alpha(claims=claims)  # type: ignore[attr-defined]
        return article

    @extend_schema(
        summary="Import an article",
        description="Send `body` (JSON or form) or upload `file` (multipart).",
        request={
            "application/json": s.ArticleCreateSerializer,
            "multipart/form-data": s.ArticleCreateSerializer,
        },
        responses={
            201: s.ArticleDetailSerializer,
            202: OpenApiResponse(
                s.ArticleDetailSerializer,
                description="Only a URL was sent: the page is being fetched in the background.",
            ),
            409: OpenApiResponse(
                s.ErrorSerializer, description="Identical content was already imported."
            ),
            413: OpenApiResponse(
                s.ErrorSerializer, description="The upload is over the size limit."
            ),
            415: OpenApiResponse(
                s.ErrorSerializer,
                description="The body is not JSON, a form or multipart (or says no type).",
            ),
            **ERRORS,
        },
    )
    def create(self, request: Request) -> Response:
        data = s.ArticleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        upload = fields.get("file")
        try:
            article = article_services.article_import(
                content=fields.get("body"),
                upload=upload,
                filename=upload.name if upload is not None else None,
                source_format=fields.get("format"),
                title=fields["title"],
                url=fields["url"],
                byline=fields["byline"],
                publisher=fields["publisher"],
                published_on=fields["published_on"],
                imported_by=request.user,
                force=fields["force"],
                language=fields["language"],
            )
        except DuplicateArticle as duplicate:
            return Response(
                {
                    "detail": duplicate.messages[0],
                    "code": "duplicate",
                    "existing": duplicate.existing.pk,
                },
                status=status.HTTP_409_CONFLICT,
            )
        fetching = article.import_status == ImportStatus.FETCHING
        code = status.HTTP_202_ACCEPTED if fetching else status.HTTP_201_CREATED
        return Response(self._detail(article), status=code)

    @extend_schema(
        summary="Change an article's metadata",
        request=s.ArticleUpdateSerializer,
        responses={200: s.ArticleDetailSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        article = self.get_object()
        data = s.ArticleUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        article = article_services.article_update(
            article=article, user=request.user, **data.validated_data
        )
        return Response(self._detail(article))

    def perform_destroy(self, instance: Article) -> None:
        article_services.article_delete(article=instance, user=self.request.user)

    def _detail(self, article: Article) -> dict[str, Any]:
        self.kwargs["pk"] = article.pk
        self.action = "retrieve"
        return s.ArticleDetailSerializer(
            self.get_object(), context=self.get_serializer_context()
        ).data

    @extend_schema(
        summary="Suggested claims",
        description="The article's check-worthy sentences, best first, without those already "
        "marked as claims or dismissed. `limit` (1-200, default 20).",
        parameters=[s.SuggestionLimitSerializer],
        responses={200: s.SuggestionSerializer(many=True), **ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def suggestions(self, request: Request, pk: int) -> Response:
        article = self.get_object()
        form = s.SuggestionLimitSerializer(data=request.query_params)
        form.is_valid(raise_exception=True)
        found = suggestion_services.article_suggestions(
            article=article, limit=form.validated_data["limit"]
        )
        return Response(s.SuggestionSerializer(found, many=True).data)

    @extend_schema(
        summary="Dismiss a suggested claim",
        request=s.SuggestionDismissSerializer,
        responses={201: s.SuggestionDismissSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="suggestions/dismiss",
        pagination_class=None,
        filter_backends=[],
    )
    def dismiss_suggestion(self, request: Request, pk: int) -> Response:
        article = self.get_object()
        form = s.SuggestionDismissSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        suggestion_services.suggestion_dismiss(
            article=article, actor=request.user, **form.validated_data
        )
        return Response(form.validated_data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        summary="The article's revisions, newest first",
        responses={200: s.RevisionSerializer(many=True), **ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Add a revision: a new version of the text, or its page fetched again",
        description="`body` (with `format`, default the article's) makes the new version at "
        "once and answers how the claims fared; `from_url: true` fetches the page again "
        "in the background. The same text as now makes no revision (200, `unchanged`).",
        request=s.RevisionCreateSerializer,
        responses={
            201: s.RevisionResultSerializer,
            200: OpenApiResponse(s.RevisionResultSerializer, description="Unchanged."),
            202: OpenApiResponse(s.ErrorSerializer, description="The page is being fetched again."),
            **ERRORS,
        },
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def revisions(self, request: Request, pk: int) -> Response:
        article = self.get_object()
        if request.method == "GET":
            rows = ArticleRevision.objects.filter(article=article).select_related("created_by")
            rows = rows.defer("text", "structure", "source_text").order_by("-number")
            return Response(s.RevisionSerializer(rows, many=True).data)
        form = s.RevisionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        fields = form.validated_data
        if fields["from_url"]:
            revision_services.article_check_for_updates(article=article, user=request.user)
            return Response(
                {"detail": "The page is being fetched again; a changed text becomes a revision."},
                status=status.HTTP_202_ACCEPTED,
            )
        outcome = revision_services.article_revise(
            article=article,
            user=request.user,
            content=fields["body"],
            source_format=fields.get("format"),
        )
        result = {
            "detail": outcome.message,
            "unchanged": outcome.revision is None,
            "revision": outcome.revision.number if outcome.revision else None,
            **outcome.summary,
            "sources_new": outcome.sources_new,
            "sources_removed": outcome.sources_removed,
        }
        code = status.HTTP_200_OK if outcome.revision is None else status.HTTP_201_CREATED
        return Response(s.RevisionResultSerializer(result).data, status=code)

    @extend_schema(
        summary="One revision of the article, with its text",
        responses={200: s.RevisionDetailSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="revisions/<int:number>",
        pagination_class=None,
        filter_backends=[],
    )
    def revision(self, request: Request, pk: int, number: int) -> Response:
        article = self.get_object()
        revision = get_object_or_404(
            ArticleRevision.objects.select_related("created_by"), article=article, number=number
        )
        return Response(s.RevisionDetailSerializer(revision).data)


# --- Sources -------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List cited sources", responses={200: s.SourceSerializer, **ERRORS}),
    retrieve=extend_schema(
        summary="A source with its latest snapshot",
        responses={200: s.SourceDetailSerializer, **ERRORS},
    ),
)
class SourceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsReviewer]
    lookup_value_converter = "id"
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_class = SourceFilter
    ordering_fields = ["position", "status", "last_fetched_at", "created_at"]
    ordering = ["article_id", "position"]

    def get_queryset(self) -> QuerySet[Source]:
        snapshots = SourceSnapshot.objects.defer("text")
        if self.action == "retrieve":
            snapshots = snapshots.annotate(excerpt=Substr("text", 1, s.EXCERPT_CHARS))
        return (
            selectors.source_list_with_counts()
            .annotate(archived_copy=selectors.archived_copy_value())
            .prefetch_related(selectors.latest_snapshot_prefetch(snapshots))
        )

    def get_serializer_class(self) -> type[s.serializers.BaseSerializer]:
        return s.SourceDetailSerializer if self.action != "list" else s.SourceSerializer

    @extend_schema(
        summary="Supply or correct the URL to fetch, in any status",
        description=(
            "A new URL is fetched afresh (earlier snapshots stay); the same URL again "
            "changes nothing."
        ),
        request=s.SourceUrlSerializer,
        responses={200: s.SourceDetailSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        source = self.get_object()
        data = s.SourceUrlSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if "url" in data.validated_data:  # an empty PATCH changes nothing
            source_services.source_set_url(
                source=source, url=data.validated_data["url"], user=request.user
            )
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Use the web archive's copy offered for a dead or failed source",
        description="Sets the source's URL to its `archive_offer` and fetches it; a 400 when "
        "none is offered.",
        request=None,
        responses={200: s.SourceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="use-archived-copy")
    def use_archived_copy(self, request: Request, pk: int) -> Response:
        source_services.source_use_archived_copy(source=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        summary="Fetch the source again",
        request=None,
        responses={202: s.SourceDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def fetch(self, request: Request, pk: int) -> Response:
        source = self.get_object()
        source_services.source_request_fetch(source=source, user=request.user)
        return Response(
            self.get_serializer(self.get_object()).data, status=status.HTTP_202_ACCEPTED
        )


# --- Claims --------------------------------------------------------------------


def claims_for_api() -> ClaimQuerySet:
    return (
        selectors.claim_list_with_counts()
        .annotate(revision_number=F("revision__number"))
        .select_related("claimant")
        .prefetch_related(
            Prefetch("sources", queryset=Source.objects.only("id")),
            Prefetch(
                "ratings", queryset=Rating.objects.only("id", "claim_id", "reviewer_id", "verdict")
            ),
        )
    )


def claim_detail_queryset() -> ClaimQuerySet:
    return claims_for_api().prefetch_related("quote_checks", "appearances")


@extend_schema_view(
    list=extend_schema(
        summary="List claims",
        description=VALIDATED,
        responses={200: s.ClaimSerializer, 304: NOT_MODIFIED, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="A claim with its paragraph, figures and ratings summary",
        description=VALIDATED,
        responses={200: s.ClaimDetailSerializer, 304: NOT_MODIFIED, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a claim (its creator while unrated, or editors)",
        responses={204: None, **ERRORS},
    ),
)
class ClaimViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [ReadPublishedElseReviewer]
    lookup_value_converter = "id"
    filter_backends = [DjangoFilterBackend, RankedOrderingFilter]
    filterset_class = ClaimFilter
    pagination_class = ClaimPagination
    ordering_fields = ["created_at", "updated_at", "start", "ratings_count", "evidence_count"]
    ordering = ["article_id", "start", "id"]

    def get_queryset(self) -> QuerySet[Claim]:
        if self.action == "list":  # rendered from rows: nothing to prefetch
            return selectors.claim_list_with_counts().visible_to(self.request.user)
        queryset = claim_detail_queryset().defer(None).defer("article__source_text")
        return queryset.visible_to(self.request.user)

    def get_serializer_class(self) -> type[s.serializers.BaseSerializer]:
        return s.ClaimDetailSerializer if self.action != "list" else s.ClaimSerializer

    @validated_per_caller
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        rows = claim_rows.claim_rows(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(rows)
        claims = claim_rows.render(list(rows) if page is None else page, user=request.user)
        return Response(claims) if page is None else self.get_paginated_response(claims)

    @validated_per_caller
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Mark a claim",
        description=(
            "Give the `quote` (the server finds its offsets; a quote that occurs several "
            "times is refused with the list of occurrences) or `start` and `end`."
        ),
        request=s.ClaimCreateSerializer,
        responses={201: s.ClaimDetailSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = s.ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        article = Article.objects.filter(pk=fields["article"]).first()
        if article is None:
            raise ValidationError({"article": f"No article with id {fields['article']}."})
        claim = claim_services.claim_create(
            article=article,
            created_by=request.user,
            quote=fields.get("quote", ""),
            start=fields.get("start"),
            end=fields.get("end"),
            kind=fields["kind"],
            sources=_sources_by_id(fields["sources"]),
            claimant=_claimant_choice(fields),
            summary=fields["summary"],
            claim_date=fields.get("claim_date"),
        )
        return Response(self._detail(claim), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a claim's kind, status, sources, passage or description",
        description=(
            "`start` and `end` move the claim to another passage of its article: the quote "
            "and its context are taken from the text there (and a quote claim is checked "
            "again). Moving a claim that has ratings is for editors only."
        ),
        request=s.ClaimUpdateSerializer,
        responses={200: s.ClaimDetailSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        claim = self.get_object()
        data = s.ClaimUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        workflow.claim_revise(
            claim=claim,
            user=request.user,
            kind=fields.get("kind"),
            status=fields.get("status"),
            sources=_sources_by_id(fields["sources"]) if "sources" in fields else None,
            start=fields.get("start"),
            end=fields.get("end"),
            description=_description(fields),
        )
        return Response(self._detail(claim))

    def perform_destroy(self, instance: Claim) -> None:
        claim_services.claim_delete(claim=instance, user=self.request.user)

    def _detail(self, claim: Claim) -> dict[str, Any]:
        fresh = claim_detail_queryset().defer(None).defer("article__source_text").get(pk=claim.pk)
        return s.ClaimDetailSerializer(fresh, context=self.get_serializer_context()).data


def _claimant_choice(fields: dict[str, Any]) -> Claimant | NewClaimant | None:
    """The claimant a request names: by id, by name and kind, or none."""
    if fields.get("claimant_name"):
        # A partial update leaves out the serializer's default kind: a person, as there.
        return NewClaimant(
            fields["claimant_name"], fields.get("claimant_kind", ClaimantKind.PERSON)
        )
    if not fields.get("claimant"):
        return None
    claimant = Claimant.objects.filter(pk=fields["claimant"]).first()
    if claimant is None:
        raise ValidationError({"claimant": f"No claimant with id {fields['claimant']}."})
    return claimant


def _description(fields: dict[str, Any]) -> dict[str, Any]:
    """The parts of a claim's description (``claim_describe``) that the request changes."""
    description: dict[str, Any] = {
        name: fields[name] for name in ("summary", "claim_date") if name in fields
    }
    if "claimant" in fields or "claimant_name" in fields:
        description["claimant"] = _claimant_choice(fields)
    if "appearances" in fields:
        description["appearances"] = [
            Appearance(item["url"], item.get("first", False)) for item in fields["appearances"]
        ]
    return description


def _sources_by_id(ids: list[int]) -> list[Source]:
    sources = list(Source.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {source.pk for source in sources})
    if missing:
        raise ValidationError({"sources": f"No sources with ids {missing}."})
    return sources


class ClaimChildViewSet(viewsets.GenericViewSet):
    """Views under /claims/{claim_id}/: the claim must exist and be visible to the caller."""

    def get_claim(self) -> Claim:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no claim
            return Claim()
        if not hasattr(self, "_claim"):
            visible = self.claims().visible_to(self.request.user)
            self._claim = get_object_or_404(visible, pk=self.kwargs["claim_id"])
        return self._claim

    def claims(self) -> ClaimQuerySet:
        return Claim.objects.select_related("article")


@extend_schema_view(
    list=extend_schema(
        summary="Evidence for a claim", responses={200: s.EvidenceSerializer, **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One piece of evidence", responses={200: s.EvidenceSerializer, **ERRORS}
    ),
    destroy=extend_schema(
        summary="Delete evidence (its author or editors)", responses={204: None, **ERRORS}
    ),
)
class EvidenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ClaimChildViewSet,
):
    permission_classes = [IsReviewer]
    lookup_value_converter = "id"
    serializer_class = s.EvidenceSerializer
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "stance"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        return (
            selectors.evidence_list()
            .filter(claim=self.get_claim())
            .prefetch_related("quote_checks")
        )

    @extend_schema(
        summary="Add evidence",
        request=s.EvidenceInputSerializer,
        responses={201: s.EvidenceSerializer, **ERRORS},
    )
    def create(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = review_services.evidence_create(
            claim=claim, author=request.user, **data.validated_data
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change evidence (its author or editors)",
        request=s.EvidenceInputSerializer,
        responses={200: s.EvidenceSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, claim_id: int, pk: int) -> Response:
        evidence = self.get_object()
        data = s.EvidenceInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # Partial: defaults are not applied, so only the fields sent are changed.
        review_services.evidence_update(evidence=evidence, user=request.user, **data.validated_data)
        return Response(s.EvidenceSerializer(evidence).data)

    def perform_destroy(self, instance: Evidence) -> None:
        review_services.evidence_delete(evidence=instance, user=self.request.user)


@extend_schema_view(
    list=extend_schema(
        summary="Everyone's ratings of a claim (only mine until I have rated it)",
        description="Ratings are independent: a reviewer sees the others' ratings once they "
        "have rated the claim themselves or it is published; editors see them all along. "
        "`others_hidden` and `hidden_reason` say when they are hidden.",
        responses={200: s.RatingSerializer, **ERRORS},
    ),
)
class RatingViewSet(mixins.ListModelMixin, ClaimChildViewSet):
    """Everyone's ratings, or only mine while the others' are hidden from me."""

    permission_classes = [IsReviewer]
    lookup_value_converter = "id"
    serializer_class = s.RatingSerializer
    pagination_class = RatingPagination
    filter_backends = [OrderingFilter]
    ordering_fields = ["created_at", "updated_at", "verdict"]
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[Rating]:
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        ratings = selectors.rating_list().filter(claim=self.get_claim())
        if self.hidden_reason():
            ratings = ratings.filter(reviewer_id=self.request.user.pk)
        return ratings

    def claims(self) -> ClaimQuerySet:
        return super().claims().with_rated_by_me(self.request.user)

    def hidden_reason(self) -> str | None:
        claim = self.get_claim()
        return policies.others_ratings_hidden_reason(
            self.request.user,
            claim.status,
            has_rated=getattr(claim, "rated_by_me", False),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        response.data["others_hidden"] = self.hidden_reason() is not None
        response.data["hidden_reason"] = self.hidden_reason()
        return response


class MyRatingViewSet(ClaimChildViewSet):
    permission_classes = [IsReviewer]
    lookup_value_converter = "id"
    serializer_class = s.RatingSerializer

    def get_queryset(self) -> QuerySet[Rating]:
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        return selectors.rating_list().filter(
            claim=self.get_claim(), reviewer_id=self.request.user.pk
        )

    def get_object(self) -> Rating:
        # Also what OPTIONS calls to describe PUT.
        rating: Rating = get_object_or_404(self.get_queryset())
        return rating

    @extend_schema(summary="My rating of the claim", responses={200: s.RatingSerializer, **ERRORS})
    def retrieve(self, request: Request, claim_id: int) -> Response:
        return Response(s.RatingSerializer(self.get_object()).data)

    @extend_schema(
        summary="Rate the claim, or change my rating (idempotent)",
        request=s.RatingInputSerializer,
        responses={200: s.RatingSerializer, 201: s.RatingSerializer, **ERRORS},
    )
    def update(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating, created = rating_services.rating_submit(
            claim=claim, reviewer=request.user, **data.validated_data
        )
        return Response(
            s.RatingSerializer(rating).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(summary="Withdraw my rating", responses={204: None, **ERRORS})
    def destroy(self, request: Request, claim_id: int) -> Response:
        if not rating_services.rating_withdraw(claim=self.get_claim(), reviewer=request.user):
            raise NotFound("You have not rated this claim.")
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Claimants -----------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="List claimants",
        parameters=[
            OpenApiParameter(
                "q", OpenApiTypes.STR, description="Words of the name (case and accents ignored)."
            )
        ],
        responses={200: s.ClaimantSerializer, **ERRORS},
    ),
    retrieve=extend_schema(
        summary="A claimant with their track record",
        responses={200: s.ClaimantDetailSerializer, **ERRORS},
    ),
    destroy=extend_schema(
        summary="Delete a claimant (editors; only one without claims)",
        responses={204: None, **ERRORS},
    ),
)
class ClaimantViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsReviewer]
    lookup_value_converter = "id"

    def get_queryset(self) -> QuerySet[Claimant]:
        claimants = Claimant.objects.select_related("created_by").annotate(
            claims_count=Count("claims")
        )
        if self.action == "list":
            claimants = claimants.search(self.request.query_params.get("q", "")[:200])
        return claimants.order_by("name", "id")

    def get_serializer_class(self) -> type[s.serializers.BaseSerializer]:
        return s.ClaimantSerializer if self.action == "list" else s.ClaimantDetailSerializer

    def get_object(self) -> Claimant:
        claimant: Claimant = super().get_object()
        counts = claimant_verdict_counts([claimant.pk], public=False)
        claimant.published_verdicts = counts.get(claimant.pk, {})  # type: ignore[attr-defined]
        return claimant

    @extend_schema(
        summary="Add a claimant",
        request=s.ClaimantInputSerializer,
        responses={201: s.ClaimantDetailSerializer, **ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = s.ClaimantInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claimant = claimant_services.claimant_create(user=request.user, **data.validated_data)
        return Response(self._detail(claimant), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a claimant (editors)",
        request=s.ClaimantInputSerializer(partial=True),
        responses={200: s.ClaimantDetailSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        claimant = self.get_object()
        data = s.ClaimantInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        claimant_services.claimant_update(
            claimant=claimant, user=request.user, **data.validated_data
        )
        return Response(self._detail(claimant))

    def perform_destroy(self, instance: Claimant) -> None:
        claimant_services.claimant_delete(claimant=instance, user=self.request.user)

    def _detail(self, claimant: Claimant) -> dict[str, Any]:
        self.kwargs["pk"] = claimant.pk
        self.action = "retrieve"
        return s.ClaimantDetailSerializer(self.get_object()).data
