"""Writes of the claims' vectors: one claim (the job), or many in batches (reindex)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from claims.models import Claim
from memory.embeddings import Embedder, get_embedder, text_sha256
from memory.models import ClaimVector

BATCH_SIZE = 256


def claim_text(claim: Claim) -> str:
    """What a claim says: its summary if it has one, else its quote."""
    return (claim.summary or "").strip() or claim.quote.strip()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def claim_vectors_update(
    claims: Iterable[Claim], *, embedder: Embedder | None = None, force: bool = False
) -> int:
    """Store the vector of each claim whose text changed (all of them if ``force``);
    returns how many were computed. Safe to run twice: an unchanged text is skipped."""
    claims = list(claims)
    if not claims:
        return 0
    stored = {
        claim_id: sha
        for claim_id, sha in ClaimVector.objects.filter(claim__in=claims).values_list(
            "claim_id", "text_sha256"
        )
    }
    embedder = embedder or get_embedder()
    todo = []
    for claim in claims:
        text = claim_text(claim)
        sha = text_sha256(text)
        if force or stored.get(claim.pk) != sha:
            todo.append((claim, text, sha))
    if not todo:
        return 0
    vectors = embedder.embed([text for _, text, _ in todo])
    rows = [
        ClaimVector(
            claim=claim,
            vector=to_bytes(vector),
            text=text,
            text_sha256=sha,
            model_name=embedder.name,
        )
        for (claim, text, sha), vector in zip(todo, vectors, strict=True)
    ]
    # One statement for the batch, inserts and updates alike.
    ClaimVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=["vector", "text", "text_sha256", "model_name", "updated_at"],
    )
    return len(rows)


def claim_vector_refresh(*, claim_id: int) -> bool:
    """The job's work: compute one claim's vector if its text changed. False if the
    claim is gone or its vector is current."""
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return False
    return claim_vectors_update([claim]) == 1


def claim_vectors_rebuild(
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int, int], None] | None = None,
) -> int:
    """Every claim's vector, in batches; ``progress(done, total, computed)`` after each."""
    total = Claim.objects.count()
    done = computed = 0
    ids = list(Claim.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        batch = Claim.objects.filter(pk__in=ids[start : start + batch_size]).only(
            "pk", "summary", "quote"
        )
        computed += claim_vectors_update(batch, force=force)
        done += len(ids[start : start + batch_size])
        if progress:
            progress(done, total, computed)
    return computed
