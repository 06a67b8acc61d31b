"""The API's shapes of a source's or evidence's fetch history (its snapshots)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from api.serializers import OptionalURLField
from claims.models import SourceSnapshot

DIFF_HELP = (
    "The word diff against the previous reading when the main text was edited: [op, text] "
    'pairs, op "=" kept (shortened to the words around the changes), "-" removed, '
    '"+" added, and a last ["…", ""] when the diff was cut at its size limit. Empty otherwise.'
)


class SnapshotHistorySerializer(serializers.ModelSerializer[SourceSnapshot]):
    final_url = OptionalURLField(read_only=True)
    archive_url = OptionalURLField(
        read_only=True, help_text="A public web archive's copy of the page; empty when none."
    )
    text_changed = serializers.BooleanField(
        read_only=True,
        help_text="The main text was edited since the previous reading (dates, counters and "
        "changes below SOURCE_CHANGE_MIN_WORDS words do not count).",
    )
    diff = serializers.JSONField(read_only=True, help_text=DIFF_HELP)
    body_kept = serializers.SerializerMethodField(
        help_text="The raw body is stored (false once pruned, or when the fetch got none)."
    )
    warc_url = serializers.SerializerMethodField(help_text="The WARC file; null without a body.")

    class Meta:
        model = SourceSnapshot
        fields = [
            "id",
            "fetched_at",
            "http_status",
            "final_url",
            "content_type",
            "byte_size",
            "sha256",
            "error",
            "text_changed",
            "diff",
            "archive_url",
            "body_kept",
            "body_pruned_at",
            "warc_url",
        ]
        read_only_fields = fields

    def get_body_kept(self, snapshot: SourceSnapshot) -> bool:
        return bool(snapshot.sha256) and snapshot.body_pruned_at is None

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_warc_url(self, snapshot: SourceSnapshot) -> str | None:
        if not self.get_body_kept(snapshot) or snapshot.http_status is None:
            return None
        return reverse("api:snapshot-warc", args=[snapshot.pk], request=self.context.get("request"))


class SnapshotDetailSerializer(SnapshotHistorySerializer):
    source = serializers.IntegerField(  # type: ignore[assignment]  # a field named "source"
        source="source_id", read_only=True, allow_null=True, help_text="The source fetched."
    )
    evidence = serializers.IntegerField(
        source="evidence_id", read_only=True, allow_null=True, help_text="The evidence fetched."
    )
    request_headers = serializers.SerializerMethodField(
        help_text="The request's headers as sent: [name, value] pairs."
    )
    response_headers = serializers.SerializerMethodField(
        help_text="The response's headers as received: [name, value] pairs."
    )

    class Meta(SnapshotHistorySerializer.Meta):
        fields = [
            *SnapshotHistorySerializer.Meta.fields,
            "source",
            "evidence",
            "title",
            "text",
            "truncated",
            "soft_404",
            "request_headers",
            "response_headers",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_request_headers(self, snapshot: SourceSnapshot) -> list[Any]:
        return list(snapshot.request_headers)

    @extend_schema_field(
        serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    )
    def get_response_headers(self, snapshot: SourceSnapshot) -> list[Any]:
        return list(snapshot.response_headers)
