"""The fetch history of sources and evidence, each snapshot's details and its WARC file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import APIException
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from api import archive_serializers as s
from api.permissions import CanViewArchives
from api.views import ERRORS
from claims import archives, selectors
from claims.models import Claim, Evidence, Source, SourceSnapshot
from fetching.warc import CONTENT_TYPE as WARC_CONTENT_TYPE


class BodyGone(APIException):
    status_code = 410
    default_detail = "The raw body of this snapshot is not kept (pruned, or the fetch got none)."
    default_code = "gone"


class SourceSnapshotList(generics.ListAPIView):
    """A source's snapshots, newest first."""

    permission_classes = [CanViewArchives]
    serializer_class = s.SnapshotHistorySerializer

    def get_queryset(self) -> QuerySet[SourceSnapshot]:
        if getattr(self, "swagger_fake_view", False):
            return SourceSnapshot.objects.none()
        source = get_object_or_404(Source.objects.only("id"), pk=self.kwargs["source_id"])
        return selectors.snapshot_history(source=source)

    @extend_schema(
        summary="A source's fetches, newest first",
        responses={200: s.SnapshotHistorySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class EvidenceSnapshotList(SourceSnapshotList):
    """An evidence item's snapshots, newest first."""

    def get_queryset(self) -> QuerySet[SourceSnapshot]:
        if getattr(self, "swagger_fake_view", False):
            return SourceSnapshot.objects.none()
        claim = get_object_or_404(
            Claim.objects.visible_to(self.request.user).only("id"), pk=self.kwargs["claim_id"]
        )
        evidence = get_object_or_404(
            Evidence.objects.only("id"), pk=self.kwargs["evidence_id"], claim=claim
        )
        return selectors.snapshot_history(evidence=evidence)

    @extend_schema(
        summary="An evidence item's fetches, newest first",
        responses={200: s.SnapshotHistorySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SnapshotDetail(generics.RetrieveAPIView):
    permission_classes = [CanViewArchives]
    serializer_class = s.SnapshotDetailSerializer
    lookup_url_kwarg = "snapshot_id"
    queryset = SourceSnapshot.objects.all()

    @extend_schema(
        summary="One fetch: its text, headers and diff",
        responses={200: s.SnapshotDetailSerializer, **ERRORS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class WARCRenderer(BaseRenderer):
    media_type = WARC_CONTENT_TYPE
    format = "warc"
    charset = None

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return data if isinstance(data, bytes) else b""


class SnapshotWARC(generics.GenericAPIView):
    permission_classes = [CanViewArchives]
    # Errors are JSON; the file itself is sent as it is.
    renderer_classes = [JSONRenderer, WARCRenderer]
    lookup_url_kwarg = "snapshot_id"
    queryset = SourceSnapshot.objects.select_related("source", "evidence")

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        summary="One fetch as a WARC file (request and response records)",
        responses={
            (200, WARC_CONTENT_TYPE): OpenApiResponse(
                bytes, description="A WARC 1.1 file: warcinfo, request and response records."
            ),
            410: OpenApiResponse(description="The raw body is not kept (pruned)."),
            **ERRORS,
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> HttpResponse:
        snapshot = self.get_object()
        data = archives.warc_of(snapshot)
        if data is None:
            raise BodyGone()
        response = HttpResponse(data, content_type=WARC_CONTENT_TYPE)
        filename = archives.warc_filename(snapshot)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
