"""REST API of the same claim: editors link claims (``claims.services.links``)."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import ReadPublishedElseReviewer
from api.serializers import LinkedClaimSerializer, linked_claim_rows
from api.views import ERRORS
from claims.models import Claim
from claims.services.links import claims_link, claims_unlink


class LinkRequestSerializer(serializers.Serializer[Any]):
    claim = serializers.IntegerField(help_text="The id of the claim that is the same claim.")


def _claim(request: Request, claim_id: int) -> Claim:
    return get_object_or_404(
        Claim.objects.visible_to(request.user).select_related("article"), pk=claim_id
    )


def _other(request: Request, claim_id: int) -> Claim:
    other = Claim.objects.visible_to(request.user).filter(pk=claim_id).first()
    if other is None:
        raise ValidationError({"claim": [f"No claim with id {claim_id}."]})
    return other


class ClaimLinksView(APIView):
    permission_classes = [ReadPublishedElseReviewer]

    @extend_schema(
        summary="Claims linked to this one as the same claim",
        responses={200: LinkedClaimSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, claim_id: int) -> Response:
        claim = _claim(request, claim_id)
        return Response(linked_claim_rows(claim, user=request.user))

    @extend_schema(
        summary="Link a claim to this one as the same claim (editors)",
        description=(
            "Both claims end up in one group (a claim is in one at most; linking claims of "
            "two groups makes them one). Linking claims already linked changes nothing. "
            "Answers the claim's links."
        ),
        request=LinkRequestSerializer,
        responses={201: LinkedClaimSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request, claim_id: int) -> Response:
        claim = _claim(request, claim_id)
        data = LinkRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claims_link(
            claim=claim, other=_other(request, data.validated_data["claim"]), user=request.user
        )
        return Response(linked_claim_rows(claim, user=request.user), status=status.HTTP_201_CREATED)


class ClaimLinkView(APIView):
    permission_classes = [ReadPublishedElseReviewer]

    @extend_schema(
        summary="Unlink a claim from this one (editors): it leaves their group",
        responses={204: None, **ERRORS},
    )
    def delete(self, request: Request, claim_id: int, other_id: int) -> Response:
        claim = _claim(request, claim_id)
        other = get_object_or_404(Claim.objects.visible_to(request.user), pk=other_id)
        claims_unlink(claim=claim, other=other, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
