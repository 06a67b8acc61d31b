"""A claim's history for people: who marked it, changed it, rated it, added evidence and
corrected the discussion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from claims.models import (
    Claim,
    Claimant,
    ClaimKind,
    ClaimStatus,
    Confidence,
    Evidence,
    Rating,
    Verdict,
)
from editorial.models import Comment
from editorial.selectors import transition_list

HISTORY_LIMIT = 300  # records of each kind; a claim rarely has more than a few dozen


@dataclass(frozen=True, slots=True)
class Event:
    when: datetime
    who: Any
    text: str
    note: str = ""


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _description_changes(previous: Any, record: Any, names: dict[int, str]) -> list[str]:
    """What a change did to the claim's description (summary, claimant, date)."""
    texts = []
    if previous.summary != record.summary:
        texts.append(
            f"changed the summary to “{record.summary}”"
            if record.summary
            else "removed the summary"
        )
    if previous.claimant_id != record.claimant_id:
        name = names.get(record.claimant_id, "") if record.claimant_id else ""
        texts.append(f"named {name} as the claimant" if name else "removed the claimant")
    if previous.claim_date != record.claim_date:
        texts.append(
            f"dated the claim {record.claim_date.day} {record.claim_date:%b %Y}"
            if record.claim_date
            else "removed the claim's date"
        )
    return texts


def _claim_events(claim: Claim) -> list[Event]:
    events = []
    previous = None
    history = claim.history.select_related("history_user").order_by("history_date", "history_id")
    records = list(history[:HISTORY_LIMIT])
    claimant_ids = {record.claimant_id for record in records if record.claimant_id}
    names = dict(Claimant.objects.filter(pk__in=claimant_ids).values_list("pk", "name"))
    for record in records:
        if record.history_type == "+":
            events.append(Event(record.history_date, record.history_user, "marked the claim"))
        # Status changes come from the workflow's log, with their notes.
        elif record.history_type == "~" and previous is not None:
            texts = _description_changes(previous, record, names)
            if previous.kind != record.kind:
                texts.insert(
                    0,
                    f"changed the kind from {_label(ClaimKind, previous.kind)} "
                    f"to {_label(ClaimKind, record.kind)}",
                )
            events.extend(Event(record.history_date, record.history_user, t) for t in texts)
            if (previous.start, previous.end) != (record.start, record.end):
                events.append(
                    Event(
                        record.history_date,
                        record.history_user,
                        "changed the passage",
                        note=record.quote if len(record.quote) <= 120 else record.quote[:119] + "…",
                    )
                )
        previous = record
    return events


def _rating_events(claim: Claim, *, verdicts: bool) -> list[Event]:
    events = []
    last: dict[int, Any] = {}
    records = (
        Rating.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for record in records[:HISTORY_LIMIT]:
        verdict = _label(Verdict, record.verdict)
        confidence = _label(Confidence, record.confidence).lower()
        before = last.get(record.id)
        if not verdicts:  # the others' ratings are hidden from the viewer: only that they rated
            text = {"+": "rated it", "-": "withdrew their rating"}.get(
                record.history_type, "changed their rating"
            )
        elif record.history_type == "+":
            text = f"rated it {verdict} ({confidence} confidence)"
        elif record.history_type == "-":
            text = "withdrew their rating"
        elif before is not None and before.verdict != record.verdict:
            text = f"changed their rating from {_label(Verdict, before.verdict)} to {verdict}"
        elif before is not None and before.confidence != record.confidence:
            text = f"changed their confidence to {confidence}"
        else:
            text = "edited their rationale"
        events.append(Event(record.history_date, record.history_user, text))
        last[record.id] = record
    return events


def _evidence_events(claim: Claim) -> list[Event]:
    verbs = {"+": "added evidence", "~": "edited evidence", "-": "removed evidence"}
    records = (
        Evidence.history.filter(claim_id=claim.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [
        Event(record.history_date, record.history_user, verbs[record.history_type])
        for record in records[:HISTORY_LIMIT]
        # Fetch results are written by workers without a user: not a reviewer's change.
        if record.history_type != "~" or record.history_user_id is not None
    ]


def _comment_events(claim: Claim) -> list[Event]:
    """Corrections of the discussion (the comments themselves are on the page)."""
    verbs = {"~": "edited a comment", "-": "deleted a comment"}
    records = (
        Comment.history.filter(claim_id=claim.pk, history_type__in=list(verbs))
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    return [
        Event(record.history_date, record.history_user, verbs[record.history_type])
        for record in records[:HISTORY_LIMIT]
    ]


def _transition_events(claim: Claim) -> list[Event]:
    events = []
    for move in transition_list(claim=claim)[:HISTORY_LIMIT]:
        text = (
            f"moved it from {_label(ClaimStatus, move.from_status)} "
            f"to {_label(ClaimStatus, move.to_status)}"
        )
        events.append(Event(move.created_at, move.user, text, move.note))
    return events


def claim_history(claim: Claim, *, verdicts: bool = True) -> list[Event]:
    """Newest first; without the ratings' verdicts unless ``verdicts``."""
    events = (
        _claim_events(claim)
        + _transition_events(claim)
        + _rating_events(claim, verdicts=verdicts)
        + _evidence_events(claim)
        + _comment_events(claim)
    )
    events.sort(key=lambda event: event.when, reverse=True)
    return events
