"""The methodology the public reads, built from the definitions the app runs on.

The rating scale comes from ``claims.models.Verdict`` (its labels, descriptions and
ordinal values), the consensus rule from the settings that ``editorial.consensus`` is
given, the review process from ``claims.transitions``: change one of them and the
methodology page says so. The editors' own words come from ``SiteText``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from claims.models import VERDICT_ORDINALS, ClaimStatus, Verdict
from claims.transitions import TRANSITIONS, Who
from editorial.models import SitePage, SiteText

WHO = {Who.REVIEWERS: "Reviewers (and editors)", Who.EDITORS: "Editors"}


@dataclass(frozen=True)
class ScaleStep:
    verdict: str
    label: str
    description: str
    value: int | None  # 5 (true) .. 1 (false); None for the verdicts off the scale


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    who: str
    conditions: list[str]


def rating_scale() -> list[ScaleStep]:
    return [
        ScaleStep(v.value, v.label, v.description, VERDICT_ORDINALS.get(v.value)) for v in Verdict
    ]


def consensus_rule() -> dict[str, object]:
    ordinal = [Verdict(v).label for v in VERDICT_ORDINALS]
    categorical = [v.label for v in Verdict if v.value not in VERDICT_ORDINALS]
    return {
        "min_ratings": settings.CONSENSUS_MIN_RATINGS,
        "min_agreement": settings.CONSENSUS_MIN_AGREEMENT,
        "ordinal": ordinal,
        "categorical": categorical,
    }


def review_process() -> list[Step]:
    steps = []
    for transition in TRANSITIONS.values():
        conditions = []
        if transition.needs_consensus_unless_editor:
            conditions.append("reviewers only once the ratings reach a consensus")
        if transition.service == "claim_publish":
            conditions.append("with the verdict and the rationale the public reads")
        if transition.note_required:
            conditions.append("with a note saying why")
        steps.append(
            Step(
                ClaimStatus(transition.source).label,
                ClaimStatus(transition.target).label,
                WHO[transition.who],
                conditions,
            )
        )
    return steps


def methodology_text() -> str:
    """What the editors wrote for the methodology page (admin: Site texts)."""
    row = SiteText.objects.filter(page=SitePage.METHODOLOGY).values_list("body", flat=True)
    return row.first() or ""
