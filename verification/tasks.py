from __future__ import annotations

from celery import shared_task

from verification import services


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_claim(claim_id: int) -> int:
    return len(services.verify_claim(claim_id=claim_id))


@shared_task(acks_late=True, reject_on_worker_lost=True)
def verify_evidence(evidence_id: int) -> bool:
    return services.verify_evidence(evidence_id=evidence_id) is not None
