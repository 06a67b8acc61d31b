"""REST API of the claims checked before: the claims of other articles that match one."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import ReadPublishedElseReviewer
from api.views import ERRORS
from claims.models import Claim
from memory.selectors import checked_before


class SimilarArticleSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()


class SimilarClaimSerializer(serializers.Serializer[Any]):
    claim = serializers.IntegerField(help_text="The matching claim's id.")
    number = serializers.IntegerField(help_text="Its number in its article (C3: 3).")
    article = SimilarArticleSerializer()
    score = serializers.FloatField(help_text="0..1: how closely it says the same thing.")
    verdict = serializers.CharField(allow_null=True, help_text="Its published verdict, if any.")
    published = serializers.BooleanField()


class SimilarClaimsView(APIView):
    permission_classes = [ReadPublishedElseReviewer]

    @extend_schema(
        summary="Claims of other articles that say the same thing (checked before?)",
        responses={200: SimilarClaimSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, claim_id: int) -> Response:
        visible = Claim.objects.visible_to(request.user).select_related("article")
        claim = get_object_or_404(visible, pk=claim_id)
        matches = checked_before(claim, user=request.user)
        if matches is None:  # the model cannot be loaded here: logged, and said
            unavailable = exceptions.APIException(
                "Similar claims cannot be looked up right now; try again later.",
                code="unavailable",
            )
            unavailable.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
            raise unavailable
        rows = [
            {
                "claim": row.claim.pk,
                "number": row.claim.number,
                "article": {"id": row.claim.article_id, "title": row.claim.article.title},
                "score": round(row.score, 3),
                "verdict": row.verdict,
                "published": row.published,
            }
            for row in matches
        ]
        return Response(SimilarClaimSerializer(rows, many=True).data)
