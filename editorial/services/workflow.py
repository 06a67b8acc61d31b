"""Moving a claim through its statuses (``claims.transitions``), publishing and unpublishing.

Every move is checked against the one table and recorded as a ``ClaimTransition``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from claims import events, policies, stamps
from claims.history import save_as
from claims.models import (
    ArticleStatus,
    Claim,
    ClaimLink,
    ClaimStatus,
    Evidence,
    Rating,
    Source,
    Verdict,
)
from claims.services.articles import article_update
from claims.services.claimants import claim_describe
from claims.services.claims import claim_update
from claims.services.evidence import evidence_create
from claims.transitions import Transition, targets_from, transition_for
from editorial.models import (
    ClaimConsensus,
    ClaimTransition,
    ConsensusState,
    Correction,
    CorrectionRequest,
    CorrectionRequestStatus,
    Publication,
)
from editorial.selectors import publication_of
from editorial.services.correction_requests import correction_request_handle
from texts.textnorm import clean_text, is_blank

_INSTEAD = {
    "claim_publish": "publish it with a verdict and a rationale instead",
    "claim_unpublish": "unpublish it instead",
}


def _label(status: str) -> str:
    return ClaimStatus(status).label.lower()


def transition_check(*, claim: Claim, to_status: str, user: Any, note: str = "") -> Transition:
    """The transition from the claim's status to ``to_status`` if ``user`` may make it now;
    otherwise a ``ValidationError`` (or ``PermissionDenied``) that says why not."""
    if to_status not in ClaimStatus.values:
        raise ValidationError(
            {"to": f"{to_status!r} is not a claim status; use one of {ClaimStatus.values}."},
            code="invalid_status",
        )
    transition = transition_for(claim.status, to_status)
    if transition is None:
        if claim.status == to_status:
            message = f"The claim is already {_label(to_status)}."
        else:
            allowed = ", ".join(_label(status) for status in targets_from(claim.status))
            message = (
                f"A claim cannot go from {_label(claim.status)} to {_label(to_status)}; "
                f"from {_label(claim.status)} it can go to: {allowed}."
            )
        raise ValidationError(message, code="transition_not_allowed")
    if not policies.can_transition_claim(user, claim, to_status):
        raise PermissionDenied(
            f"Only editors may move a claim from {_label(claim.status)} to {_label(to_status)}."
        )
    has_rated = Rating.objects.filter(claim_id=claim.pk, reviewer_id=getattr(user, "pk", None))
    if policies.needs_own_rating_first(user, claim, to_status, has_rated=has_rated.exists()):
        raise ValidationError(
            "Rate this claim first: ratings are independent, so whether they agree is "
            "yours to see, and to act on, once you have given yours.",
            code="rate_first",
        )
    if policies.needs_consensus_first(user, claim, to_status):
        state = (
            ClaimConsensus.objects.filter(claim_id=claim.pk).values_list("state", flat=True).first()
        ) or ConsensusState.NEEDS_RATINGS
        if state != ConsensusState.CONSENSUS:
            raise ValidationError(
                f"A claim is ready once its ratings reach consensus, and this one's are "
                f"{ConsensusState(state).label.lower()}; an editor may decide it is ready.",
                code="no_consensus",
            )
    if transition.note_required and is_blank(note):
        raise ValidationError(
            {"note": f"Say why the claim goes from {_label(claim.status)} to {_label(to_status)}."},
            code="note_required",
        )
    return transition


def _lock(claim: Claim) -> None:
    """Lock the claim's row and read its current status, so two moves cannot interleave."""
    claim.status = (
        Claim.objects.select_for_update().values_list("status", flat=True).get(pk=claim.pk)
    )


def _move(claim: Claim, to_status: str, user: Any, note: str) -> ClaimTransition:
    from_status = claim.status
    claim.status = to_status
    save_as(claim, user, update_fields=["status", "updated_at"])
    stamps.article_changed(claim.article_id)
    return ClaimTransition.objects.create(
        claim=claim,
        from_status=from_status,
        to_status=to_status,
        user=user if getattr(user, "is_authenticated", False) else None,
        note=clean_text(note),
    )


@transaction.atomic
def claim_transition(*, claim: Claim, to_status: str, user: Any, note: str = "") -> ClaimTransition:
    """Move the claim to ``to_status`` if the table allows ``user`` to, and record it."""
    _lock(claim)
    transition = transition_check(claim=claim, to_status=to_status, user=user, note=note)
    if transition.service:
        raise ValidationError(
            f"A claim does not simply become {_label(to_status)}: {_INSTEAD[transition.service]}.",
            code="use_" + transition.service.removeprefix("claim_"),
        )
    return _move(claim, to_status, user, note)


@transaction.atomic
def claim_transition_automatic(
    *, claim: Claim, from_status: str, to_status: str, note: str
) -> ClaimTransition | None:
    """A move the application makes by itself (recorded with no user and ``note`` saying
    why), if the claim is still in ``from_status``; None when it no longer is."""
    _lock(claim)
    transition = transition_for(from_status, to_status)
    if transition is None or transition.service or (transition.note_required and is_blank(note)):
        raise ValueError(f"No automatic move from {from_status} to {to_status}.")
    if claim.status != from_status:
        return None
    return _move(claim, to_status, None, note)


@transaction.atomic
def claim_revise(
    *,
    claim: Claim,
    user: Any,
    kind: str | None = None,
    status: str | None = None,
    sources: Iterable[Source] | None = None,
    start: int | None = None,
    end: int | None = None,
    note: str = "",
    description: dict[str, Any] | None = None,
) -> Claim:
    """Change a claim's kind, sources, passage, description and status at once (the
    API's PATCH, the admin's form): the status through ``claim_transition``, so by the
    transition table exactly; the ``description`` (summary, claimant, claim_date,
    appearances) through ``claim_describe``, before the status moves, so a claim
    described and published in one request is published as described; the rest
    through ``claim_update``."""
    if description:
        claim_describe(claim=claim, user=user, **description)
    if status is not None and status != claim.status:
        claim_transition(claim=claim, to_status=status, user=user, note=note)
    if kind is not None or sources is not None or start is not None or end is not None:
        claim_update(claim=claim, user=user, kind=kind, sources=sources, start=start, end=end)
    return claim


@dataclass(frozen=True)
class PublishCheck:
    consensus_state: str
    consensus_verdict: str
    overrides_consensus: bool


def lacks_support(claim: Claim) -> bool:
    """No evidence and no source: publishing it needs the editor's confirmation. Reads
    ``evidence_count`` and ``sources_count`` where the claim was loaded with them."""
    evidence = getattr(claim, "evidence_count", None)
    sources = getattr(claim, "sources_count", None)
    if evidence is None or sources is None:
        evidence = Evidence.objects.filter(claim_id=claim.pk).exists()
        sources = Claim.sources.through.objects.filter(claim_id=claim.pk).exists()
    return not evidence and not sources


def publish_check(
    *,
    claim: Claim,
    editor: Any,
    verdict: str,
    rationale: str,
    note: str = "",
    confirm_no_evidence: bool = False,
) -> PublishCheck:
    """What publishing would record, if ``editor`` may publish the claim with this verdict
    now; otherwise a ``ValidationError`` (or ``PermissionDenied``) that says why not."""
    policies.check_publish_claim(editor, claim)
    transition_check(claim=claim, to_status=ClaimStatus.PUBLISHED, user=editor, note=note)
    _check_verdict_and_rationale(verdict, rationale)
    if is_blank(claim.summary):
        raise ValidationError(
            {
                "summary": "Write the claim's summary first: a short, neutral restatement of "
                "what is claimed, which the public page and search engines show."
            },
            code="summary_required",
        )
    check = _consensus_check(claim, verdict, note)
    if not confirm_no_evidence and lacks_support(claim):
        raise ValidationError(
            {
                "confirm_no_evidence": "The claim has no evidence and cites no source: "
                "confirm that you publish it without evidence."
            },
            code="no_evidence",
        )
    return check


def _check_verdict_and_rationale(verdict: str, rationale: str) -> None:
    if verdict not in Verdict.values:
        raise ValidationError(
            {"verdict": f"{verdict!r} is not a verdict; use one of {Verdict.values}."},
            code="invalid_verdict",
        )
    if is_blank(rationale):
        raise ValidationError(
            {"rationale": "Give the rationale that the public will read."}, code="required"
        )


def _consensus_check(claim: Claim, verdict: str, note: str) -> PublishCheck:
    """A verdict other than the consensus, or any while there is none, needs a note."""
    row = ClaimConsensus.objects.filter(claim_id=claim.pk).values_list("state", "verdict").first()
    state, consensus_verdict = row or (ConsensusState.NEEDS_RATINGS, "")
    overrides = state != ConsensusState.CONSENSUS or verdict != consensus_verdict
    if overrides and is_blank(note):
        if state == ConsensusState.CONSENSUS:
            reason = f"differs from the reviewers' consensus ({Verdict(consensus_verdict).label})"
        else:
            reason = f"is published while the ratings are {ConsensusState(state).label.lower()}"
        raise ValidationError(
            {"note": f"The verdict {reason}: add a note saying why."}, code="note_required"
        )
    return PublishCheck(state, consensus_verdict, overrides)


@transaction.atomic
def claim_publish(
    *,
    claim: Claim,
    editor: Any,
    verdict: str,
    rationale: str,
    note: str = "",
    confirm_no_evidence: bool = False,
    publish_article: bool = False,
    correction: str = "",
    resolves: CorrectionRequest | None = None,
    reused_from: Claim | None = None,
    reuse_evidence: Iterable[int] = (),
) -> Publication:
    """Publish a ready claim's verdict and the rationale the public reads.

    ``reused_from``: a claim linked to this one as the same claim, published, whose
    verdict the editor reused (the publication records it); ``reuse_evidence``: ids of
    its evidence the editor chose to add to this claim (each added as new evidence,
    noted as coming from there). Nothing of it is copied unless asked for.

    A verdict other than the reviewers' consensus, or any verdict while they have
    none, needs a ``note`` saying why; a claim with no evidence and no source needs
    ``confirm_no_evidence``. ``publish_article`` publishes its article too (its
    public page appears only then). Returns the publication.

    On a claim already published, this corrects the verdict or the rationale: that needs
    a ``correction`` note, which the public page shows in its log of corrections
    (``publication_correct``).
    """
    _lock(claim)
    if claim.status == ClaimStatus.PUBLISHED and (reused_from is not None or reuse_evidence):
        raise ValidationError(
            {"reused_from": "The claim is published: a verdict is reused when publishing it."},
            code="published",
        )
    if claim.status == ClaimStatus.PUBLISHED:
        return publication_correct(
            claim=claim,
            editor=editor,
            verdict=verdict,
            rationale=rationale,
            correction=correction,
            note=note,
            resolves=resolves,
        )
    if reused_from is not None:
        if _reuse_evidence(claim, editor, reused_from, reuse_evidence):
            claim.__dict__.pop("evidence_count", None)  # counted when loaded, before these
    elif reuse_evidence:
        raise ValidationError("Evidence is reused only with the verdict of a linked claim.")
    check = publish_check(
        claim=claim,
        editor=editor,
        verdict=verdict,
        rationale=rationale,
        note=note,
        confirm_no_evidence=confirm_no_evidence,
    )
    now = timezone.now()
    earlier = Publication.history.filter(claim_id=claim.pk).aggregate(
        first=Min("first_published_at")
    )["first"]
    publication = Publication(
        claim=claim,
        verdict=verdict,
        rationale=clean_text(rationale),
        note=clean_text(note),
        consensus_state=check.consensus_state,
        consensus_verdict=check.consensus_verdict,
        overrides_consensus=check.overrides_consensus,
        published_by=editor,
        published_at=now,
        first_published_at=earlier or now,
        reused_from=reused_from,
    )
    save_as(publication, editor)
    _move(claim, ClaimStatus.PUBLISHED, editor, note)
    if publish_article and claim.article.status != ArticleStatus.PUBLISHED:
        article_update(article=claim.article, user=editor, status=ArticleStatus.PUBLISHED)
    events.emit(events.claim_published, claim=claim, publication=publication, actor=editor)
    return publication


def _reuse_evidence(
    claim: Claim, editor: Any, partner: Claim, evidence_ids: Iterable[int]
) -> list[Evidence]:
    """Add the chosen evidence of ``partner`` (linked, published) to ``claim``."""
    policies.check_publish_claim(editor, claim)
    linked = ClaimLink.objects.filter(claim=partner, group__links__claim=claim)
    if partner.pk == claim.pk or not linked.exists():
        raise ValidationError(
            f"{partner.label} of “{partner.article.title}” is not linked to this claim as the "
            "same claim: link it first to reuse its verdict.",
            code="not_linked",
        )
    if partner.status != ClaimStatus.PUBLISHED or publication_of(partner) is None:
        raise ValidationError(
            f"{partner.label} of “{partner.article.title}” has no published verdict to reuse.",
            code="not_published",
        )
    wanted = set(evidence_ids)
    items = list(Evidence.objects.filter(claim=partner, pk__in=wanted).order_by("pk"))
    if len(items) != len(wanted):
        raise ValidationError(
            f"Only the evidence of {partner.label} can be reused with its verdict.",
            code="not_its_evidence",
        )
    note = f"Reused from {partner.label} of “{partner.article.title}”."
    return [
        evidence_create(
            claim=claim,
            author=editor,
            stance=item.stance,
            url=item.url,
            excerpt=item.excerpt,
            note=f"{note} {item.note}".strip(),
        )
        for item in items
    ]


def correction_check(
    *,
    claim: Claim,
    editor: Any,
    publication: Publication,
    verdict: str,
    rationale: str,
    correction: str,
    note: str = "",
) -> PublishCheck:
    """What correcting the published verdict would record, if ``editor`` may now;
    otherwise a ``ValidationError`` (or ``PermissionDenied``) that says why not."""
    policies.check_publish_claim(editor, claim)
    _check_verdict_and_rationale(verdict, rationale)
    if verdict == publication.verdict and clean_text(rationale) == publication.rationale:
        raise ValidationError(
            "This verdict and rationale are the ones published: change either to correct "
            "the fact-check.",
            code="nothing_to_correct",
        )
    if is_blank(correction):
        raise ValidationError(
            {
                "correction": "The claim is published: changing its verdict or rationale "
                "needs a correction note saying what changed and why (the public page shows it)."
            },
            code="correction_required",
        )
    return _consensus_check(claim, verdict, note or publication.note)


@transaction.atomic
def publication_correct(
    *,
    claim: Claim,
    editor: Any,
    verdict: str,
    rationale: str,
    correction: str,
    note: str = "",
    resolves: CorrectionRequest | None = None,
) -> Publication:
    """Change a published claim's verdict or rationale, with a ``correction`` note for the
    public; the previous version stays in the correction (and the publication's history).
    ``resolves``: a reader's report that this correction resolves."""
    _lock(claim)
    publication = Publication.objects.select_for_update().get(claim_id=claim.pk)
    check = correction_check(
        claim=claim,
        editor=editor,
        publication=publication,
        verdict=verdict,
        rationale=rationale,
        correction=correction,
        note=note,
    )
    record = Correction(
        claim=claim,
        publication=publication,
        note=clean_text(correction).strip(),
        previous_verdict=publication.verdict,
        previous_rationale=publication.rationale,
        new_verdict=verdict,
        new_rationale=clean_text(rationale),
        corrected_by=policies.person(editor),
        corrected_at=timezone.now(),
    )
    publication.verdict = record.new_verdict
    publication.rationale = record.new_rationale
    publication.note = clean_text(note) or publication.note
    publication.consensus_state = check.consensus_state
    publication.consensus_verdict = check.consensus_verdict
    publication.overrides_consensus = check.overrides_consensus
    save_as(publication, editor)
    record.save()
    if resolves is not None:
        correction_request_handle(
            correction_request=resolves,
            editor=editor,
            status=CorrectionRequestStatus.RESOLVED,
            correction=record,
        )
    claim.publication = publication
    events.emit(
        events.claim_corrected,
        claim=claim,
        publication=publication,
        correction=record,
        actor=editor,
    )
    return publication


@transaction.atomic
def claim_unpublish(*, claim: Claim, editor: Any, note: str) -> ClaimTransition:
    """Take a published claim back to ready; its publication stays in history."""
    policies.check_publish_claim(editor, claim)
    _lock(claim)
    transition_check(claim=claim, to_status=ClaimStatus.READY, user=editor, note=note)
    publication = Publication.objects.filter(claim_id=claim.pk).first()
    if publication is not None:
        publication._history_user = editor  # type: ignore[attr-defined]
        publication.delete()
    transition = _move(claim, ClaimStatus.READY, editor, note)
    events.emit(events.claim_unpublished, claim=claim, actor=editor)
    return transition
