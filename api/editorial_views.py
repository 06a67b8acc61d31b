"""REST API of the editorial workflow: parse, check ``claims.policies``, call a service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from api import editorial_serializers as s
from api.permissions import CanHandleCorrectionRequests, IsReviewer, ReadPublishedElseReviewer
from api.serializers import ClaimSerializer
from api.views import ERRORS, ClaimChildViewSet, claims_for_api
from claims.models import Article, Claim, ClaimStatus
from editorial import selectors
from editorial.claimreview import (
    article_claim_reviews,
    claim_review,
    public_base_url,
    publish_warnings,
)
from editorial.models import (
    Assignment,
    ClaimTransition,
    Comment,
    CorrectionRequest,
    CorrectionRequestStatus,
)
from editorial.report import article_report, report_csv
from editorial.services import assignments, comments, correction_requests, workflow

# For views that render more than JSON: their errors are still JSON.
JSON_ERRORS = {(code, "application/json"): response for code, response in ERRORS.items()}

CLAIM_REVIEW = OpenApiResponse(
    {"type": "object", "additionalProperties": True},
    description="schema.org ClaimReview (JSON-LD).",
)


class JSONLDRenderer(JSONRenderer):
    """The same JSON, as ``application/ld+json`` for clients that ask for it."""

    media_type = "application/ld+json"
    format = "jsonld"


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return data.encode("utf-8") if isinstance(data, str) else b""


class JSONErrors:
    """Errors are JSON whatever format the client asked for (CSV, JSON-LD)."""

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and type(renderer) is not JSONRenderer:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


# --- Workflow ------------------------------------------------------------------------


class TransitionViewSet(mixins.ListModelMixin, ClaimChildViewSet):
    permission_classes = [IsReviewer]
    serializer_class = s.TransitionSerializer

    def get_queryset(self) -> QuerySet[ClaimTransition]:
        if getattr(self, "swagger_fake_view", False):
            return ClaimTransition.objects.none()
        return selectors.transition_list(claim=self.get_claim()).order_by("created_at", "id")

    @extend_schema(
        summary="The claim's status changes: who, when, from, to and why",
        responses={200: s.TransitionSerializer, **ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Move the claim to another status",
        description=(
            "Allowed moves: open → in_review (reviewers); in_review → ready (reviewers once "
            "the ratings reach consensus, editors anyway); in_review → open, ready → "
            "in_review, rejected → open and → rejected from open, in_review or ready (editors; "
            "rejecting needs a `note`). Publishing and unpublishing have their own endpoints."
        ),
        request=s.TransitionInputSerializer,
        responses={201: s.TransitionSerializer, **ERRORS},
    )
    def create(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to_status, note = data.validated_data["to"], data.validated_data["note"]
        record = workflow.claim_transition(
            claim=claim, to_status=to_status, user=request.user, note=note
        )
        return Response(s.TransitionSerializer(record).data, status=status.HTTP_201_CREATED)


class AssignmentViewSet(mixins.ListModelMixin, ClaimChildViewSet):
    permission_classes = [IsReviewer]
    serializer_class = s.AssignmentSerializer

    # A claim has a handful of assigned reviewers: both listing and assigning answer
    # with all of them as a plain list.
    pagination_class = None

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return selectors.assignment_list(claim=self.get_claim()).order_by("assigned_at", "id")

    @extend_schema(
        summary="Who is assigned to rate the claim",
        responses={200: s.AssignmentSerializer, **ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Assign reviewers to the claim (editors)",
        request=s.AssignInputSerializer,
        responses={
            200: OpenApiResponse(
                s.AssignmentSerializer(many=True), description="All were already assigned."
            ),
            201: s.AssignmentSerializer(many=True),
            **ERRORS,
        },
    )
    def create(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.AssignInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["reviewers"]
        users = list(User.objects.filter(pk__in=ids).prefetch_related("groups"))
        if missing := sorted(set(ids) - {user.pk for user in users}):
            raise ValidationError({"reviewers": f"No users with ids {missing}."})
        new = assignments.claim_assign(claim=claim, reviewers=users, assigned_by=request.user)
        everyone = self.get_queryset()
        return Response(
            s.AssignmentSerializer(everyone, many=True).data,
            status=status.HTTP_201_CREATED if new else status.HTTP_200_OK,
        )

    @extend_schema(summary="Unassign a reviewer (editors)", responses={204: None, **ERRORS})
    def destroy(self, request: Request, claim_id: int, reviewer_id: int) -> Response:
        claim = self.get_claim()
        reviewer = User.objects.filter(pk=reviewer_id).first()
        if reviewer is None or not assignments.assignment_delete(
            claim=claim, reviewer=reviewer, user=request.user
        ):
            raise NotFound("This reviewer is not assigned to this claim.")
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentViewSet(mixins.ListModelMixin, ClaimChildViewSet):
    permission_classes = [IsReviewer]
    serializer_class = s.CommentSerializer

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return selectors.comment_list(claim=self.get_claim()).order_by("created_at", "id")

    @extend_schema(
        summary="The claim's discussion, oldest first",
        responses={200: s.CommentSerializer, **ERRORS},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Add to the claim's discussion",
        request=s.CommentInputSerializer,
        responses={201: s.CommentSerializer, **ERRORS},
    )
    def create(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = comments.comment_create(
            claim=claim, author=request.user, body=data.validated_data["body"]
        )
        return Response(s.CommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    def get_object(self) -> Comment:
        comment: Comment = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        return comment

    @extend_schema(summary="One comment", responses={200: s.CommentSerializer, **ERRORS})
    def retrieve(self, request: Request, claim_id: int, pk: int) -> Response:
        return Response(s.CommentSerializer(self.get_object()).data)

    @extend_schema(
        summary="Edit a comment (its author or editors); it then shows `edited_at`",
        request=s.CommentInputSerializer,
        responses={200: s.CommentSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, claim_id: int, pk: int) -> Response:
        comment = self.get_object()
        data = s.CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comments.comment_update(
            comment=comment, user=request.user, body=data.validated_data["body"]
        )
        return Response(s.CommentSerializer(comment).data)

    @extend_schema(
        summary="Delete a comment (its author or editors)", responses={204: None, **ERRORS}
    )
    def destroy(self, request: Request, claim_id: int, pk: int) -> Response:
        comments.comment_delete(comment=self.get_object(), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublicationViewSet(ClaimChildViewSet):
    permission_classes = [IsReviewer]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        # What OPTIONS describes: the input of the action asked about.
        if getattr(self, "action", None) == "unpublish":
            return s.UnpublishInputSerializer
        return s.PublishInputSerializer

    @extend_schema(
        summary="Publish the claim's verdict (editors)",
        description=(
            "The claim must be ready. A verdict other than the reviewers' consensus, or any "
            "verdict while they have none, needs a `note`; a claim with no evidence and no "
            "source needs `confirm_no_evidence: true`. `publish_article: true` publishes "
            "the claim's article too (its public page appears only then). On a published "
            "claim this corrects its verdict or rationale (200): that needs a `correction` "
            "note for the public, and may resolve a reader's report (`correction_request`)."
        ),
        request=s.PublishInputSerializer,
        responses={201: s.PublicationSerializer, 200: s.PublicationSerializer, **ERRORS},
    )
    def publish(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.PublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        resolves = None
        if (request_id := fields.pop("correction_request")) is not None:
            resolves = selectors.correction_request_list(claim=claim).filter(pk=request_id).first()
            if resolves is None:
                raise ValidationError(
                    {"correction_request": f"This claim has no reader's report {request_id}."}
                )
        reused_from = None
        if (partner_id := fields.pop("reused_from")) is not None:
            reused_from = Claim.objects.select_related("article").filter(pk=partner_id).first()
            if reused_from is None:
                raise ValidationError({"reused_from": [f"No claim with id {partner_id}."]})
        correcting = claim.status == ClaimStatus.PUBLISHED
        publication = workflow.claim_publish(
            claim=claim, editor=request.user, resolves=resolves, reused_from=reused_from, **fields
        )
        context = {
            "base_url": public_base_url(request.build_absolute_uri("/")),
            "warnings": publish_warnings(claim),
        }
        return Response(
            s.PublicationSerializer(publication, context=context).data,
            status=status.HTTP_200_OK if correcting else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Unpublish the claim (editors): back to ready, its publication kept in history",
        request=s.UnpublishInputSerializer,
        responses={200: s.TransitionSerializer, **ERRORS},
    )
    def unpublish(self, request: Request, claim_id: int) -> Response:
        claim = self.get_claim()
        data = s.UnpublishInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = workflow.claim_unpublish(
            claim=claim, editor=request.user, note=data.validated_data["note"]
        )
        return Response(s.TransitionSerializer(record).data)


# --- ClaimReview ------------------------------------------------------------------------


class ClaimReviewViewSet(JSONErrors, ClaimChildViewSet):
    """Public for claims that anyone may read (published, in a published article)."""

    permission_classes = [ReadPublishedElseReviewer]
    renderer_classes = [JSONRenderer, JSONLDRenderer]

    @extend_schema(
        summary="The claim's ClaimReview (JSON-LD), once published",
        responses={
            (200, "application/json"): CLAIM_REVIEW,
            (200, "application/ld+json"): CLAIM_REVIEW,
            **JSON_ERRORS,
        },
    )
    def retrieve(self, request: Request, claim_id: int) -> Response:
        publication = selectors.published_claims().filter(claim=self.get_claim()).first()
        if publication is None:
            raise NotFound("This claim has no published verdict.")
        review = claim_review(
            publication=publication,
            base_url=public_base_url(request.build_absolute_uri("/")),
            citations=selectors.claim_citations([publication.claim_id])[publication.claim_id],
        )
        if review is None:
            raise NotFound(
                "This claim is published as an opinion, which is not a checkable claim: "
                "it has no ClaimReview."
            )
        return Response(review)


def _article(request: Request, article_id: int) -> Article:
    articles = Article.objects.defer("source_text", "text").visible_to(request.user)
    article: Article = get_object_or_404(articles, pk=article_id)
    return article


class ArticleClaimReviewView(JSONErrors, generics.GenericAPIView):
    permission_classes = [ReadPublishedElseReviewer]
    renderer_classes = [JSONRenderer, JSONLDRenderer]
    pagination_class = None

    @extend_schema(
        summary="The article's published claims as a list of ClaimReviews (JSON-LD)",
        responses={
            (200, "application/json"): OpenApiResponse(
                {"type": "array", "items": {"type": "object", "additionalProperties": True}}
            ),
            (200, "application/ld+json"): OpenApiResponse(
                {"type": "array", "items": {"type": "object", "additionalProperties": True}}
            ),
            **JSON_ERRORS,
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        claims = Claim.objects.filter(article=article).visible_to(request.user)
        publications = list(
            selectors.published_claims(claims=claims).order_by(
                "claim__start", "claim__end", "claim_id"
            )
        )
        return Response(
            article_claim_reviews(
                publications=publications,
                base_url=public_base_url(request.build_absolute_uri("/")),
                citations=selectors.claim_citations([p.claim_id for p in publications]),
            )
        )


class ArticleReportView(JSONErrors, generics.GenericAPIView):
    permission_classes = [IsReviewer]
    renderer_classes = [JSONRenderer, CSVRenderer]
    pagination_class = None

    @extend_schema(
        summary="The article's report: claims by verdict, citation map, quote checks",
        description="JSON, or one CSV table with `?format=csv` (a row per claim, then per source).",
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["json", "csv"], description="Default json."
            )
        ],
        responses={
            (200, "application/json"): s.ArticleReportSerializer,
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
            **JSON_ERRORS,
        },
    )
    def get(self, request: Request, article_id: int) -> Response:
        article = _article(request, article_id)
        report = article_report(article=article, viewer=request.user)
        if request.accepted_renderer.format == "csv":
            filename = f"article-{article.pk}-report.csv"
            return Response(
                report_csv(report),
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return Response(s.ArticleReportSerializer(report).data)


# --- Reviewers ----------------------------------------------------------------------------


class MyQueueView(generics.ListAPIView):
    """Claims assigned to me that I have not rated, while under review."""

    permission_classes = [IsReviewer]
    serializer_class = ClaimSerializer

    def get_queryset(self) -> QuerySet[Claim]:
        if getattr(self, "swagger_fake_view", False):
            return Claim.objects.none()
        return selectors.claim_queue(reviewer=self.request.user, claims=claims_for_api()).order_by(
            "article_id", "start", "id"
        )

    @extend_schema(
        summary="My queue: claims assigned to me that I have not rated",
        description="Published and rejected claims leave the queue.",
        responses={200: ClaimSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewerStatsView(generics.ListAPIView):
    permission_classes = [IsReviewer]
    serializer_class = s.ReviewerStatsSerializer

    def get_queryset(self) -> QuerySet[User]:
        return selectors.reviewer_stats()

    @extend_schema(
        summary="Reviewers and their figures",
        description=(
            "Ratings given, and agreement with the consensus and with published verdicts: "
            "the share of their ratings of such claims with the same verdict or one within "
            "one step on the true..false scale (their own rating counts toward the consensus)."
        ),
        responses={200: s.ReviewerStatsSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


# --- Readers' reports of errors ----------------------------------------------------------


class CorrectionRequestListView(generics.ListAPIView):
    """Readers' reports of errors on public fact-checks, newest first (editors only)."""

    permission_classes = [CanHandleCorrectionRequests]
    serializer_class = s.CorrectionRequestSerializer

    def get_queryset(self) -> QuerySet[CorrectionRequest]:
        if getattr(self, "swagger_fake_view", False):
            return CorrectionRequest.objects.none()
        wanted = self.request.query_params.get("status", "")
        if wanted and wanted not in CorrectionRequestStatus.values:
            choices = CorrectionRequestStatus.values
            raise ValidationError({"status": f"{wanted!r} is not a status; use one of {choices}."})
        return selectors.correction_request_list(status=wanted)

    @extend_schema(
        summary="Readers' reports of errors (editors)",
        parameters=[
            OpenApiParameter("status", str, enum=CorrectionRequestStatus.values, required=False)
        ],
        responses={200: s.CorrectionRequestSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CorrectionRequestDetailView(generics.GenericAPIView):
    permission_classes = [CanHandleCorrectionRequests]
    serializer_class = s.CorrectionRequestSerializer

    def get_queryset(self) -> QuerySet[CorrectionRequest]:
        return selectors.correction_request_list()

    def get_object(self) -> CorrectionRequest:
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["request_id"])

    @extend_schema(
        summary="One reader's report (editors)",
        responses={200: s.CorrectionRequestSerializer, **ERRORS},
    )
    def get(self, request: Request, request_id: int) -> Response:
        return Response(s.CorrectionRequestSerializer(self.get_object()).data)

    @extend_schema(
        summary="Answer, resolve, dismiss or reopen a reader's report (editors)",
        description="`answered` needs a `response`.",
        request=s.CorrectionRequestInputSerializer,
        responses={200: s.CorrectionRequestSerializer, **ERRORS},
    )
    def patch(self, request: Request, request_id: int) -> Response:
        report = self.get_object()
        data = s.CorrectionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = correction_requests.correction_request_handle(
            correction_request=report, editor=request.user, **data.validated_data
        )
        return Response(s.CorrectionRequestSerializer(report).data)
