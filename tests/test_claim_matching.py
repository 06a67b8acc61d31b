"""Claims checked before: a claim finds the claims of other articles that say the same."""

from __future__ import annotations

from typing import Any

import kombu.exceptions
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from claims.models import ArticleStatus, Claim, Verdict
from claims.services.claimants import claim_describe
from memory import index, lexical, services, tasks
from memory.embeddings import get_embedder, text_sha256
from memory.models import ClaimVector
from memory.selectors import similar_claims
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

ORIGINAL = "The unemployment rate fell to 4 percent last year."
PARAPHRASE = "Last year the jobless rate dropped to four percent."
UNRELATED = "The museum opens a new exhibition on Roman coins in May."


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    """The index mirrors a database that each test rolls back."""
    index.reset()


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The real model, loaded once for the whole run (offline: it ships in the wheel)."""
    return get_embedder()


def claim(summary: str, **kwargs: Any) -> Claim:
    return ClaimFactory.create(summary=summary, **kwargs)


def public_claim(summary: str, editor: Any, verdict: str = Verdict.FALSE) -> Claim:
    found = claim(summary, article=ArticleFactory.create(status=ArticleStatus.PUBLISHED))
    publish(found, editor, verdict)
    found.refresh_from_db()
    return found


def index_all(embedder: Any) -> None:
    services.claim_vectors_update(Claim.objects.all(), embedder=embedder)


# --- Matching ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_claim_finds_its_paraphrase_in_another_article_and_not_an_unrelated_one(
    embedder: Any, reviewer: Any
) -> None:
    original = claim(ORIGINAL)
    paraphrase = claim(PARAPHRASE)
    claim(UNRELATED)
    index_all(embedder)

    found = similar_claims(original, user=reviewer)

    assert [match for match, _ in found] == [paraphrase]
    assert 0.55 <= found[0][1] <= 1.0


@pytest.mark.django_db
def test_claims_of_the_same_article_are_not_matches(embedder: Any, reviewer: Any) -> None:
    original = claim(ORIGINAL)
    claim(PARAPHRASE, article=original.article)
    index_all(embedder)

    assert similar_claims(original, user=reviewer) == []


@pytest.mark.django_db
def test_the_vector_of_a_claim_not_indexed_yet_is_computed_on_the_fly(
    embedder: Any, reviewer: Any
) -> None:
    paraphrase = claim(PARAPHRASE)
    index_all(embedder)
    original = claim(ORIGINAL)  # no vector

    assert [match for match, _ in similar_claims(original, user=reviewer)] == [paraphrase]
    assert not ClaimVector.objects.filter(claim=original).exists()  # a read writes nothing


@pytest.mark.django_db
def test_published_fact_checks_come_first_among_equal_scores(
    embedder: Any, reviewer: Any, editor: Any
) -> None:
    original = claim(ORIGINAL)
    unpublished = claim(PARAPHRASE)
    published = public_claim(PARAPHRASE, editor)
    index_all(embedder)

    found = similar_claims(original, user=reviewer)

    assert [match for match, _ in found] == [published, unpublished]


@pytest.mark.django_db
def test_readers_without_a_role_match_only_public_claims(
    embedder: Any, editor: Any, outsider: Any
) -> None:
    original = public_claim(ORIGINAL, editor)
    claim(PARAPHRASE)  # under review: not theirs to see
    index_all(embedder)

    assert similar_claims(original, user=outsider) == []
    assert similar_claims(original) == []  # anonymous


def test_the_trigram_fallback_scores_like_pg_trgm() -> None:
    assert lexical.similarity("word", "word") == 1.0
    assert lexical.similarity("", "word") == 0.0
    # pg_trgm: SELECT similarity('cat', 'cats') = 0.5 (4 of 8 trigrams are shared)
    assert lexical.similarity("cat", "cats") == pytest.approx(0.5)


@pytest.mark.django_db
def test_trigram_similarity_is_pg_trgm_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [ORIGINAL, PARAPHRASE])
        (expected,) = cursor.fetchone()
    assert lexical.similarity(ORIGINAL, PARAPHRASE) == pytest.approx(expected, abs=1e-6)


# --- Keeping vectors current --------------------------------------------------------------


@pytest.mark.django_db
def test_the_job_computes_a_vector_once_per_text(embedder: Any, editor: Any) -> None:
    found = claim(ORIGINAL)

    assert tasks.compute_claim_vector.apply(args=[found.pk]).get() is True
    assert tasks.compute_claim_vector.apply(args=[found.pk]).get() is False

    vector = ClaimVector.objects.get(claim=found)
    assert vector.text == ORIGINAL
    assert vector.text_sha256 == text_sha256(ORIGINAL)
    assert vector.model_name == embedder.name
    assert vector.as_array().shape == (256,)
    assert np.linalg.norm(vector.as_array()) == pytest.approx(1.0, abs=1e-4)


@pytest.mark.django_db
def test_the_job_for_a_deleted_claim_does_nothing() -> None:
    assert tasks.compute_claim_vector.apply(args=[987654]).get() is False


@pytest.mark.django_db
def test_a_new_summary_queues_the_vector_after_commit(
    embedder: Any, editor: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    sent: list[int] = []
    monkeypatch.setattr(tasks.compute_claim_vector, "delay", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        found = claim(ORIGINAL)
    assert sent == [found.pk]

    with django_capture_on_commit_callbacks(execute=True):
        claim_describe(claim=found, user=editor, summary=PARAPHRASE)
    assert sent == [found.pk, found.pk]

    with django_capture_on_commit_callbacks(execute=True):
        claim_describe(claim=found, user=editor, claim_date=None, summary=PARAPHRASE)
    assert sent == [found.pk, found.pk]  # nothing changed: nothing queued


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_fail_the_write(
    editor: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any, caplog: Any
) -> None:
    def down(*args: Any) -> None:
        raise kombu.exceptions.OperationalError("connection refused")

    monkeypatch.setattr(tasks.compute_claim_vector, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        found = claim(ORIGINAL)

    assert Claim.objects.filter(pk=found.pk).exists()
    assert "not queued" in caplog.text


@pytest.mark.django_db
def test_reindex_computes_every_changed_vector_once(embedder: Any, capsys: Any) -> None:
    first, second = claim(ORIGINAL), claim(PARAPHRASE)

    call_command("reindex_claims")
    assert "2/2 claims, 2 vectors computed" in capsys.readouterr().out
    stored = dict(ClaimVector.objects.values_list("claim_id", "updated_at"))

    call_command("reindex_claims")
    assert "2/2 claims, 0 vectors computed" in capsys.readouterr().out
    assert dict(ClaimVector.objects.values_list("claim_id", "updated_at")) == stored

    Claim.objects.filter(pk=first.pk).update(summary=UNRELATED)
    call_command("reindex_claims", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "1/2 claims" in out
    assert "Done: 1 vectors computed, 1 claims matched." in out
    assert ClaimVector.objects.get(claim=first).text == UNRELATED
    assert ClaimVector.objects.get(claim=second).text == PARAPHRASE


@pytest.mark.django_db
def test_reindex_refuses_a_batch_size_below_one() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("reindex_claims", "--batch-size", "0")


# --- The in-process index ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_index_follows_new_changed_and_deleted_vectors(embedder: Any, monkeypatch: Any) -> None:
    nearest = index.NumpyVectorIndex()
    probe = embedder.embed([ORIGINAL])[0]

    def found() -> list[int]:
        return [pk for pk, _ in nearest.search(probe, exclude_article_id=None, limit=5)]

    first = claim(ORIGINAL)
    index_all(embedder)
    assert found() == [first.pk]

    second = claim(PARAPHRASE)
    index_all(embedder)
    assert found() == [first.pk, second.pk]  # read alone, without a reload

    claim_describe(claim=first, user=first.created_by, summary=UNRELATED)
    index_all(embedder)
    assert found() == [second.pk, first.pk]

    monkeypatch.setattr(index, "RECOUNT_SECONDS", 0.0)
    second.delete()
    assert found() == [first.pk]
