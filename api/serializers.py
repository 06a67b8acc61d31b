"""Input and output shapes of the REST API. No writes here: views call the services."""

from __future__ import annotations

from typing import Any

from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from accounts.signin import SignInRefused, signin_attempt
from claims import policies
from claims.models import (
    SUMMARY_MAX_LENGTH,
    AnchorState,
    Article,
    ArticleFormat,
    ArticleRevision,
    ArticleStatus,
    Claim,
    Claimant,
    ClaimantKind,
    ClaimAppearance,
    ClaimKind,
    ClaimStatus,
    Confidence,
    Evidence,
    QuoteCheck,
    Rating,
    Source,
    SourceSnapshot,
    Stance,
    Verdict,
)
from claims.summaries import claim_warnings, summary_warnings
from editorial.models import ConsensusState
from editorial.selectors import consensus_summary, linked_claims, publication_of
from texts.paragraphs import passage_span
from texts.relevance import may_not_be_cited_page

EXCERPT_CHARS = 500
MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1


class UserField(serializers.Field):
    """A user shown as their username (null once the account is gone)."""

    def to_representation(self, value: Any) -> str | None:
        return value.username if value is not None else None


@extend_schema_field({"type": "string", "nullable": True, "example": "ana"})
class UsernameField(UserField):
    pass


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "uri"}, {"type": "string", "maxLength": 0}]}
)
class OptionalURLField(serializers.URLField):
    """An absolute URL, or "" where there is none (the schema must allow both).

    The services check what a URL may be (``clean_web_url``), with one message for all.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, URLValidator)]


class OccurrenceSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (``factcheck.api_errors``)."""

    detail = serializers.CharField(help_text="What went wrong, in a sentence a person can act on.")
    code = serializers.CharField(
        help_text="A stable code for programs: `invalid`, `not_found`, `permission_denied`, ..."
    )
    # A field of the body, not Serializer.errors: DRF takes declared fields off the class.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="Invalid input only: the messages for each field."
    )
    occurrences = OccurrenceSerializer(
        many=True,
        required=False,
        help_text="A quote found more than once: where each occurrence is.",
    )


# --- Articles ------------------------------------------------------------------


class ArticleSerializer(serializers.ModelSerializer[Article]):
    url = OptionalURLField(read_only=True)
    imported_by = UsernameField(read_only=True)
    claims_count = serializers.IntegerField(read_only=True)
    ratings_count = serializers.IntegerField(read_only=True)
    sources_total = serializers.IntegerField(read_only=True)
    sources_ok = serializers.IntegerField(read_only=True)
    sources_needing_url = serializers.IntegerField(read_only=True)
    sources_broken = serializers.IntegerField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "byline",
            "publisher",
            "url",
            "published_on",
            "language",
            "status",
            "source_format",
            "content_sha256",
            "imported_by",
            "created_at",
            "updated_at",
            "claims_count",
            "ratings_count",
            "sources_total",
            "sources_ok",
            "sources_needing_url",
            "sources_broken",
            "import_status",
            "import_detail",
        ]
        read_only_fields = fields


class ArticleDetailSerializer(ArticleSerializer):
    claims_by_status = serializers.SerializerMethodField()
    alpha = serializers.SerializerMethodField(
        help_text="Krippendorff's alpha (ordinal) of the reviewers' verdicts over the claims "
        "with two or more ratings on the true..false scale; null when it cannot be computed."
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "text", "claims_by_status", "alpha"]
        read_only_fields = fields

    @extend_schema_field({"type": "number", "nullable": True, "example": 0.81})
    def get_alpha(self, article: Article) -> float | None:
        return getattr(article, "alpha", None)

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "integer"}, "example": {"open": 2}}
    )
    def get_claims_by_status(self, article: Article) -> dict[str, int]:
        return getattr(article, "claims_by_status", {})


class RevisionSerializer(serializers.ModelSerializer[ArticleRevision]):
    created_by = UsernameField(read_only=True)

    class Meta:
        model = ArticleRevision
        fields = [
            "number",
            "origin",
            "source_format",
            "content_sha256",
            "created_at",
            "created_by",
            "summary",
        ]
        read_only_fields = fields


class RevisionDetailSerializer(RevisionSerializer):
    class Meta(RevisionSerializer.Meta):
        fields = [*RevisionSerializer.Meta.fields, "text", "structure", "source_text"]
        read_only_fields = fields


class RevisionCreateSerializer(serializers.Serializer):
    body = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The new version's Markdown, HTML or text."
    )
    format = serializers.ChoiceField(
        choices=ArticleFormat.choices, required=False, help_text="Default: the article's format."
    )
    from_url = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Instead of a body: fetch the article's page again (articles imported from "
        "their URL), in the background.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("body" in attrs) == attrs["from_url"]:
            raise serializers.ValidationError(
                "Send the new version as `body`, or `from_url: true` to fetch the page again."
            )
        return attrs


class RevisionResultSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What happened, in a sentence.")
    unchanged = serializers.BooleanField(help_text="The text was the same: no new revision.")
    revision = serializers.IntegerField(
        allow_null=True, help_text="The new revision's number; null when unchanged."
    )
    same = serializers.IntegerField(help_text="Claims found again with the same words.")
    changed = serializers.IntegerField(help_text="Claims found again, their words changed.")
    orphaned = serializers.IntegerField(help_text="Claims not found in the new text.")
    sources_new = serializers.IntegerField()
    sources_removed = serializers.IntegerField()


class ArticleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    body = serializers.CharField(
        required=False, trim_whitespace=False, help_text="The article's Markdown, HTML or text."
    )
    file = serializers.FileField(required=False, help_text="Or upload it (multipart).")
    format = serializers.ChoiceField(
        choices=ArticleFormat.choices,
        required=False,
        help_text="Default: from the file's extension, else sniffed.",
    )
    url = OptionalURLField(
        required=False,
        allow_blank=True,
        max_length=2000,
        default="",
        help_text=(
            "The article's original URL. Sent alone (no body or file), the page is fetched "
            "and imported in the background: the article starts with import_status "
            "`fetching`."
        ),
    )
    byline = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    published_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="The publication date."
    )
    force = serializers.BooleanField(
        required=False, default=False, help_text="Import even if identical content exists."
    )
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=35,
        default="",
        help_text='BCP-47 tag of the article\'s language ("en"); default: detected from its text.',
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "body" in attrs and "file" in attrs:
            raise serializers.ValidationError("Send either `body` or `file`, not both.")
        if "body" not in attrs and "file" not in attrs and not attrs.get("url"):
            raise serializers.ValidationError(
                "Send the article as `body` or `file`, or only its `url` to have it fetched."
            )
        return attrs


class ArticleUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=35,
        help_text='BCP-47 tag of the article\'s language ("en", "pt-BR").',
    )
    byline = serializers.CharField(required=False, allow_blank=True, max_length=300)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    url = OptionalURLField(required=False, allow_blank=True, max_length=2000)
    published_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ArticleStatus.choices, required=False)


# --- Sources -------------------------------------------------------------------


class SnapshotSerializer(serializers.ModelSerializer[SourceSnapshot]):
    final_url = OptionalURLField(read_only=True)

    class Meta:
        model = SourceSnapshot
        fields = [
            "id",
            "fetched_at",
            "http_status",
            "final_url",
            "content_type",
            "title",
            "byte_size",
            "sha256",
            "error",
            "anchor_relevance",
            "may_not_be_cited_page",
        ]
        read_only_fields = fields

    anchor_relevance = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="Share of the citing link's words the page has; null when not judged "
        "(evidence, a failed fetch, a link text too short or generic).",
    )
    may_not_be_cited_page = serializers.SerializerMethodField(
        help_text="The page shares so few words with the link's text that it may be the wrong page."
    )

    def get_may_not_be_cited_page(self, snapshot: SourceSnapshot) -> bool:
        return may_not_be_cited_page(snapshot.anchor_relevance)


class SnapshotWithExcerptSerializer(SnapshotSerializer):
    excerpt = serializers.SerializerMethodField()

    class Meta(SnapshotSerializer.Meta):
        fields = [*SnapshotSerializer.Meta.fields, "excerpt"]
        read_only_fields = fields

    def get_excerpt(self, snapshot: SourceSnapshot) -> str:
        # Annotated by the view, so the whole text is never loaded.
        return getattr(snapshot, "excerpt", None) or ""


class SourceSerializer(serializers.ModelSerializer[Source]):
    url = OptionalURLField(read_only=True)
    claims_count = serializers.IntegerField(read_only=True)
    snapshots_count = serializers.IntegerField(read_only=True)
    latest_snapshot = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "article",
            "position",
            "anchor_text",
            "href",
            "url",
            "status",
            "status_detail",
            "start",
            "end",
            "last_fetched_at",
            "created_at",
            "updated_at",
            "claims_count",
            "snapshots_count",
            "latest_snapshot",
            "may_not_be_cited_page",
            "archived_copy",
            "archive_offer",
        ]
        read_only_fields = fields

    snapshot_serializer = SnapshotSerializer
    archived_copy = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="A public web archive's copy of the page (a capture, or a dead page's "
        "closest copy); null when there is none.",
    )
    archive_offer = serializers.CharField(
        read_only=True,
        help_text="For a dead or failed source, the archived copy offered as the URL to use "
        "(POST use-archived-copy/ sets it); empty otherwise.",
    )
    may_not_be_cited_page = serializers.SerializerMethodField(
        help_text="The page last fetched shares few words with the link's text: maybe not the "
        "page the article meant."
    )

    def get_may_not_be_cited_page(self, source: Source) -> bool:
        latest = getattr(source, "latest_snapshots", None) or []
        return bool(latest) and may_not_be_cited_page(latest[0].anchor_relevance)

    @extend_schema_field(SnapshotSerializer(allow_null=True))
    def get_latest_snapshot(self, source: Source) -> dict[str, Any] | None:
        latest = getattr(source, "latest_snapshots", None)
        if not latest:
            return None
        return self.snapshot_serializer(latest[0]).data


class SourceDetailSerializer(SourceSerializer):
    snapshot_serializer = SnapshotWithExcerptSerializer

    @extend_schema_field(SnapshotWithExcerptSerializer(allow_null=True))
    def get_latest_snapshot(self, source: Source) -> dict[str, Any] | None:
        return super().get_latest_snapshot(source)


class SourceUrlSerializer(serializers.Serializer):
    url = serializers.CharField(
        required=False, max_length=2000, help_text="Absolute http(s) URL to fetch."
    )


# --- Claimants -----------------------------------------------------------------


class ClaimantBriefSerializer(serializers.ModelSerializer[Claimant]):
    """A claimant as a claim shows them."""

    class Meta:
        model = Claimant
        fields = ["id", "name", "kind", "same_as"]
        read_only_fields = fields


class ClaimantSerializer(serializers.ModelSerializer[Claimant]):
    created_by = UsernameField(read_only=True)

    class Meta:
        model = Claimant
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "same_as",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ClaimantDetailSerializer(ClaimantSerializer):
    claims_count = serializers.IntegerField(read_only=True, help_text="Claims marked as theirs.")
    published_verdicts = serializers.SerializerMethodField(
        help_text="Their track record: how many of their claims were published with each verdict."
    )

    class Meta(ClaimantSerializer.Meta):
        fields = [*ClaimantSerializer.Meta.fields, "claims_count", "published_verdicts"]
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "example": {"false": 2, "mostly_true": 1},
        }
    )
    def get_published_verdicts(self, claimant: Claimant) -> dict[str, int]:
        return getattr(claimant, "published_verdicts", {})


class ClaimantInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ClaimantKind.choices, default=ClaimantKind.PERSON)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default=""
    )
    same_as = serializers.ListField(
        child=serializers.CharField(max_length=2000, allow_blank=True),
        required=False,
        default=list,
        max_length=50,
        help_text="Pages that identify them (Wikipedia, Wikidata, an official site).",
    )


# --- Claims --------------------------------------------------------------------


class ConsensusSerializer(serializers.Serializer):
    """A claim's consensus (``editorial.consensus``)."""

    state = serializers.ChoiceField(choices=ConsensusState.choices)
    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        allow_null=True,
        help_text="The leading verdict (also when disputed); null below the minimum or on a tie.",
    )
    agreement = serializers.FloatField(
        allow_null=True, help_text="Share of the ratings that back the leading verdict."
    )
    ratings = serializers.IntegerField()


class ClaimSerializer(serializers.ModelSerializer[Claim]):
    created_by = UsernameField(read_only=True)
    sources = serializers.SerializerMethodField()
    sources_count = serializers.IntegerField(read_only=True)
    evidence_count = serializers.IntegerField(read_only=True)
    ratings_count = serializers.IntegerField(read_only=True)
    ratings_summary = serializers.SerializerMethodField(
        help_text="How many ratings gave each verdict; null while the others' ratings are "
        "hidden from you (see `hidden_reason`)."
    )
    my_rating = serializers.SerializerMethodField()
    consensus = serializers.SerializerMethodField(
        help_text="Null while the others' ratings are hidden from you (see `hidden_reason`)."
    )
    consensus_hidden = serializers.SerializerMethodField(
        help_text="True while the other reviewers' ratings and the consensus are hidden from "
        "you: ratings are independent until you have rated the claim or it is published."
    )
    hidden_reason = serializers.SerializerMethodField(
        help_text="Why the ratings and consensus are hidden; null when they are not."
    )
    published_verdict = serializers.SerializerMethodField(
        help_text="The verdict an editor published; null unless the claim is published."
    )
    claimant = ClaimantBriefSerializer(
        read_only=True, allow_null=True, help_text="Who made the claim."
    )
    revision = serializers.IntegerField(
        source="revision_number",
        read_only=True,
        allow_null=True,
        help_text="The number of the article's revision the claim's offsets are in.",
    )
    anchor_state = serializers.ChoiceField(
        choices=AnchorState.choices,
        read_only=True,
        help_text="`current`: in the latest revision; `changed`: found there with other "
        "words (`quote_as_marked` has the ones rated); `orphaned`: not found, kept on "
        "its revision.",
    )

    class Meta:
        model = Claim
        fields = [
            "id",
            "article",
            "number",
            "quote",
            "start",
            "end",
            "prefix",
            "suffix",
            "kind",
            "status",
            "sources",
            "created_by",
            "created_at",
            "updated_at",
            "sources_count",
            "evidence_count",
            "ratings_count",
            "ratings_summary",
            "my_rating",
            "consensus",
            "consensus_hidden",
            "hidden_reason",
            "published_verdict",
            "summary",
            "claimant",
            "claim_date",
            "anchor_state",
            "revision",
            "quote_as_marked",
        ]
        read_only_fields = fields

    def _hidden_reason(self, claim: Claim) -> str | None:
        user = self.context["request"].user
        has_rated = any(rating.reviewer_id == user.pk for rating in claim.ratings.all())
        return policies.others_ratings_hidden_reason(user, claim.status, has_rated=has_rated)

    @extend_schema_field(ConsensusSerializer(allow_null=True))
    def get_consensus(self, claim: Claim) -> dict[str, Any] | None:
        return None if self._hidden_reason(claim) else consensus_summary(claim)

    @extend_schema_field(serializers.BooleanField())
    def get_consensus_hidden(self, claim: Claim) -> bool:
        return self._hidden_reason(claim) is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_hidden_reason(self, claim: Claim) -> str | None:
        return self._hidden_reason(claim)

    @extend_schema_field(serializers.ChoiceField(choices=Verdict.choices, allow_null=True))
    def get_published_verdict(self, claim: Claim) -> str | None:
        publication = publication_of(claim)
        return publication.verdict if publication is not None else None

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_sources(self, claim: Claim) -> list[int]:
        return [source.pk for source in claim.sources.all()]

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "example": {"true": 2, "mostly_false": 1},
            "nullable": True,
        }
    )
    def get_ratings_summary(self, claim: Claim) -> dict[str, int] | None:
        if self._hidden_reason(claim):
            return None
        summary: dict[str, int] = {}
        for rating in claim.ratings.all():
            summary[rating.verdict] = summary.get(rating.verdict, 0) + 1
        return summary

    @extend_schema_field({"type": "string", "nullable": True, "enum": [*Verdict.values, None]})
    def get_my_rating(self, claim: Claim) -> str | None:
        user = self.context["request"].user
        for rating in claim.ratings.all():
            if rating.reviewer_id == user.pk:
                return rating.verdict
        return None


class QuoteCheckSerializer(serializers.ModelSerializer[QuoteCheck]):
    class Meta:
        model = QuoteCheck
        fields = [
            "source",
            "result",
            "score",
            "quote",
            "source_wording",
            "source_start",
            "source_end",
            "flags",
            "checked_at",
        ]
        read_only_fields = fields


class AppearanceSerializer(serializers.ModelSerializer[ClaimAppearance]):
    first = serializers.BooleanField(source="is_first", read_only=True)

    class Meta:
        model = ClaimAppearance
        fields = ["url", "first"]
        read_only_fields = fields


class AppearanceInputSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000)
    first = serializers.BooleanField(required=False, default=False)


class LinkedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class LinkedClaimSerializer(serializers.Serializer):
    claim = serializers.IntegerField(help_text="The linked claim's id.")
    number = serializers.IntegerField(help_text="Its number in its article (C3: 3).")
    article = LinkedArticleSerializer()
    verdict = serializers.CharField(allow_null=True, help_text="Its published verdict, if any.")
    published = serializers.BooleanField()


def linked_claim_rows(claim: Claim, *, user: Any) -> list[dict[str, Any]]:
    return [
        {
            "claim": row.claim.pk,
            "number": row.claim.number,
            "article": {"id": row.claim.article_id, "title": row.claim.article.title},
            "verdict": row.verdict,
            "published": row.published,
        }
        for row in linked_claims(claim, user=user)
    ]


class ClaimDetailSerializer(ClaimSerializer):
    paragraph = serializers.SerializerMethodField(
        help_text="The paragraph of the article that holds the claim."
    )
    appearances = AppearanceSerializer(
        many=True,
        read_only=True,
        help_text="Pages where the claim appears; at most one is its first appearance.",
    )
    summary_warnings = serializers.SerializerMethodField(
        help_text="What to reconsider in the summary: its length, a verdict in its words."
    )
    warnings = serializers.SerializerMethodField(
        help_text="Everything to reconsider in how the claim is described (the summary's "
        "warnings, a quote without its speaker)."
    )
    quote_checks = QuoteCheckSerializer(
        many=True,
        read_only=True,
        help_text="For quote claims: is the quote in each source it relies on?",
    )
    links = serializers.SerializerMethodField(
        help_text="Claims an editor linked to this one as the same claim, with their "
        "published verdicts (published ones first)."
    )

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "paragraph",
            "quote_checks",
            "appearances",
            "summary_warnings",
            "warnings",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(LinkedClaimSerializer(many=True))
    def get_links(self, claim: Claim) -> list[dict[str, Any]]:
        request = self.context.get("request")
        return linked_claim_rows(claim, user=getattr(request, "user", None))

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_summary_warnings(self, claim: Claim) -> list[str]:
        return summary_warnings(claim.summary)

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_warnings(self, claim: Claim) -> list[str]:
        return claim_warnings(claim)

    def get_paragraph(self, claim: Claim) -> str:
        text, _ = claim.anchored_document()
        start, end = passage_span(text, claim.start, claim.end)
        return text[start:end]


class ClaimCreateSerializer(serializers.Serializer):
    article = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    quote = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)
    end = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)
    kind = serializers.ChoiceField(choices=ClaimKind.choices, default=ClaimKind.FACTUAL)
    sources = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        default=list,
        max_length=500,
    )
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SUMMARY_MAX_LENGTH,
        default="",
        help_text="A short, neutral restatement of what is claimed (at most about 75 "
        "characters reads best); publishing needs one.",
    )
    claimant = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        help_text="The id of who made the claim; or give `claimant_name` (and `claimant_kind`).",
    )
    claimant_name = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="A claimant by name: the existing one of that name, else a new one.",
    )
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    claim_date = serializers.DateField(
        required=False, allow_null=True, help_text="When it was said; default the article's date."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("claimant") and attrs.get("claimant_name"):
            raise serializers.ValidationError(
                {"claimant_name": "Give `claimant` (an id) or `claimant_name`, not both."}
            )
        return attrs


class ClaimUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClaimKind.choices, required=False)
    status = serializers.ChoiceField(choices=ClaimStatus.choices, required=False)
    sources = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=500,
    )
    start = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_OFFSET,
        help_text="With `end`: move the claim to this passage (its quote is taken again).",
    )
    end = serializers.IntegerField(required=False, min_value=0, max_value=MAX_OFFSET)

    summary = serializers.CharField(required=False, allow_blank=True, max_length=SUMMARY_MAX_LENGTH)
    claimant = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_ID
    )
    claimant_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    claim_date = serializers.DateField(required=False, allow_null=True)
    appearances = serializers.ListField(
        child=AppearanceInputSerializer(),
        required=False,
        max_length=100,
        help_text="Replaces the list: pages where the claim appears, `first` on at most one.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("start" in attrs) != ("end" in attrs):
            raise serializers.ValidationError("Send both `start` and `end` to move the claim.")
        if attrs.get("claimant") and attrs.get("claimant_name"):
            raise serializers.ValidationError(
                {"claimant_name": "Give `claimant` (an id) or `claimant_name`, not both."}
            )
        return attrs


# --- Evidence and ratings -------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    url = OptionalURLField(read_only=True)
    author = UsernameField(read_only=True)
    quote_check = serializers.SerializerMethodField(
        help_text="Is the excerpt on the page at the URL? (null without both)"
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "claim",
            "author",
            "url",
            "excerpt",
            "stance",
            "note",
            "status",
            "status_detail",
            "last_fetched_at",
            "quote_check",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(QuoteCheckSerializer(allow_null=True))
    def get_quote_check(self, evidence: Evidence) -> dict[str, Any] | None:
        checks = list(evidence.quote_checks.all())
        return QuoteCheckSerializer(checks[0]).data if checks else None


class EvidenceInputSerializer(serializers.Serializer):
    url = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    excerpt = serializers.CharField(required=False, allow_blank=True, max_length=20_000, default="")
    stance = serializers.ChoiceField(choices=Stance.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=20_000, default="")


class RatingSerializer(serializers.ModelSerializer[Rating]):
    reviewer = UsernameField(read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "claim",
            "reviewer",
            "verdict",
            "confidence",
            "rationale",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class RatingInputSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    confidence = serializers.ChoiceField(choices=Confidence.choices, default=Confidence.MEDIUM)
    rationale = serializers.CharField(max_length=20_000)


class SignInThrottled(exceptions.Throttled):
    """A 429 with ``Retry-After`` and the sign-in limit's own message (the wait in minutes)."""

    def __init__(self, refusal: SignInRefused) -> None:
        super().__init__(detail=refusal.message)
        self.wait = refusal.retry_after


class TokenRequestSerializer(AuthTokenSerializer):
    """A username and password for a token, checked by ``accounts.signin`` (so the
    token endpoint shares the limit on failed sign-ins)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        try:
            user = signin_attempt(
                request=self.context["request"],
                username=attrs["username"],
                password=attrs["password"],
            )
        except SignInRefused as refusal:
            raise SignInThrottled(refusal) from None
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


# --- Suggested claims ------------------------------------------------------------


class SuggestionSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    text = serializers.CharField()
    score = serializers.FloatField()
    kind = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())


class SuggestionLimitSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=20)


class SuggestionDismissSerializer(serializers.Serializer):
    start = serializers.IntegerField(min_value=0)
    end = serializers.IntegerField(min_value=1)
