"""Each claim's best matches are stored by the job, both ways, and read in one query."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from claims.models import ArticleStatus, Claim, Verdict
from claims.policies import is_reviewer
from memory import index, services
from memory.embeddings import get_embedder
from memory.models import ClaimMatch, ClaimVector
from memory.selectors import article_checked_before, similar_claim_rows, stored_matches
from tests.factories import ArticleFactory, ClaimFactory
from tests.workflow import publish

ORIGINAL = "The unemployment rate fell to 4 percent last year."
PARAPHRASE = "Last year the jobless rate dropped to four percent."
OTHER_PARAPHRASE = "The unemployment rate dropped to 4 percent last year."
UNRELATED = "The museum opens a new exhibition on Roman coins in May."

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index() -> None:
    index.reset()


@pytest.fixture(scope="session")
def embedder() -> Any:
    return get_embedder()


def matched(claim: Claim) -> list[int]:
    return list(
        ClaimMatch.objects.filter(claim=claim).order_by("-score").values_list("other", flat=True)
    )


def test_the_job_stores_a_new_claims_matches_on_both_sides(embedder: Any) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    services.claim_vector_refresh(claim_id=old.pk)
    assert matched(old) == []

    new = ClaimFactory.create(summary=PARAPHRASE)
    ClaimFactory.create(summary=UNRELATED)
    assert services.claim_vector_refresh(claim_id=new.pk) is True

    assert matched(new) == [old.pk]
    assert matched(old) == [new.pk]  # the old claim's page shows the new one
    score = ClaimMatch.objects.get(claim=new).score
    assert ClaimMatch.objects.get(claim=old).score == pytest.approx(score)
    assert ClaimVector.objects.get(claim=new).matched_at is not None


def test_running_the_job_twice_changes_nothing(embedder: Any) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    new = ClaimFactory.create(summary=PARAPHRASE)
    services.claim_vector_refresh(claim_id=old.pk)
    services.claim_vector_refresh(claim_id=new.pk)
    before = sorted(ClaimMatch.objects.values_list("claim", "other", "score"))

    assert services.claim_vector_refresh(claim_id=new.pk) is False
    assert sorted(ClaimMatch.objects.values_list("claim", "other", "score")) == before


def test_a_changed_summary_drops_the_matches_it_no_longer_has(embedder: Any) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    new = ClaimFactory.create(summary=PARAPHRASE)
    services.claim_vector_refresh(claim_id=old.pk)
    services.claim_vector_refresh(claim_id=new.pk)

    Claim.objects.filter(pk=new.pk).update(summary=UNRELATED)
    services.claim_vector_refresh(claim_id=new.pk)

    assert matched(new) == []
    assert matched(old) == []


def test_a_claim_keeps_only_its_best_matches_when_others_arrive(
    embedder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "MAX_MATCHES", 1)
    old = ClaimFactory.create(summary=ORIGINAL)
    close = ClaimFactory.create(summary="The unemployment rate fell to 4 percent in 2025.")
    far = ClaimFactory.create(summary=PARAPHRASE)
    for claim in (old, close, far):
        services.claim_vector_refresh(claim_id=claim.pk)

    assert matched(old) == [close.pk]
    assert ClaimMatch.objects.filter(claim=old).count() == 1


def test_stored_matches_are_read_in_one_query(
    embedder: Any, reviewer: Any, django_assert_num_queries: Any
) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    new = ClaimFactory.create(summary=PARAPHRASE)
    ClaimFactory.create(summary=OTHER_PARAPHRASE)
    services.claim_vectors_update(Claim.objects.all(), embedder=embedder)
    services.claim_matches_rebuild()
    is_reviewer(reviewer)  # the roles are read once per user

    with django_assert_num_queries(1):
        found = stored_matches(old, user=reviewer)
    assert found is not None
    assert new.pk in [match.pk for match, _ in found]


def test_a_claim_without_a_vector_is_matched_on_the_fly(embedder: Any, reviewer: Any) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    services.claim_vectors_update([old], embedder=embedder)
    new = ClaimFactory.create(summary=PARAPHRASE)  # no vector yet: no job ran

    assert stored_matches(new, user=reviewer) is None
    assert [row.claim for row in similar_claim_rows(new, user=reviewer)] == [old]


def test_reindex_stores_every_claims_matches(embedder: Any, capsys: Any) -> None:
    old = ClaimFactory.create(summary=ORIGINAL)
    new = ClaimFactory.create(summary=PARAPHRASE)

    call_command("reindex_claims")

    assert "2/2 claims matched" in capsys.readouterr().out
    assert matched(old) == [new.pk]
    assert matched(new) == [old.pk]
    call_command("reindex_claims")
    assert "Done: 0 vectors computed, 0 claims matched." in capsys.readouterr().out


def test_the_reader_gets_each_claims_best_match_in_one_query(
    embedder: Any, reviewer: Any, editor: Any, django_assert_num_queries: Any
) -> None:
    article = ArticleFactory.create()
    mine = ClaimFactory.create(article=article, summary=ORIGINAL)
    alone = ClaimFactory.create(article=article, summary=UNRELATED)
    checked = ClaimFactory.create(
        summary=PARAPHRASE, article=ArticleFactory.create(status=ArticleStatus.PUBLISHED)
    )
    publish(checked, editor, Verdict.FALSE)
    ClaimFactory.create(summary=OTHER_PARAPHRASE)
    call_command("reindex_claims")

    with django_assert_num_queries(1):
        found = article_checked_before(article, user=editor)

    assert alone.pk not in found
    assert found[mine.pk].matches == 2
    assert found[mine.pk].best.article_title != checked.article.title  # the closer one
    assert found[mine.pk].verdict == Verdict.FALSE
    verdict_of = found[mine.pk].verdict_of
    assert verdict_of is not None
    assert verdict_of.article_title == checked.article.title
