from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import ngettext

from claims import policies, stamps
from claims.history import save_as
from claims.models import Claim, Evidence, SourceStatus
from claims.tasks import enqueue_evidence_fetch, enqueue_evidence_verification
from claims.url_rules import full_clean_with_web_url
from texts.textnorm import clean_text


def evidence_create(
    *,
    claim: Claim,
    author: Any,
    stance: str,
    url: str = "",
    excerpt: str = "",
    note: str = "",
) -> Evidence:
    """Attach a URL and/or quoted excerpt that supports, refutes or adds context to a claim."""
    policies.check_create_evidence(author, claim)
    evidence = Evidence(
        claim=claim,
        author=policies.person(author),
        stance=stance,
        url=url.strip(),
        excerpt=clean_text(excerpt),
        note=clean_text(note),
    )
    evidence.status = SourceStatus.PENDING if evidence.url else SourceStatus.NEEDS_URL
    full_clean_with_web_url(evidence)
    save_as(evidence, author)
    _after_evidence_change(evidence, url_changed=bool(evidence.url))
    stamps.claim_changed(claim.pk)
    return evidence


def _after_evidence_change(evidence: Evidence, *, url_changed: bool) -> None:
    """A new URL is fetched (and its excerpt checked after); otherwise check again now."""
    if url_changed and evidence.url:
        enqueue_evidence_fetch(evidence.pk)
    else:
        enqueue_evidence_verification(evidence.pk)


_EVIDENCE_FIELDS = frozenset({"stance", "url", "excerpt", "note"})


@transaction.atomic
def evidence_update(*, evidence: Evidence, user: Any, **changes: str) -> Evidence:
    """Correct evidence; a changed URL is fetched afresh (earlier snapshots stay)."""
    policies.check_change_evidence(user, evidence)
    unknown = set(changes) - _EVIDENCE_FIELDS
    if unknown:
        raise ValidationError(
            f"Evidence has no {ngettext('field', 'fields', len(unknown))} {sorted(unknown)}.",
            code="unknown_field",
        )
    old_url = evidence.url
    for name, value in changes.items():
        setattr(evidence, name, value.strip() if name == "url" else clean_text(value))
    url_changed = evidence.url != old_url
    fields = list(changes)
    if url_changed:
        fields += evidence.restart_fetch()
    full_clean_with_web_url(evidence)
    # Only the fields corrected: a worker may be storing a fetch result meanwhile.
    save_as(evidence, user, update_fields=[*dict.fromkeys(fields), "updated_at"])
    _after_evidence_change(evidence, url_changed=url_changed)
    if url_changed and evidence.url:
        # Until the new page is in, the excerpt is not shown as checked against the old one.
        enqueue_evidence_verification(evidence.pk)
    stamps.claim_changed(evidence.claim_id)
    return evidence


def evidence_delete(*, evidence: Evidence, user: Any) -> None:
    """Delete evidence; its history keeps it, with who deleted it."""
    policies.check_delete_evidence(user, evidence)
    evidence._history_user = policies.person(user)  # type: ignore[attr-defined]
    claim_id = evidence.claim_id
    evidence.delete()
    stamps.claim_changed(claim_id)
