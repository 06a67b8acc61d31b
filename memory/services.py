"""Writes of the claims' vectors and matches: one claim (the job), or many (reindex)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim
from memory.embeddings import Embedder, get_embedder, text_sha256
from memory.models import ClaimMatch, ClaimVector
from memory.scoring import MAX_MATCHES, claim_text, score_matches

BATCH_SIZE = 256

__all__ = [
    "BATCH_SIZE",
    "claim_matches_rebuild",
    "claim_matches_update",
    "claim_text",
    "claim_vector_refresh",
    "claim_vectors_rebuild",
    "claim_vectors_update",
    "to_bytes",
]


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def claim_vectors_update(
    claims: Iterable[Claim], *, embedder: Embedder | None = None, force: bool = False
) -> int:
    """Store the vector of each claim whose text changed (all of them if ``force``);
    returns how many were computed. Safe to run twice: an unchanged text is skipped.
    A new vector has no matches stored yet (``claim_matches_update``)."""
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
            matched_at=None,
        )
        for (claim, text, sha), vector in zip(todo, vectors, strict=True)
    ]
    # One statement for the batch, inserts and updates alike.
    ClaimVector.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["claim"],
        update_fields=["vector", "text", "text_sha256", "model_name", "updated_at", "matched_at"],
    )
    return len(rows)


def _candidates() -> Iterable[Claim]:
    return Claim.objects.select_related("publication").only(
        "pk", "article_id", "summary", "quote", "status", "publication__id"
    )


@transaction.atomic
def claim_matches_update(claim: Claim, vector: np.ndarray) -> int:
    """Store the claim's best matches (``vector`` is its stored one), and its place among
    theirs: a claim it matches keeps its own best ``MAX_MATCHES``, this one included if
    it is among them. Returns how many matches the claim has."""
    found = score_matches(claim, vector, _candidates(), MAX_MATCHES)  # type: ignore[arg-type]
    scores = {other.pk: score for other, score in found}
    ClaimMatch.objects.filter(claim=claim).delete()
    ClaimMatch.objects.filter(other=claim).exclude(claim_id__in=scores).delete()
    # A job for one of the others may store its side meanwhile: an upsert either way.
    ClaimMatch.objects.bulk_create(
        [ClaimMatch(claim=claim, other_id=pk, score=score) for pk, score in scores.items()],
        update_conflicts=True,
        unique_fields=["claim", "other"],
        update_fields=["score"],
    )
    theirs: dict[int, dict[int, float]] = defaultdict(dict)
    for claim_id, other_id, score in ClaimMatch.objects.filter(claim_id__in=scores).values_list(
        "claim_id", "other_id", "score"
    ):
        theirs[claim_id][other_id] = score
    keep, drop = [], Q()
    for pk, score in scores.items():
        rows = theirs[pk] | {claim.pk: score}
        best = sorted(rows, key=lambda other_id: (-rows[other_id], other_id))
        if claim.pk in best[:MAX_MATCHES]:
            keep.append(ClaimMatch(claim_id=pk, other_id=claim.pk, score=score))
        for other_id in best[MAX_MATCHES:]:
            drop |= Q(claim_id=pk, other_id=other_id)
    if drop:
        ClaimMatch.objects.filter(drop).delete()
    ClaimMatch.objects.bulk_create(
        keep, update_conflicts=True, unique_fields=["claim", "other"], update_fields=["score"]
    )
    ClaimVector.objects.filter(claim=claim).update(matched_at=timezone.now())
    return len(scores)


def claim_vector_refresh(*, claim_id: int) -> bool:
    """The job's work: compute one claim's vector if its text changed, then its matches
    (also when a vector is current but its matches were never stored). False if the
    claim is gone or its vector was current."""
    with transaction.atomic():
        claim = Claim.objects.filter(pk=claim_id).first()
        if claim is None:
            return False
        computed = claim_vectors_update([claim]) == 1
        stored = ClaimVector.objects.get(claim=claim)
        if computed or stored.matched_at is None:
            claim_matches_update(claim, stored.as_array())
    return computed


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


def claim_matches_rebuild(
    *,
    force: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The matches of every claim whose vector has none stored (all of them if
    ``force``), in batches; ``progress(done, total)`` after each. Returns how many."""
    vectors = ClaimVector.objects.all() if force else ClaimVector.objects.filter(matched_at=None)
    ids = list(vectors.order_by("claim_id").values_list("claim_id", flat=True))
    done = 0
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        stored = {row.claim_id: row for row in ClaimVector.objects.filter(claim_id__in=batch)}
        for claim in Claim.objects.filter(pk__in=batch).only(
            "pk", "article_id", "summary", "quote"
        ):
            claim_matches_update(claim, stored[claim.pk].as_array())
        done += len(batch)
        if progress:
            progress(done, len(ids))
    return done
