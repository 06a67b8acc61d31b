"""Articles, their cited sources, the claims marked in them, and the reviews of those claims.

Invariants that must never break are database constraints, not only form
checks: a rating per reviewer and claim, a rationale on every rating, evidence
with a URL or an excerpt, offsets that form a span, a URL on every source that
does not need one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims import policies
from claims.statuses import CLOSED_CLAIM_STATUSES, ArticleStatus, ClaimStatus
from texts.anchoring import CONTEXT_CHARS
from texts.structure import structure_errors


def validate_structure(value: Any) -> None:
    if errors := structure_errors(value):
        raise ValidationError(errors)


def in_choices(field: str, choices: Iterable[str], name: str) -> models.CheckConstraint:
    """The database refuses a value of ``field`` outside ``choices`` (the apps' models)."""
    return models.CheckConstraint(condition=Q(**{f"{field}__in": list(choices)}), name=name)


class Timestamped(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# --- Articles ------------------------------------------------------------------


class ArticleFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"
    TEXT = "text", "Plain text"


class ImportStatus(models.TextChoices):
    READY = "ready", "Ready"
    FETCHING = "fetching", "Fetching the page"
    FAILED = "failed", "Import failed"


class ArticleQuerySet(models.QuerySet["Article"]):
    def public(self) -> ArticleQuerySet:
        """Articles anyone may read, signed in or not: the published ones."""
        return self.filter(status=ArticleStatus.PUBLISHED)

    def visible_to(self, user: Any) -> ArticleQuerySet:
        """Articles ``user`` may read: all of them for reviewers and above, else the public."""
        return self if policies.is_reviewer(user) else self.public()


class Article(Timestamped):
    title = models.CharField(max_length=300)
    byline = models.CharField("author / byline", max_length=300, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    url = models.URLField("original URL", max_length=2000, blank=True)
    published_on = models.DateField("publication date", null=True, blank=True)
    language = models.CharField(
        max_length=35,
        blank=True,
        help_text='BCP-47 tag of the text\'s language ("en", "pt-BR"); detected at import.',
    )
    source_text = models.TextField(blank=True, help_text="The article exactly as imported.")
    source_format = models.CharField(max_length=10, choices=ArticleFormat.choices)
    text = models.TextField(blank=True, help_text="Plain text that claims and sources anchor into.")
    structure = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_structure],
        help_text="The form of the text: [kind, start, end] spans of its headings, "
        "paragraphs, quotes, lists and emphasis (texts.structure).",
    )
    content_sha256 = models.CharField(max_length=64, db_index=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="imported_articles",
    )
    status = models.CharField(
        max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    import_status = models.CharField(
        max_length=10,
        choices=ImportStatus.choices,
        default=ImportStatus.READY,
        help_text="Articles imported from a URL are fetched by a worker first.",
    )
    import_detail = models.CharField(max_length=500, blank=True)
    # When the import job handed to the broker was due to start (its retry's time, for a
    # retry): an article still fetching long after it lost its job, and the recheck sends
    # another. Empty when no job was handed over (the broker was down).
    import_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When its URL was last fetched to look for a new revision (the periodic recheck).
    revision_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revision_check_detail = models.CharField(max_length=500, blank=True, editable=False)
    # The highest number a claim of this article was ever given (``claim_create`` counts
    # up): numbers of deleted claims are not given again.
    last_claim_number = models.PositiveIntegerField(default=0, editable=False)
    # Counts up whenever anything shown on the article's pages changes (its claims,
    # evidence, ratings, comments, moves, fetches): the open pages poll it
    # (``claims.stamps``).
    change_stamp = models.PositiveBigIntegerField(default=0, editable=False)
    # The texts are large and never change after import: keep them out of history.
    history = HistoricalRecords(
        excluded_fields=[
            "source_text",
            "text",
            "structure",
            "import_due_at",
            "last_claim_number",
            "revision_checked_at",
            "revision_check_detail",
            "change_stamp",
        ]
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        # The dashboard's and the admin's newest first.
        indexes = [models.Index(fields=["-created_at", "-id"], name="article_newest")]
        constraints = [
            in_choices("status", ArticleStatus.values, "article_status_valid"),
            in_choices("source_format", ArticleFormat.values, "article_format_valid"),
            in_choices("import_status", ImportStatus.values, "article_import_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class RevisionOrigin(models.TextChoices):
    PASTED = "pasted", "Pasted or uploaded"
    URL = "url", "Fetched from its URL"


class ArticleRevision(models.Model):
    """One version of an article's text: the first import is revision 1, each changed
    re-import (pasted, or fetched again from its URL) the next. The article keeps the
    latest one's text and structure, which claims and sources are anchored into."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    structure = models.JSONField(default=list, blank=True, validators=[validate_structure])
    source_text = models.TextField(blank=True)
    source_format = models.CharField(max_length=10, choices=ArticleFormat.choices)
    content_sha256 = models.CharField(max_length=64)
    origin = models.CharField(max_length=10, choices=RevisionOrigin.choices)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="article_revisions",
    )
    # How the claims fared when this revision came in: {"same": n, "changed": n,
    # "orphaned": n}, and the sources: {"sources_new": n, "sources_removed": n}.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="article_revision_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="article_revision_number"),
            in_choices("origin", RevisionOrigin.values, "article_revision_origin_valid"),
            in_choices("source_format", ArticleFormat.values, "article_revision_format_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


# --- Sources -------------------------------------------------------------------


class SourceStatus(models.TextChoices):
    NEEDS_URL = "needs_url", "Needs a URL"
    PENDING = "pending", "Pending"
    FETCHING = "fetching", "Fetching"
    OK = "ok", "OK"
    FAILED = "failed", "Failed"
    DEAD = "dead", "Dead link"
    BLOCKED = "blocked", "Blocked"


class Fetchable(models.Model):
    """What the background fetcher keeps about a URL it fetches (a source's or evidence's).

    The worker changes these fields with conditional UPDATEs, not ``save()``: a
    fetch is claimed by moving ``status`` from pending to fetching under its task
    id, so a job that runs twice (redelivered after a crash) stores one result.
    Fetch bookkeeping is therefore not in the model's change history; snapshots
    are the fetch history.
    """

    status = models.CharField(
        max_length=10, choices=SourceStatus.choices, default=SourceStatus.NEEDS_URL
    )
    status_detail = models.CharField(max_length=500, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    fetch_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts of the current fetch (retries after transient errors)."
    )
    fetch_task_id = models.CharField(max_length=64, blank=True, editable=False)
    # Which run of that task (Celery's retry count) holds the claim: a retry takes over
    # from the run that sent it at once, a redelivered copy of the same run only once the
    # claim's lease is over.
    fetch_task_run = models.PositiveSmallIntegerField(default=0, editable=False)
    fetch_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the pending row's job, as handed to the broker, was due to start (a retry's
    # time, for a retry). A pending row long past it lost its job, and the recheck sends
    # another; empty when no job was handed over (the broker was down).
    fetch_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def restart_fetch(self) -> list[str]:
        """Make the row pending for a fresh fetch of its (new) URL; returns the fields set.

        The claim of a job still running is dropped with its task id, so that job can
        no longer store what the old URL returned; the attempts start again from zero.
        """
        self.status = SourceStatus.PENDING if self.url else SourceStatus.NEEDS_URL  # type: ignore[attr-defined]
        self.status_detail = ""
        self.fetch_attempts = 0
        self.fetch_task_id = ""
        self.fetch_task_run = 0
        self.fetch_started_at = None
        self.fetch_due_at = None
        return ["status", "status_detail", *FETCH_BOOKKEEPING]


# Fetch bookkeeping, changed by conditional UPDATEs: not part of a row's change history.
FETCH_BOOKKEEPING = [
    "fetch_task_id",
    "fetch_task_run",
    "fetch_started_at",
    "fetch_due_at",
    "fetch_attempts",
]


class Source(Timestamped, Fetchable):
    """One citation (link) in an article, anchored to its anchor text."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    position = models.PositiveIntegerField(help_text="Order of the link in the article.")
    anchor_text = models.TextField(blank=True)
    href = models.TextField("href as written", blank=True)
    url = models.URLField(
        "URL to fetch", max_length=2000, blank=True, help_text="Empty when the href is unusable."
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    in_text = models.BooleanField(
        default=True,
        help_text="False once a revision of the article no longer has the link (its offsets "
        "are then of the last revision that had it).",
    )
    history = HistoricalRecords(excluded_fields=FETCH_BOOKKEEPING)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "position"], name="source_unique_position"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="source_span",
                violation_error_message="A source's end offset cannot precede its start.",
            ),
            in_choices("status", SourceStatus.values, "source_status_valid"),
            # A source needs a URL exactly when it has none.
            models.CheckConstraint(
                condition=(Q(status=SourceStatus.NEEDS_URL) & Q(url=""))
                | (~Q(status=SourceStatus.NEEDS_URL) & ~Q(url="")),
                name="source_url_matches_status",
                violation_error_message="A source needs a URL exactly when it has none.",
            ),
        ]
        indexes = [
            models.Index(fields=["article", "status"], name="source_article_status"),
            models.Index(fields=["status", "last_fetched_at"], name="source_recheck"),
        ]

    def __str__(self) -> str:
        return self.anchor_text or self.href or f"Source {self.pk}"

    @property
    def archive_offer(self) -> str:
        """A web archive's copy offered as the URL to use instead of a dead or failed link
        ("" when there is none). Reads ``archived_copy`` (``selectors.archived_copy_value``)."""
        copy = getattr(self, "archived_copy", None) or ""
        if self.status in (SourceStatus.DEAD, SourceStatus.FAILED) and copy != self.url:
            return copy
        return ""


class SourceSnapshot(models.Model):
    """What one fetch of a URL returned: a cited source's, or an evidence item's."""

    # Each indexed first, with the fetch time, by ``snapshot_source_latest`` and
    # ``snapshot_evidence_latest``, which serve its lookups.
    source = models.ForeignKey(
        Source,
        on_delete=models.CASCADE,
        related_name="snapshots",
        null=True,
        blank=True,
        db_index=False,
    )
    evidence = models.ForeignKey(
        "Evidence",
        on_delete=models.CASCADE,
        related_name="snapshots",
        null=True,
        blank=True,
        db_index=False,
    )
    fetched_at = models.DateTimeField(default=timezone.now)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)
    byte_size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    truncated = models.BooleanField(default=False, help_text="The body was cut at the size cap.")
    text_changed = models.BooleanField(
        default=False,
        help_text="The page's main text was edited since the previous snapshot that read it "
        "(texts.edits: routine changes of dates and counters, and changes below "
        "SOURCE_CHANGE_MIN_WORDS, are not edits).",
    )
    diff = models.JSONField(
        default=list,
        blank=True,
        help_text="The word diff against the previous snapshot when the text was edited: "
        '[op, text] pairs, op "=" kept, "-" removed, "+" added, "…" cut (texts.edits).',
    )
    soft_404 = models.BooleanField(
        default=False, help_text="Answered 200 but reads like a 'page not found'."
    )
    error = models.TextField(blank=True)
    anchor_relevance = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of the citing link's words the page has (texts.relevance); empty "
        "when not judged (evidence, a failed fetch, a link text too generic).",
    )
    request_headers = models.JSONField(
        default=list, blank=True, help_text="The request's headers, as [name, value] pairs."
    )
    response_headers = models.JSONField(
        default=list, blank=True, help_text="The response's headers, as [name, value] pairs."
    )
    archive_url = models.URLField(
        max_length=2000, blank=True, help_text="A public web archive's copy of this page."
    )
    body_pruned_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the raw body was let go (SNAPSHOT_BODY_RETENTION_DAYS); the text stays.",
    )

    class Meta:
        ordering = ["-fetched_at", "-id"]
        get_latest_by = "fetched_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(anchor_relevance__isnull=True)
                | Q(anchor_relevance__gte=0, anchor_relevance__lte=1),
                name="snapshot_anchor_relevance_share",
                violation_error_message="A relevance is a share between 0 and 1.",
            ),
            models.CheckConstraint(
                condition=Q(source__isnull=False, evidence__isnull=True)
                | Q(source__isnull=True, evidence__isnull=False),
                name="snapshot_of_source_or_evidence",
                violation_error_message="A snapshot belongs to a source or to evidence.",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "-fetched_at"], name="snapshot_source_latest"),
            models.Index(fields=["evidence", "-fetched_at"], name="snapshot_evidence_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.source or self.evidence} @ {self.fetched_at:%Y-%m-%d %H:%M}"


# --- Claimants -----------------------------------------------------------------


class ClaimantKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


def fold_name(name: str) -> str:
    """A name as search compares it: without case or accents ("Zoë" finds "zoe").

    Stored beside the name, so search is a plain ``contains`` on every database.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class ClaimantQuerySet(models.QuerySet["Claimant"]):
    def search(self, words: str) -> ClaimantQuerySet:
        """Claimants whose name contains ``words``, ignoring case and accents."""
        folded = fold_name(words)
        return self.filter(name_folded__contains=folded) if folded else self


class Claimant(Timestamped):
    """A person or organisation who made claims, shared by every article that quotes them."""

    name = models.CharField(max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(
        max_length=12, choices=ClaimantKind.choices, default=ClaimantKind.PERSON
    )
    description = models.CharField(
        max_length=300, blank=True, help_text='Who they are, in a few words ("think tank").'
    )
    same_as = models.JSONField(
        "same as",
        default=list,
        blank=True,
        help_text="Pages that identify them: Wikipedia, Wikidata, their official site.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_claimants",
    )
    history = HistoricalRecords(excluded_fields=["name_folded"])

    objects = ClaimantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="claimant_has_name",
                violation_error_message="A claimant needs a name.",
            ),
            in_choices("kind", ClaimantKind.values, "claimant_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Claims --------------------------------------------------------------------


class ClaimKind(models.TextChoices):
    FACTUAL = "factual", "Factual"
    QUOTE = "quote", "Quote (attributed passage)"
    PREDICTION = "prediction", "Prediction"
    OPINION = "opinion", "Opinion"


CLAIM_LABEL = re.compile(r"[Cc](\d{1,9})")


def claim_number_from_label(text: str) -> int | None:
    """3 for "C3" (``Claim.label``, as people name a claim), else None."""
    found = CLAIM_LABEL.fullmatch(text.strip())
    return int(found[1]) if found else None


def public_claim_q(prefix: str = "") -> Q:
    """Claims anyone may read, signed in or not: published claims of published articles.

    ``prefix`` reaches the claim through a relation (``"claim__"`` from a rating); on a
    loaded claim, ``claims.policies.is_public_claim`` says the same.
    """
    return Q(
        **{
            f"{prefix}status": ClaimStatus.PUBLISHED,
            f"{prefix}article__status": ArticleStatus.PUBLISHED,
        }
    )


def visible_claim_q(user: Any, prefix: str = "") -> Q:
    """Claims ``user`` may read: all of them for reviewers and above, else the public ones."""
    return Q() if policies.is_reviewer(user) else public_claim_q(prefix)


def _rated_by(user: Any) -> Exists:
    # By id: an anonymous user (no id) has rated nothing.
    return Exists(Rating.objects.filter(claim=OuterRef("pk"), reviewer_id=user.pk))


def others_ratings_visible_q(user: Any) -> Q:
    """Claims whose other ratings and consensus ``user`` may see: everything for editors
    (or with ``BLIND_RATINGS`` off), else the published claims and those ``user`` rated.
    On a loaded claim, ``claims.policies.can_see_others_ratings`` says the same."""
    if policies.sees_every_rating(user):
        return Q()
    return Q(status=ClaimStatus.PUBLISHED) | Q(_rated_by(user))


class ClaimQuerySet(models.QuerySet["Claim"]):
    def public(self) -> ClaimQuerySet:
        return self.filter(public_claim_q())

    def visible_to(self, user: Any) -> ClaimQuerySet:
        return self.filter(visible_claim_q(user))

    def rated_by(self, user: Any) -> ClaimQuerySet:
        return self.filter(_rated_by(user))

    def unrated_by(self, user: Any) -> ClaimQuerySet:
        """Claims ``user`` has not rated yet."""
        return self.filter(~_rated_by(user))

    def with_rated_by_me(self, user: Any) -> ClaimQuerySet:
        """Each claim with ``rated_by_me``: has ``user`` rated it?"""
        return self.annotate(rated_by_me=_rated_by(user))

    def closed(self) -> ClaimQuerySet:
        """Published and rejected claims: out of the review."""
        return self.filter(status__in=CLOSED_CLAIM_STATUSES)

    def open_for_review(self) -> ClaimQuerySet:
        """Claims still in the review (open, in review or ready): not closed."""
        return self.exclude(status__in=CLOSED_CLAIM_STATUSES)


SUMMARY_MAX_LENGTH = 300


class AnchorState(models.TextChoices):
    CURRENT = "current", "In the text"
    CHANGED = "changed", "Changed since rated"
    ORPHANED = "orphaned", "Not found in the latest revision"


class Claim(Timestamped):
    """An exact span of an article's text, with enough context to find it again."""

    # Indexed first in ``claim_list_order`` and the unique spans and numbers, which serve
    # its lookups.
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims", db_index=False
    )
    number = models.PositiveIntegerField(
        editable=False, help_text="The claim's number in its article (C1, C2, ...); never reused."
    )
    quote = models.TextField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    prefix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    suffix = models.CharField(max_length=CONTEXT_CHARS, blank=True)
    kind = models.CharField(max_length=10, choices=ClaimKind.choices, default=ClaimKind.FACTUAL)
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="created_claims",
    )
    sources = models.ManyToManyField(Source, related_name="claims", blank=True)
    claimant = models.ForeignKey(
        Claimant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Who made the claim.",
    )
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text="A short, neutral restatement of what is claimed (ClaimReview's claimReviewed).",
    )
    claim_date = models.DateField(
        "date of the claim", null=True, blank=True, help_text="When the claim was made."
    )
    revision = models.ForeignKey(
        ArticleRevision,
        on_delete=models.RESTRICT,  # goes only with its article, claims and all
        null=True,
        blank=True,
        related_name="claims",
        help_text="The revision of the article the offsets are in.",
    )
    anchor_state = models.CharField(
        max_length=10, choices=AnchorState.choices, default=AnchorState.CURRENT
    )
    quote_as_marked = models.TextField(
        blank=True,
        help_text="Changed claims: the words as they were marked and rated, before a revision.",
    )
    anchor_candidate = models.JSONField(
        default=dict,
        blank=True,
        help_text="Orphaned claims: the closest passage of the latest revision "
        "({start, end, text, score}), empty once dismissed or when none came close.",
    )
    orphan_dismissed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Orphaned claims a reviewer judged gone from the article: no longer offered "
        "a passage nor looked for in later revisions.",
    )
    history = HistoricalRecords(m2m_fields=[sources], excluded_fields=["anchor_candidate"])

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article", "start", "end"]
        indexes = [
            # The API's claims list, its order and its keyset (api.pagination.ClaimPagination).
            models.Index(fields=["article", "start", "id"], name="claim_list_order"),
            # The claims search and the dashboard, newest first.
            models.Index(fields=["-created_at", "-id"], name="claim_newest"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="claim_span",
                violation_error_message="A claim must cover at least one character.",
            ),
            models.UniqueConstraint(
                fields=["article", "start", "end"],
                # An orphaned claim's offsets are of an earlier revision's text.
                condition=~Q(anchor_state="orphaned"),
                name="claim_unique_span",
                violation_error_message="A claim on exactly this passage already exists.",
            ),
            in_choices("anchor_state", AnchorState.values, "claim_anchor_state_valid"),
            models.UniqueConstraint(
                fields=["article", "number"],
                name="claim_unique_number",
                violation_error_message="A claim of this article already has this number.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="claim_number_positive"),
            in_choices("kind", ClaimKind.values, "claim_kind_valid"),
            in_choices("status", ClaimStatus.values, "claim_status_valid"),
        ]

    def __str__(self) -> str:
        return self.quote if len(self.quote) <= 80 else f"{self.quote[:79]}…"

    @property
    def label(self) -> str:
        """How people name the claim within its article: "C3"."""
        return f"C{self.number}"

    def anchored_document(self) -> tuple[str, list[Any]]:
        """The text and structure its offsets are in: the article's, or for an orphaned
        claim its revision's (one more query)."""
        if self.anchor_state == AnchorState.ORPHANED and self.revision_id is not None:
            revision = ArticleRevision.objects.only("text", "structure").get(pk=self.revision_id)
            return revision.text, revision.structure
        return self.article.text, self.article.structure

    @property
    def is_closed(self) -> bool:
        """Published or rejected (as ``Claim.objects.closed()``)."""
        return self.status in CLOSED_CLAIM_STATUSES


class ClaimAppearance(models.Model):
    """A page where the claim was made or repeated; at most one is its first appearance."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    url = models.URLField("URL", max_length=2000)
    is_first = models.BooleanField("first appearance", default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "-is_first", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "url"],
                name="appearance_unique_url",
                violation_error_message="This claim already lists this page.",
            ),
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(is_first=True),
                name="appearance_one_first",
                violation_error_message="A claim has at most one first appearance.",
            ),
            models.CheckConstraint(condition=~Q(url=""), name="appearance_has_url"),
        ]

    def __str__(self) -> str:
        return f"{self.url} (first)" if self.is_first else self.url


# --- Reviews -------------------------------------------------------------------


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"
    CONTEXT = "context", "Adds context"


class Evidence(Timestamped, Fetchable):
    """A URL and/or quoted excerpt that supports, refutes or adds context to a claim.

    Its URL is fetched like a source's (``status`` is ``needs_url`` without one).
    """

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
    )
    url = models.URLField("URL", max_length=2000, blank=True)
    excerpt = models.TextField("quoted excerpt", blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices)
    note = models.TextField(blank=True)
    history = HistoricalRecords(excluded_fields=FETCH_BOOKKEEPING)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        verbose_name_plural = "evidence"
        # The dashboard's recent activity and the admin, newest first.
        indexes = [models.Index(fields=["-created_at", "-id"], name="evidence_newest")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(excerpt=""),
                name="evidence_has_url_or_excerpt",
                violation_error_message="Evidence needs a URL, a quoted excerpt, or both.",
            ),
            in_choices("stance", Stance.values, "evidence_stance_valid"),
            in_choices("status", SourceStatus.values, "evidence_status_valid"),
            models.CheckConstraint(
                condition=(Q(status=SourceStatus.NEEDS_URL) & Q(url=""))
                | (~Q(status=SourceStatus.NEEDS_URL) & ~Q(url="")),
                name="evidence_url_matches_status",
                violation_error_message="Evidence is fetched exactly when it has a URL.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.url or self.excerpt[:60]}"


class Verdict(models.TextChoices):
    TRUE = "true", "True"
    MOSTLY_TRUE = "mostly_true", "Mostly true"
    MIXED = "mixed", "Mixed"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    MISLEADING = "misleading", "Misleading"
    UNVERIFIABLE = "unverifiable", "Unverifiable"
    OPINION = "opinion", "Opinion"

    @property
    def ordinal(self) -> int | None:
        """5 (true) .. 1 (false) for the ordinal verdicts, as ClaimReview's ratingValue."""
        return VERDICT_ORDINALS.get(self)

    @property
    def description(self) -> str:
        """What the verdict means, as the methodology page and the public pages say it."""
        return VERDICT_DESCRIPTIONS[self]


VERDICT_ORDINALS: dict[str, int] = {
    Verdict.TRUE: 5,
    Verdict.MOSTLY_TRUE: 4,
    Verdict.MIXED: 3,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.FALSE: 1,
}

VERDICT_DESCRIPTIONS: dict[str, str] = {
    Verdict.TRUE: "The claim is accurate and nothing significant is missing.",
    Verdict.MOSTLY_TRUE: (
        "The claim is accurate but needs clarification or additional information."
    ),
    Verdict.MIXED: "The claim is partly accurate and partly inaccurate.",
    Verdict.MOSTLY_FALSE: (
        "The claim contains an element of truth but leaves out facts that would give a "
        "different impression."
    ),
    Verdict.FALSE: "The claim is inaccurate.",
    Verdict.MISLEADING: (
        "The facts may be right, but the claim is presented so as to give a false impression."
    ),
    Verdict.UNVERIFIABLE: "The available evidence can neither confirm nor refute the claim.",
    Verdict.OPINION: (
        "The claim is a view or a judgement, not a statement of fact that can be checked."
    ),
}


class Confidence(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class Rating(Timestamped):
    # Indexed first in the unique (claim, reviewer) constraint, which serves its lookups.
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    # Indexed first, with the claim (``rating_by_reviewer``).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    verdict = models.CharField(max_length=12, choices=Verdict.choices)
    confidence = models.CharField(
        max_length=6, choices=Confidence.choices, default=Confidence.MEDIUM
    )
    rationale = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "created_at", "id"]
        indexes = [
            # The dashboard's recent activity, latest change first.
            models.Index(fields=["-updated_at", "-id"], name="rating_latest"),
            # The claims a reviewer rated, read off the index alone: the visibility rule
            # of independent ratings ("published, or rated by me") hashes them for every
            # filtered list (a reviewer with 25,000 ratings: 3 ms, against 15 ms through
            # the reviewer's own index and the table's rows).
            models.Index(fields=["reviewer", "claim"], name="rating_by_reviewer"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "reviewer"],
                name="rating_one_per_reviewer_and_claim",
                violation_error_message="This reviewer has already rated this claim.",
            ),
            models.CheckConstraint(
                condition=~Q(rationale=""),
                name="rating_has_rationale",
                violation_error_message="A rating needs a rationale.",
            ),
            in_choices("verdict", Verdict.values, "rating_verdict_valid"),
            in_choices("confidence", Confidence.values, "rating_confidence_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()}"


class QuoteResult(models.TextChoices):
    EXACT = "exact", "Exact"
    ALTERED = "altered", "Altered"
    NOT_FOUND = "not_found", "Not found"
    SOURCE_UNAVAILABLE = "source_unavailable", "Source unavailable"


class QuoteCheck(models.Model):
    """The latest verification of one quote against one fetched text.

    Either a quote-kind claim against one of the sources it relies on, or an
    evidence excerpt against the evidence's own URL. Re-run on every new snapshot.
    """

    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="quote_checks", null=True, blank=True
    )
    snapshot = models.ForeignKey(
        SourceSnapshot, on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    quote = models.TextField()
    result = models.CharField(max_length=20, choices=QuoteResult.choices)
    score = models.FloatField(default=0.0)
    source_wording = models.TextField(blank=True)
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table keeps the name it was created with, by the app it once lived in.
        db_table = "verification_quotecheck"
        ordering = ["-checked_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, source__isnull=False, evidence__isnull=True)
                | Q(claim__isnull=True, source__isnull=True, evidence__isnull=False),
                name="quote_check_claim_source_or_evidence",
            ),
            models.UniqueConstraint(
                fields=["claim", "source"], name="quote_check_one_per_claim_source"
            ),
            models.UniqueConstraint(fields=["evidence"], name="quote_check_one_per_evidence"),
            in_choices("result", QuoteResult.values, "quote_check_result_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_result_display()}: {self.quote[:60]}"


# --- Suggested claims ----------------------------------------------------------


class DismissedSuggestion(models.Model):
    """A suggested sentence (``texts.checkworthy``) the team decided not to check."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="dismissed_suggestions"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dismissed_suggestions",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["article", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "start", "end"], name="dismissed_suggestion_unique_span"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="dismissed_suggestion_span",
                violation_error_message="A suggestion covers at least one character.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}:{self.start}-{self.end}"


# --- The same claim --------------------------------------------------------------


class SameClaim(models.Model):
    """Claims an editor linked as one claim: the same statement checked in several
    articles (or repeated in one). A claim is in at most one such group
    (``ClaimLink.claim`` is unique); linking two claims of different groups merges them."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "same claim"

    def __str__(self) -> str:
        return f"same claim {self.pk}"


class ClaimLink(models.Model):
    """A claim's place in its ``SameClaim`` group: who linked it and when."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="same_claim")
    group = models.ForeignKey(SameClaim, on_delete=models.CASCADE, related_name="links")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    linked_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "claim"]

    def __str__(self) -> str:
        return f"claim {self.claim_id} in same claim {self.group_id}"
