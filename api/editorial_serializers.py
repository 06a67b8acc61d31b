"""Input and output shapes of the editorial API. No writes here: views call the services."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from api.serializers import MAX_ID, UsernameField
from claims.models import ClaimStatus, Verdict
from editorial.claimreview import page_url
from editorial.models import (
    Assignment,
    ClaimTransition,
    Comment,
    ConsensusState,
    Correction,
    CorrectionRequest,
    CorrectionRequestStatus,
    Publication,
)
from editorial.services.comments import MAX_COMMENT_CHARS
from editorial.services.correction_requests import RESPONSE_MAX_CHARS

NOTE_CHARS = 20_000


# --- Workflow ----------------------------------------------------------------------


class TransitionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ClaimStatus.choices, help_text="The new status.")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_CHARS,
        help_text="Why; required to reject a claim.",
    )


class TransitionSerializer(serializers.ModelSerializer[ClaimTransition]):
    user = UsernameField(read_only=True)

    class Meta:
        model = ClaimTransition
        fields = ["id", "claim", "from_status", "to_status", "user", "note", "created_at"]
        read_only_fields = fields


class AssignInputSerializer(serializers.Serializer):
    reviewers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=100,
        help_text="User ids of reviewers (or editors) to assign; already assigned ones are kept.",
    )


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    reviewer = UsernameField(read_only=True)
    reviewer_id = serializers.IntegerField(read_only=True)
    assigned_by = UsernameField(read_only=True)
    has_rated = serializers.BooleanField(read_only=True, help_text="Has the reviewer rated it?")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "claim",
            "reviewer",
            "reviewer_id",
            "assigned_by",
            "assigned_at",
            "has_rated",
        ]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_COMMENT_CHARS)


class CommentSerializer(serializers.ModelSerializer[Comment]):
    author = UsernameField(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "claim", "author", "body", "created_at", "edited_at"]
        read_only_fields = fields


class PublishInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    rationale = serializers.CharField(
        max_length=NOTE_CHARS, help_text="Shown to the public with the verdict."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_CHARS,
        help_text="For the team; required when the verdict is not the reviewers' consensus.",
    )
    confirm_no_evidence = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true to publish a claim that has no evidence and cites no source "
        "(refused otherwise).",
    )
    publish_article = serializers.BooleanField(
        required=False,
        default=False,
        help_text="true to publish the claim's article too: the public page of a claim "
        "appears once its article is published.",
    )
    correction = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=NOTE_CHARS,
        help_text=(
            "On a published claim: the correction note the public reads (required to change "
            "its verdict or rationale)."
        ),
    )
    correction_request = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="On a published claim: the id of a reader's report this correction resolves.",
    )
    reused_from = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of a published claim linked to this one as the same claim whose "
        "verdict is reused (the publication records it).",
    )
    reuse_evidence = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=200,
        help_text="Ids of that claim's evidence to add to this claim as new evidence.",
    )


class UnpublishInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        allow_blank=True, max_length=NOTE_CHARS, help_text="Why it is taken down (required)."
    )


class PublicationSerializer(serializers.ModelSerializer[Publication]):
    published_by = UsernameField(read_only=True)
    public_url = serializers.SerializerMethodField(help_text="The fact-check's public page.")
    warnings = serializers.SerializerMethodField(
        help_text="What to reconsider about the published fact-check (the summary's length "
        "or words, a quote without its speaker, an article on the organisation's own site)."
    )

    class Meta:
        model = Publication
        fields = [
            "claim",
            "verdict",
            "rationale",
            "note",
            "consensus_state",
            "consensus_verdict",
            "overrides_consensus",
            "published_by",
            "published_at",
            "first_published_at",
            "reused_from",
            "public_url",
            "warnings",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_warnings(self, publication: Publication) -> list[str]:
        return list(self.context.get("warnings", []))

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_public_url(self, publication: Publication) -> str:
        return page_url(publication.claim_id, base_url=self.context["base_url"])


class CorrectionSerializer(serializers.ModelSerializer[Correction]):
    corrected_by = UsernameField(read_only=True)

    class Meta:
        model = Correction
        fields = [
            "id",
            "claim",
            "note",
            "previous_verdict",
            "previous_rationale",
            "new_verdict",
            "new_rationale",
            "corrected_by",
            "corrected_at",
        ]
        read_only_fields = fields


# --- Readers' reports of errors ------------------------------------------------------


class CorrectionRequestSerializer(serializers.ModelSerializer[CorrectionRequest]):
    handled_by = UsernameField(read_only=True)

    class Meta:
        model = CorrectionRequest
        fields = [
            "id",
            "claim",
            "message",
            "name",
            "email",
            "status",
            "response",
            "correction",
            "handled_by",
            "handled_at",
            "created_at",
        ]
        read_only_fields = fields


class CorrectionRequestInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=CorrectionRequestStatus.choices, required=False)
    response = serializers.CharField(
        required=False, allow_blank=True, max_length=RESPONSE_MAX_CHARS
    )


# --- Reviewers -----------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class ReviewerStatsSerializer(serializers.ModelSerializer[User]):
    ratings_given = serializers.IntegerField(read_only=True)
    consensus_compared = serializers.IntegerField(
        read_only=True, help_text="Their ratings of claims whose ratings reached consensus."
    )
    consensus_agreed = serializers.IntegerField(
        read_only=True,
        help_text="Of those, how many agree with the consensus (same verdict, or within one "
        "step on the true..false scale).",
    )
    consensus_agreement = serializers.SerializerMethodField()
    published_compared = serializers.IntegerField(
        read_only=True, help_text="Their ratings of published claims."
    )
    published_agreed = serializers.IntegerField(
        read_only=True, help_text="Of those, how many agree with the published verdict."
    )
    published_agreement = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "ratings_given",
            "consensus_compared",
            "consensus_agreed",
            "consensus_agreement",
            "published_compared",
            "published_agreed",
            "published_agreement",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "number", "nullable": True})
    def get_consensus_agreement(self, user: Any) -> float | None:
        return _share(user.consensus_agreed, user.consensus_compared)

    @extend_schema_field({"type": "number", "nullable": True})
    def get_published_agreement(self, user: Any) -> float | None:
        return _share(user.published_agreed, user.published_compared)


# --- Article report --------------------------------------------------------------------


class QuoteCheckRowSerializer(serializers.Serializer):
    claim = serializers.IntegerField(allow_null=True)
    source = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    evidence = serializers.IntegerField(allow_null=True)
    result = serializers.CharField()
    score = serializers.FloatField()
    quote = serializers.CharField()
    source_wording = serializers.CharField(allow_blank=True)


class ReportClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(help_text="The claim's number in the article (C1, C2, ...).")
    quote = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.ChoiceField(choices=ClaimStatus.choices)
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)
    verdict_from = serializers.ChoiceField(
        choices=["published", "consensus"],
        allow_null=True,
        help_text="Where the verdict comes from; null while undecided.",
    )
    consensus_state = serializers.ChoiceField(
        choices=ConsensusState.choices, allow_null=True, help_text="Null while hidden from you."
    )
    consensus_verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)
    agreement = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    sources = serializers.ListField(child=serializers.IntegerField())
    quote_checks = QuoteCheckRowSerializer(many=True)
    consensus_hidden = serializers.BooleanField(
        help_text="True while the verdicts and consensus are hidden from you (you have not "
        "rated the claim, and it is not published); the claim then counts as undecided."
    )
    same_as = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Numbers of the claims of this article an editor linked to this one as the "
        "same claim.",
    )


class ReportSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    anchor_text = serializers.CharField(allow_blank=True)
    href = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    claims = serializers.ListField(
        child=serializers.IntegerField(), help_text="Claims that rely on this source."
    )
    may_not_be_cited_page = serializers.BooleanField(
        help_text="The page last fetched shares few words with the link's text."
    )


class CitationMapSerializer(serializers.Serializer):
    claims_without_sources = serializers.ListField(child=serializers.IntegerField())
    claims_with_one_source = serializers.ListField(child=serializers.IntegerField())
    sources_unused = serializers.ListField(child=serializers.IntegerField())
    sources_broken = serializers.ListField(
        child=serializers.IntegerField(), help_text="Dead, failed or blocked when last fetched."
    )
    sources_needing_url = serializers.ListField(child=serializers.IntegerField())
    sources_maybe_miscited = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Sources whose page shares few words with the link's text: maybe not the "
        "page the article meant.",
    )


class ArticleReportSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True)
    generated_at = serializers.DateTimeField()
    alpha = serializers.FloatField(
        allow_null=True,
        help_text="Krippendorff's alpha (ordinal) over claims with two or more ordinal ratings.",
    )
    claims_by_verdict = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Claim ids by published verdict, else consensus verdict; `undecided` for the "
        "rest. Rejected claims are left out.",
    )
    claims_by_status = serializers.DictField(child=serializers.IntegerField())
    citations = CitationMapSerializer()
    quote_checks_by_result = serializers.DictField(child=serializers.IntegerField())
    claims = ReportClaimSerializer(many=True)
    sources = ReportSourceSerializer(many=True)
    quote_checks = QuoteCheckRowSerializer(many=True)
    claims_hidden = serializers.IntegerField(
        help_text="Claims whose verdicts are hidden from you until you rate them."
    )
    same_claims = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Claims of this article linked as the same claim, by number ([[3, 7]]: C3 "
        "and C7); each group counts once in `claims_by_verdict`, as its first claim in the text.",
    )
