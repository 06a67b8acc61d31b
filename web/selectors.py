"""Reads of the web UI's pages, built on ``claims.selectors`` and ``editorial.selectors``.

Each page reads a fixed number of queries whatever the article's size: counts are
subqueries, one-to-one rows are joined, lists are prefetched in one query each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, JSONField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from accounts.models import Role, User
from claims import search as full_text
from claims.models import (
    Article,
    ArticleRevision,
    Claim,
    ClaimQuerySet,
    ClaimStatus,
    Evidence,
    QuoteCheck,
    Rating,
    Source,
    SourceStatus,
    claim_number_from_label,
    others_ratings_visible_q,
)
from claims.policies import can_see_others_ratings
from claims.selectors import (
    ARTICLE_TEXT_FIELDS,
    archived_copy_value,
    article_list_with_counts,
    claim_list_with_counts,
    count_subquery,
    latest_snapshot_value,
    snapshots_latest_first,
)
from editorial.models import Assignment, ClaimTransition, Publication
from editorial.queues import queue_get
from editorial.selectors import claim_queue, consensus_seen_by_q, unassigned_q, verdict_q

EXCERPT_CHARS = 600
IN_FLIGHT = (SourceStatus.PENDING, SourceStatus.FETCHING)
OPEN_STATUSES = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)


# --- Dashboard -------------------------------------------------------------------


def dashboard_articles() -> QuerySet[Article]:
    """Articles with the figures of ``article_list_with_counts`` and ``claims_rated``
    (claims with at least one rating) and ``claims_published``."""
    rated = Claim.objects.filter(Exists(Rating.objects.filter(claim=OuterRef("pk"))))
    return article_list_with_counts().annotate(
        claims_rated=count_subquery(rated, outer="article"),
        claims_published=count_subquery(
            Claim.objects.filter(status=ClaimStatus.PUBLISHED), outer="article"
        ),
    )


def claims_with_verdicts() -> ClaimQuerySet:
    """Claims with their counts, consensus and publication (for their colour)."""
    return claim_list_with_counts().select_related("consensus", "publication")


def my_queue(user: Any) -> QuerySet[Claim]:
    """Claims assigned to ``user`` that they have not rated, oldest first."""
    return claim_queue(reviewer=user, claims=claims_with_verdicts()).order_by("created_at", "id")


def awaiting_my_rating(user: Any) -> QuerySet[Claim]:
    """Claims under review that ``user`` has not rated, oldest first."""
    return (
        claims_with_verdicts()
        .unrated_by(user)
        .filter(status__in=OPEN_STATUSES)
        .order_by("created_at", "id")
    )


@dataclass(frozen=True, slots=True)
class Activity:
    when: datetime
    who: Any
    verb: str
    claim: Claim
    verdict: str = ""


def recent_activity(*, viewer: Any, limit: int = 8) -> list[Activity]:
    """The latest claims, evidence, ratings, workflow moves, assignments and publications,
    newest first (six queries); a rating's verdict only where ``viewer`` may see the
    others' ratings of its claim."""
    texts = [f"claim__article__{name}" for name in ARTICLE_TEXT_FIELDS]

    def latest(rows: QuerySet[Any], *related: str, at: str = "created_at") -> list[Any]:
        return list(
            rows.select_related("claim__article", *related)
            .defer(*texts)
            .order_by(f"-{at}", "-id")[:limit]
        )

    claims = (
        Claim.objects.select_related("article", "created_by")
        .defer(*(f"article__{name}" for name in ARTICLE_TEXT_FIELDS))
        .order_by("-created_at", "-id")[:limit]
    )
    items = [Activity(c.created_at, c.created_by, "marked a claim", c) for c in claims]
    items += [
        Activity(e.created_at, e.author, f"added evidence ({e.get_stance_display()})", e.claim)
        for e in latest(Evidence.objects.all(), "author")
    ]
    viewer_rated = Rating.objects.filter(claim=OuterRef("claim"), reviewer_id=viewer.pk)
    ratings = Rating.objects.annotate(viewer_rated=Exists(viewer_rated))
    items += [
        Activity(
            r.updated_at,
            r.reviewer,
            "rated",
            r.claim,
            r.verdict
            if can_see_others_ratings(viewer, r.claim.status, has_rated=r.viewer_rated)
            else "",
        )
        for r in latest(ratings, "reviewer", at="updated_at")
    ]
    # Publishing is a move too: the publication, with its verdict, stands for it.
    moves = ClaimTransition.objects.exclude(to_status=ClaimStatus.PUBLISHED)
    items += [_move_activity(t) for t in latest(moves, "user")]
    items += [
        Activity(a.assigned_at, a.assigned_by, f"assigned {a.reviewer} to", a.claim)
        for a in latest(Assignment.objects.all(), "reviewer", "assigned_by", at="assigned_at")
    ]
    items += [
        Activity(p.published_at, p.published_by, "published", p.claim, p.verdict)
        for p in latest(Publication.objects.all(), "published_by", at="published_at")
    ]
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


def _move_activity(move: ClaimTransition) -> Activity:
    to = ClaimStatus(move.to_status).label.lower()
    if move.from_status == ClaimStatus.PUBLISHED:
        verb = "unpublished"
    elif move.to_status == ClaimStatus.REJECTED:
        verb = "rejected"
    else:
        verb = f"moved to {to}"
    if move.user is None and move.note:
        # A move the application made by itself says what caused it.
        return Activity(move.created_at, "The system", f"{verb} ({move.note})", move.claim)
    return Activity(move.created_at, move.user, verb, move.claim)


# --- The article reader ------------------------------------------------------------


def latest_change(*, owner: str = "source") -> dict[str, Subquery]:
    """Annotations of the latest edit found in each listed row's page (a ``text_changed``
    snapshot): ``changed_at``, ``change_diff`` and ``change_id``, None when never edited."""
    edits = snapshots_latest_first(**{owner: OuterRef("pk")}).filter(text_changed=True)
    return {
        "changed_at": Subquery(edits.values("fetched_at")[:1]),
        "change_diff": Subquery(edits.values("diff")[:1], output_field=JSONField()),
        "change_id": Subquery(edits.values("id")[:1]),
    }


def article_sources(article: Article) -> QuerySet[Source]:
    """The article's sources in order, each with its latest snapshot's id, title and
    relevance, and its page's latest edit (``latest_change``)."""
    return Source.objects.filter(article=article).annotate(
        snapshot_id=latest_snapshot_value("id"),
        snapshot_title=latest_snapshot_value("title"),
        snapshot_relevance=latest_snapshot_value("anchor_relevance"),
        **latest_change(),
        archived_copy=archived_copy_value(),
    )


def article_claims(article: Article, user: Any) -> QuerySet[Claim]:
    """The article's claims in reading order, with ``evidence_count``, ``ratings_count``,
    ``rated_by_me``, consensus and publication (not their article: the caller has it)."""
    claims = (
        Claim.objects.filter(article=article)
        .select_related("consensus", "publication")
        .defer("prefix", "suffix")
        .annotate(
            evidence_count=count_subquery(Evidence.objects.all(), outer="claim"),
            ratings_count=count_subquery(Rating.objects.all(), outer="claim"),
            revision_number=F("revision__number"),
        )
        .order_by("start", "end", "id")
    )
    return claims.with_rated_by_me(user)


def article_revisions(article: Article) -> QuerySet[ArticleRevision]:
    """The article's revisions, newest first, without their texts."""
    return (
        ArticleRevision.objects.filter(article=article)
        .select_related("created_by")
        .defer("text", "structure", "source_text")
        .order_by("-number")
    )


def sources_in_flight(sources: list[Source]) -> bool:
    return any(source.status in IN_FLIGHT for source in sources)


# --- The claim page -----------------------------------------------------------------


def claim_for_page(claim_id: int) -> Claim | None:
    return (
        claims_with_verdicts()
        .select_related("article", "claimant")
        .prefetch_related("appearances")
        .defer(None)  # the page shows the claim in its paragraph: it needs the text
        .filter(pk=claim_id)
        .first()
    )


def claim_for_parts(claim_id: int) -> Claim | None:
    """The claim as its page's parts fetched alone need it (``CLAIM_PAGE_PARTS``): its
    own columns and its article's, without the article's texts or the claim's verdicts."""
    claims = Claim.objects.select_related("article").defer(
        "article__text", "article__source_text", "article__structure"
    )
    return claims.filter(pk=claim_id).first()


def claim_sources(claim: Claim) -> list[Source]:
    """The sources the claim relies on, each with its latest snapshot and quote check."""
    sources: list[Source] = list(
        claim.sources.order_by("position").annotate(
            snapshot_id=latest_snapshot_value("id"),
            snapshot_title=latest_snapshot_value("title"),
            snapshot_url=latest_snapshot_value("final_url"),
            snapshot_status=latest_snapshot_value("http_status"),
            snapshot_at=latest_snapshot_value("fetched_at"),
            snapshot_excerpt=latest_snapshot_value(Substr("text", 1, EXCERPT_CHARS)),
            snapshot_relevance=latest_snapshot_value("anchor_relevance"),
            **latest_change(),
            archived_copy=archived_copy_value(),
        )
    )
    checks = {check.source_id: check for check in QuoteCheck.objects.filter(claim=claim)}
    for source in sources:
        source.quote_check = checks.get(source.pk)  # type: ignore[attr-defined]
    return sources


def claim_evidence(claim: Claim, *, ids: list[int] | None = None) -> list[Evidence]:
    """The claim's evidence (or those of ``ids``), each with its page's title and quote check."""
    rows = Evidence.objects.filter(claim=claim)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    evidence: list[Evidence] = list(
        rows.select_related("author").annotate(
            snapshot_id=latest_snapshot_value("id", owner="evidence"),
            snapshot_title=latest_snapshot_value("title", owner="evidence"),
            **latest_change(owner="evidence"),
            archived_copy=archived_copy_value(owner="evidence"),
        )
    )
    checks_of = QuoteCheck.objects.filter(evidence__claim=claim)
    if ids is not None:
        checks_of = checks_of.filter(evidence__in=ids)
    checks = {check.evidence_id: check for check in checks_of}
    for item in evidence:
        item.quote_check = checks.get(item.pk)  # type: ignore[attr-defined]
    return evidence


def evidence_in_flight(evidence: list[Evidence]) -> list[int]:
    """The ids of the items whose URL a worker has still to fetch."""
    return [item.pk for item in evidence if item.status in IN_FLIGHT]


def claim_ratings(claim: Claim) -> QuerySet[Rating]:
    return Rating.objects.filter(claim=claim).select_related("reviewer").order_by("created_at")


# --- Searching claims ---------------------------------------------------------------


def search_claims(
    *,
    user: Any,
    text: str = "",
    verdict: str = "",
    status: str = "",
    kind: str = "",
    article_id: int | None = None,
    assigned_to_me: bool = False,
    assigned_to: Any = None,
    unrated_by_me: bool = False,
    consensus: str = "",
    unassigned: bool = False,
    queue: str = "",
) -> QuerySet[Claim]:
    claims = claims_with_verdicts().with_rated_by_me(user)
    if queue:
        claims = queue_get(queue).claims_seen_by(user, claims)
    if consensus:
        claims = claims.filter(consensus_seen_by_q(consensus, user))
    if unassigned:
        claims = claims.filter(unassigned_q())
    words = text.split()
    numbers = {n for word in words if (n := claim_number_from_label(word)) is not None}
    if numbers:  # "C3": claims numbered 3 (of any article)
        claims = claims.filter(number__in=numbers)
    searched = claim_search_words(text)
    if verdict:  # among the claims whose verdicts ``user`` may see
        claims = claims.filter(verdict_q(verdict), others_ratings_visible_q(user))
    if status:
        claims = claims.filter(status=status)
    if kind:
        claims = claims.filter(kind=kind)
    if article_id is not None:
        claims = claims.filter(article_id=article_id)
    if assigned_to_me:
        claims = claims.filter(
            Exists(Assignment.objects.filter(claim=OuterRef("pk"), reviewer=user))
        )
    if assigned_to is not None:
        claims = claims.filter(
            Exists(Assignment.objects.filter(claim=OuterRef("pk"), reviewer=assigned_to))
        )
    if unrated_by_me:
        claims = claims.unrated_by(user)
    if full_text.parse(searched):
        return full_text.matching(claims, searched)  # best matches first
    return claims.order_by("-created_at", "-id")


ARTICLE_CHOICES = 100


def claim_search_words(text: str) -> str:
    """What ``search_claims`` searches the text for: the words that are not claim labels."""
    return " ".join(word for word in text.split() if claim_number_from_label(word) is None)


def with_highlights(claims: Any, text: str) -> None:
    """Set ``highlight`` on each of ``claims`` (a page): its quote with the matches of
    ``text`` marked, or None. One query for the page."""
    claims = list(claims)
    found = full_text.highlights(Claim, [claim.pk for claim in claims], claim_search_words(text))
    for claim in claims:
        claim.highlight = found.get(claim.pk)


def article_choices() -> QuerySet[Article]:
    """Articles to narrow a search to: ids and titles only."""
    return Article.objects.only("id", "title").order_by("title", "id")


def article_choices_offered(chosen_id: int | None = None) -> list[tuple[int, str]]:
    """The articles the search form lists, by title (a menu of every article would not
    scale): the newest ``ARTICLE_CHOICES``, and the one asked for if it is older."""
    newest = Article.objects.order_by("-created_at", "-id").values("pk")[:ARTICLE_CHOICES]
    offered = Article.objects.filter(Q(pk__in=Subquery(newest)) | Q(pk=chosen_id or 0))
    return list(offered.order_by("title", "id").values_list("id", "title"))


# --- Editorial ------------------------------------------------------------------------


def eligible_reviewers() -> QuerySet[User]:
    """Active reviewers and editors (and admins), who may be asked to rate a claim."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=Role.values) | Q(is_staff=True))
        .distinct()
        .order_by("username")
    )
