"""Reads of the editorial workflow that the API, the admin and the pages share.

Lists come back annotated so that a page of any length costs the same number of
queries; a claim's consensus and publication are one-to-one rows, read with
``select_related("consensus", "publication")``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs

from accounts.models import Role, User
from claims.models import (
    VERDICT_ORDINALS,
    Claim,
    Claimant,
    ClaimLink,
    ClaimQuerySet,
    ClaimStatus,
    Evidence,
    Rating,
    SourceSnapshot,
    others_ratings_visible_q,
)
from claims.selectors import (
    ClaimSource,
    archived_copy_value,
    claim_list_with_counts,
    count_subquery,
)
from editorial.consensus import krippendorff_alpha
from editorial.models import (
    Assignment,
    ClaimConsensus,
    ClaimTransition,
    Comment,
    ConsensusState,
    Correction,
    CorrectionRequest,
    CorrectionRequestStatus,
    Publication,
)

# --- One claim's figures (from rows already loaded) -------------------------------


def _related(claim: Claim, name: str) -> Any:
    """A reverse one-to-one row, or None; no query once select_related has run."""
    try:
        return getattr(claim, name)
    except (ClaimConsensus.DoesNotExist, Publication.DoesNotExist):
        return None


def summarise_consensus(
    state: str | None, verdict: str | None, agreement: float | None, ratings: int | None
) -> dict[str, Any]:
    """``state``, ``verdict`` (the leading one, or None), ``agreement`` and ``ratings``;
    a claim without a stored consensus (``state`` None) still needs ratings."""
    if state is None:
        return {
            "state": ConsensusState.NEEDS_RATINGS,
            "verdict": None,
            "agreement": None,
            "ratings": 0,
        }
    return {"state": state, "verdict": verdict or None, "agreement": agreement, "ratings": ratings}


def consensus_summary(claim: Claim) -> dict[str, Any]:
    consensus: ClaimConsensus | None = _related(claim, "consensus")
    if consensus is None:
        return summarise_consensus(None, None, None, None)
    return summarise_consensus(
        consensus.state, consensus.verdict, consensus.agreement, consensus.ratings_count
    )


def publication_of(claim: Claim) -> Publication | None:
    return _related(claim, "publication")


def effective_verdict(claim: Claim) -> tuple[str | None, str | None]:
    """(verdict, where from): the published verdict, else the consensus verdict if reached."""
    publication = publication_of(claim)
    if publication is not None:
        return publication.verdict, "published"
    consensus: ClaimConsensus | None = _related(claim, "consensus")
    if consensus is not None and consensus.state == ConsensusState.CONSENSUS:
        return consensus.verdict, "consensus"
    return None, None


def verdict_q(verdict: str, *, prefix: str = "") -> Q:
    """Claims whose published verdict, or (unpublished) consensus verdict, is ``verdict``."""
    return Q(**{f"{prefix}publication__verdict": verdict}) | Q(
        **{
            f"{prefix}publication__isnull": True,
            f"{prefix}consensus__state": ConsensusState.CONSENSUS,
            f"{prefix}consensus__verdict": verdict,
        }
    )


def consensus_state_q(state: str, *, prefix: str = "") -> Q:
    """Claims whose stored consensus is in ``state``; a claim nobody has rated has no
    stored consensus and still needs ratings."""
    matches = Q(**{f"{prefix}consensus__state": state})
    if state == ConsensusState.NEEDS_RATINGS:
        matches |= Q(**{f"{prefix}consensus__isnull": True})
    return matches


def consensus_seen_by_q(state: str, user: Any) -> Q:
    """``consensus_state_q`` among the claims whose consensus ``user`` may see: under
    independent ratings a filter must not tell a reviewer which claims are disputed
    before they have rated them. Needing ratings only counts ratings, which everyone sees."""
    if state == ConsensusState.NEEDS_RATINGS:
        return consensus_state_q(state)
    return consensus_state_q(state) & others_ratings_visible_q(user)


def unassigned_q() -> Q:
    """Claims nobody is assigned to."""
    return ~Q(Exists(Assignment.objects.filter(claim=OuterRef("pk"))))


def inactive_since_q(cutoff: datetime) -> Q:
    """Claims with no activity since ``cutoff``: no edit or move of the claim (both touch
    its ``updated_at``), and no rating, evidence, comment or transition of it since."""

    def since(rows: QuerySet[Any], field: str) -> Exists:
        return Exists(rows.filter(claim=OuterRef("pk"), **{f"{field}__gte": cutoff}))

    return (
        Q(updated_at__lt=cutoff)
        & ~Q(since(Rating.objects.all(), "updated_at"))
        & ~Q(since(Evidence.objects.all(), "updated_at"))
        & ~Q(since(Comment.objects.all(), "created_at"))
        & ~Q(since(ClaimTransition.objects.all(), "created_at"))
    )


# --- Lists ---------------------------------------------------------------------------


def claim_queue(*, reviewer: Any, claims: ClaimQuerySet | None = None) -> ClaimQuerySet:
    """Claims assigned to ``reviewer`` that they have not rated, while still under review
    (published and rejected claims leave the queue)."""
    claims = claim_list_with_counts() if claims is None else claims
    assigned = Assignment.objects.filter(claim=OuterRef("pk"), reviewer=reviewer)
    return claims.filter(Exists(assigned)).unrated_by(reviewer).open_for_review()


def assignment_list(*, claim: Claim | None = None) -> QuerySet[Assignment]:
    """Assignments (of ``claim``) with ``has_rated``: has the reviewer rated it yet?"""
    rated = Rating.objects.filter(claim=OuterRef("claim"), reviewer=OuterRef("reviewer"))
    assignments = (
        Assignment.objects.all() if claim is None else Assignment.objects.filter(claim=claim)
    )
    return assignments.select_related("claim", "reviewer", "assigned_by").annotate(
        has_rated=Exists(rated)
    )


def comment_list(*, claim: Claim) -> QuerySet[Comment]:
    return Comment.objects.filter(claim=claim).select_related("author")


def transition_list(*, claim: Claim) -> QuerySet[ClaimTransition]:
    return ClaimTransition.objects.filter(claim=claim).select_related("user")


def published_claims(*, claims: QuerySet[Claim] | None = None) -> QuerySet[Publication]:
    """Publications (of currently published claims) with their claim, its article,
    claimant and appearances: all that a ClaimReview reads."""
    publications = Publication.objects.filter(claim__status=ClaimStatus.PUBLISHED)
    if claims is not None:
        publications = publications.filter(claim__in=claims)
    latest_correction = Correction.objects.filter(claim=OuterRef("claim")).order_by("-corrected_at")
    return (
        publications.select_related("claim__article", "claim__claimant", "published_by")
        .prefetch_related("claim__appearances")
        .defer("claim__article__source_text", "claim__article__text")
        .annotate(last_corrected_at=Subquery(latest_correction.values("corrected_at")[:1]))
    )


def claim_citations(claim_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The links each claim's fact-check rests on, its sources' then its evidence's, each
    as (URL, the web archive's copy or ""): two queries for any number of claims."""
    citations: dict[int, list[tuple[str, str]]] = {pk: [] for pk in claim_ids}
    # django-stubs does not follow an annotation on the M2M through model (misc).
    sources: QuerySet[Any, tuple[int, str, str | None]] = (
        ClaimSource.objects.filter(claim_id__in=claim_ids)  # type: ignore[misc]
        .exclude(source__url="")
        .annotate(archived=archived_copy_value(outer="source_id"))
        .order_by("source__position")
        .values_list("claim_id", "source__url", "archived")
    )
    evidence: QuerySet[Any, tuple[int, str, str | None]] = (
        Evidence.objects.filter(claim_id__in=claim_ids)
        .exclude(url="")
        .annotate(archived=archived_copy_value(owner="evidence"))
        .order_by("created_at", "id")
        .values_list("claim_id", "url", "archived")
    )
    for claim_id, url, archived in [*sources, *evidence]:
        citations[claim_id].append((url, archived or ""))
    return citations


# The public index's filters: a filter's name (the index form's field) and the lookup of
# ``Publication`` it filters by.
PUBLIC_FILTERS: dict[str, str] = {
    "verdict": "verdict",
    "claimant": "claim__claimant",
}


def public_fact_checks(*, text: str = "", **filters: Any) -> QuerySet[Publication]:
    """Public fact-checks, newest first, with ``PUBLIC_FILTERS`` (empty values ignored)
    and every word of ``text`` in the claim, its article's title or the rationale."""
    publications = published_claims(claims=Claim.objects.public())
    for name, value in filters.items():
        if value:
            publications = publications.filter(**{PUBLIC_FILTERS[name]: value})
    for word in text.split()[:10]:
        publications = publications.filter(
            Q(claim__quote__icontains=word)
            | Q(claim__summary__icontains=word)
            | Q(claim__article__title__icontains=word)
            | Q(rationale__icontains=word)
        )
    return publications.order_by("-first_published_at", "-id")


# --- Corrections and readers' reports ----------------------------------------------


def claim_corrections(*, claim: Claim) -> QuerySet[Correction]:
    """The claim's corrections, newest first."""
    return Correction.objects.filter(claim=claim).order_by("-corrected_at", "-id")


def public_corrections() -> QuerySet[Correction]:
    """Corrections of public fact-checks, newest first, with their claim and article."""
    return (
        Correction.objects.filter(claim__in=Claim.objects.public())
        .select_related("claim__article")
        .defer("claim__article__source_text", "claim__article__text")
        .order_by("-corrected_at", "-id")
    )


def correction_request_list(
    *, status: str = "", claim: Claim | None = None
) -> QuerySet[CorrectionRequest]:
    """Readers' reports (with ``status``, of ``claim``), newest first."""
    requests = CorrectionRequest.objects.select_related(
        "claim__article", "handled_by", "correction"
    ).defer("claim__article__source_text", "claim__article__text")
    if status:
        requests = requests.filter(status=status)
    if claim is not None:
        requests = requests.filter(claim=claim)
    return requests.order_by("-created_at", "-id")


def open_correction_requests(*, claim: Claim | None = None) -> QuerySet[CorrectionRequest]:
    return correction_request_list(status=CorrectionRequestStatus.OPEN, claim=claim)


def claims_with_open_correction_requests(*, claims: ClaimQuerySet | None = None) -> ClaimQuerySet:
    """Claims that readers reported an error on and editors have not handled yet, the
    longest-waiting first, each with ``open_requests`` and ``oldest_open_request_at``."""
    claims = claim_list_with_counts() if claims is None else claims
    open_requests = CorrectionRequest.objects.filter(status=CorrectionRequestStatus.OPEN)
    oldest = open_requests.filter(claim=OuterRef("pk")).order_by("created_at")
    return (
        claims.filter(Exists(open_requests.filter(claim=OuterRef("pk"))))
        .annotate(
            open_requests=count_subquery(open_requests, outer="claim"),
            oldest_open_request_at=Subquery(oldest.values("created_at")[:1]),
        )
        .order_by("oldest_open_request_at", "pk")
    )


# --- Sources that changed since publication ---------------------------------------


def source_edits_since_publication(claim_ref: Any = None) -> QuerySet[SourceSnapshot]:
    """Edits (``text_changed`` snapshots) of the pages a published claim relies on (its
    sources and its evidence), found after its verdict was published or last corrected.

    ``claim_ref`` is the claim (a row, an id or an ``OuterRef``; the outer row by default).
    """
    claim_ref = OuterRef("pk") if claim_ref is None else claim_ref
    # One level further down (from a snapshot's subquery), the claim is one more OuterRef.
    nested: Any = OuterRef(claim_ref) if isinstance(claim_ref, OuterRef) else claim_ref
    publication = Publication.objects.filter(claim=nested)
    corrected_since = Correction.objects.filter(
        claim=nested, corrected_at__gte=OuterRef("fetched_at")
    )
    return (
        SourceSnapshot.objects.filter(text_changed=True)
        .filter(Q(source__claims=claim_ref) | Q(evidence__claim=claim_ref))
        .filter(fetched_at__gt=Subquery(publication.values("published_at")[:1]))
        .exclude(Exists(corrected_since))
    )


def source_changed_since_publication_q() -> Q:
    """Published claims whose sources were edited since (see above)."""
    return Q(status=ClaimStatus.PUBLISHED) & Q(Exists(source_edits_since_publication()))


# --- Agreement figures ---------------------------------------------------------------


def _ordinal(field: str) -> Case:
    return Case(
        *[
            When(**{field: verdict}, then=Value(score))
            for verdict, score in VERDICT_ORDINALS.items()
        ],
        default=None,
        output_field=IntegerField(),
    )


def _agreeing(ratings: QuerySet[Rating], verdict_field: str) -> QuerySet[Rating]:
    """Ratings that agree with ``verdict_field``: the same verdict, or ordinal verdicts
    within one step (the rule by which ratings back a consensus)."""
    return (
        ratings.alias(mine=_ordinal("verdict"), theirs=_ordinal(verdict_field))
        .alias(distance=Abs(F("mine") - F("theirs")))
        .filter(Q(verdict=F(verdict_field)) | Q(distance__lte=1))
    )


def reviewer_stats() -> QuerySet[User]:
    """Active reviewers and editors (and anyone who has rated), each annotated with
    ``ratings_given``; ``consensus_compared`` / ``consensus_agreed``: their ratings of
    claims with a consensus, and how many agree with it; ``published_compared`` /
    ``published_agreed``: the same against published verdicts."""
    ratings = Rating.objects.all()
    on_consensus = ratings.filter(claim__consensus__state=ConsensusState.CONSENSUS)
    on_published = ratings.filter(claim__publication__isnull=False)
    has_role = Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=Role.values)
    )
    has_rated = Exists(Rating.objects.filter(reviewer=OuterRef("pk")))
    return (
        User.objects.filter((Q(is_active=True) & (Q(is_staff=True) | has_role)) | has_rated)
        .annotate(
            ratings_given=count_subquery(ratings, outer="reviewer"),
            consensus_compared=count_subquery(on_consensus, outer="reviewer"),
            consensus_agreed=count_subquery(
                _agreeing(on_consensus, "claim__consensus__verdict"), outer="reviewer"
            ),
            published_compared=count_subquery(on_published, outer="reviewer"),
            published_agreed=count_subquery(
                _agreeing(on_published, "claim__publication__verdict"), outer="reviewer"
            ),
        )
        .order_by("username", "id")
    )


def article_alpha(*, claims: QuerySet[Claim]) -> float | None:
    """Krippendorff's alpha (ordinal) over ``claims``' ordinal ratings; one query.

    Units are claims, coders reviewers; categorical verdicts are left out, and claims
    with fewer than two ordinal ratings do not count (see ``editorial.consensus``).
    """
    units: dict[int, list[int]] = defaultdict(list)
    rows = Rating.objects.filter(claim__in=claims.values("pk"), verdict__in=VERDICT_ORDINALS)
    for claim_id, verdict in rows.values_list("claim_id", "verdict"):
        units[claim_id].append(VERDICT_ORDINALS[verdict])
    return krippendorff_alpha(units.values(), metric="ordinal")


# --- Claimants' track records ---------------------------------------------------------


def claimant_claims(claimant: Any, *, public: bool) -> QuerySet[Claim]:
    """The claimant's claims, newest first, with their article and publication: every
    claim for the reviewers' page, only the public fact-checks for the public page."""
    claims = Claim.objects.filter(claimant=claimant)
    if public:
        claims = claims.public()
    return (
        claims.select_related("article", "publication")
        .defer("article__source_text", "article__text")
        .order_by(F("claim_date").desc(nulls_last=True), "-created_at", "-id")
    )


def claimant_verdict_counts(claimant_ids: list[int], *, public: bool) -> dict[int, dict[str, int]]:
    """For each claimant, how many of their claims were published with each verdict."""
    claims = Claim.objects.filter(claimant_id__in=claimant_ids, publication__isnull=False)
    if public:
        claims = claims.public()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = claims.values("claimant_id", "publication__verdict").annotate(n=Count("id"))
    for row in rows.order_by():
        counts[row["claimant_id"]][row["publication__verdict"]] = row["n"]
    return dict(counts)


def public_claimants() -> QuerySet[Claimant]:
    """Claimants with at least one public fact-check, by name (the index's filter)."""
    public = Claim.objects.public().filter(claimant=OuterRef("pk"))
    return Claimant.objects.filter(Exists(public)).order_by("name", "pk")


def has_public_fact_check(claimant: Any) -> bool:
    """A claimant's public page exists once one of their claims is a public fact-check."""
    return Claim.objects.public().filter(claimant=claimant).exists()


@dataclass(frozen=True)
class LinkedClaim:
    """A claim linked to another as the same claim, with its published verdict."""

    claim: Claim
    verdict: str | None  # its published verdict, if any
    published: bool


def linked_claims(claim: Claim, *, user: Any) -> list[LinkedClaim]:
    """The claims linked to ``claim`` as the same claim that ``user`` may read, the
    published ones first. One query."""
    partners = (
        Claim.objects.visible_to(user)
        .filter(same_claim__group__links__claim=claim)
        .exclude(pk=claim.pk)
        .select_related("article", "publication")
        .defer("article__source_text", "article__text", "article__structure")
        .order_by("article_id", "number")
    )
    rows = []
    for partner in partners:
        publication = _related(partner, "publication")
        published = partner.status == ClaimStatus.PUBLISHED and publication is not None
        rows.append(
            LinkedClaim(
                claim=partner,
                verdict=publication.verdict if published else None,
                published=published,
            )
        )
    rows.sort(key=lambda row: not row.published)
    return rows


def same_claims_in(claims: list[Claim]) -> dict[int, int]:
    """Among ``claims``, those linked to another of them as the same claim: claim id ->
    its group's id. One query."""
    ids = [claim.pk for claim in claims]
    groups: dict[int, list[int]] = defaultdict(list)
    for claim_id, group_id in ClaimLink.objects.filter(claim_id__in=ids).values_list(
        "claim_id", "group_id"
    ):
        groups[group_id].append(claim_id)
    return {
        claim_id: group_id
        for group_id, members in groups.items()
        if len(members) > 1
        for claim_id in members
    }
