"""A large reviewed article for query-count tests and the page benchmark.

Rows are bulk-created (it is fixture data, not behaviour under test): an article
of ``claims`` sentences, each a claim (a tenth of them with a second, overlapping
claim inside), ``sources`` cited links, ``evidence`` items and ``ratings`` ratings
spread over the claims, and a consensus for most claims. With ``matches``, each claim
has that many stored matches ("checked before") among the claims of a second article,
a third of them published.
"""

from __future__ import annotations

import itertools
import random
from typing import Any

from claims.models import (
    Article,
    ArticleFormat,
    ArticleStatus,
    Claim,
    ClaimKind,
    ClaimStatus,
    Evidence,
    Rating,
    Source,
    SourceStatus,
    Stance,
    Verdict,
)
from claims.pipeline.article_store import content_sha256
from editorial.models import ClaimConsensus, ConsensusState, Publication
from memory.models import ClaimMatch
from tests.factories import UserFactory

WORDS = (
    "the council report found that spending on parks rose while the number of trees "
    "planted fell short of what officials promised in their annual statement"
).split()


def build_big_article(
    *,
    claims: int = 300,
    evidence: int = 1000,
    ratings: int = 3000,
    sources: int = 60,
    matches: int = 0,
) -> Article:
    rng = random.Random(6)
    sentences = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 24))).capitalize() + f" {n}."
        for n in range(claims)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    text = "\n\n".join(paragraphs)
    reviewers_needed = max(1, -(-ratings // max(claims, 1)))
    reviewers = [UserFactory.create(roles=["reviewer"]) for _ in range(reviewers_needed)]
    article = Article.objects.create(
        title="A very long investigation",
        source_format=ArticleFormat.TEXT,
        source_text=text,
        text=text,
        content_sha256=content_sha256(text),
        imported_by=reviewers[0],
    )

    spans, position = [], 0
    for sentence in sentences:
        start = text.index(sentence, position)
        spans.append((start, start + len(sentence)))
        position = start + len(sentence)
    claim_rows = [
        Claim(
            article=article,
            quote=text[start:end],
            start=start,
            end=end,
            kind=ClaimKind.FACTUAL,
            created_by=reviewers[0],
        )
        for start, end in spans[: claims - claims // 10]
    ]
    for start, end in spans[: claims // 10]:  # overlapping claims inside the first ones
        claim_rows.append(
            Claim(
                article=article,
                quote=text[start + 4 : end - 4],
                start=start + 4,
                end=end - 4,
                kind=ClaimKind.QUOTE,
                created_by=reviewers[0],
            )
        )
    for number, claim in enumerate(claim_rows, start=1):
        claim.number = number
    claim_rows = Claim.objects.bulk_create(claim_rows)
    Article.objects.filter(pk=article.pk).update(last_claim_number=len(claim_rows))

    source_rows = []
    for index in range(sources):
        start, _ = spans[(index * len(spans)) // max(sources, 1)]
        source_rows.append(
            Source(
                article=article,
                position=index + 1,
                anchor_text=text[start : start + 10],
                href=f"https://source{index}.example.org/",
                url=f"https://source{index}.example.org/",
                start=start,
                end=start + 10,
                status=SourceStatus.OK if index % 3 else SourceStatus.PENDING,
            )
        )
    Source.objects.bulk_create(source_rows)

    cycle = itertools.cycle(claim_rows)
    Evidence.objects.bulk_create(
        Evidence(
            claim=next(cycle),
            author=reviewers[0],
            url=f"https://evidence.example.org/{n}",
            stance=Stance.SUPPORTS,
            status=SourceStatus.PENDING,
        )
        for n in range(evidence)
    )
    verdicts = list(Verdict.values)
    pairs = itertools.islice(itertools.product(reviewers, claim_rows), ratings)
    Rating.objects.bulk_create(
        Rating(claim=claim, reviewer=reviewer, verdict=rng.choice(verdicts), rationale="Checked.")
        for reviewer, claim in pairs
    )
    ClaimConsensus.objects.bulk_create(
        ClaimConsensus(
            claim=claim,
            state=ConsensusState.CONSENSUS,
            verdict=verdicts[index % 5],
            agreement=0.8,
            ratings_count=10,
        )
        for index, claim in enumerate(claim_rows[: claims * 2 // 3])
    )
    if matches:
        _checked_elsewhere(claim_rows, matches, reviewers[0])
    return article


def _checked_elsewhere(claims: list[Claim], matches: int, editor: Any) -> None:
    """A second article whose claims are each claim's stored matches."""
    sentences = [f"An earlier claim number {n}." for n in range(matches)]
    text = " ".join(sentences)
    starts = list(itertools.accumulate((len(sentence) + 1 for sentence in sentences), initial=0))
    other = Article.objects.create(
        title="An earlier article",
        source_format=ArticleFormat.TEXT,
        source_text=text,
        text=text,
        content_sha256=content_sha256(text),
        status=ArticleStatus.PUBLISHED,
        imported_by=editor,
        last_claim_number=matches,
    )
    earlier = Claim.objects.bulk_create(
        Claim(
            article=other,
            number=n + 1,
            quote=sentences[n],
            start=starts[n],
            end=starts[n] + len(sentences[n]),
            status=ClaimStatus.PUBLISHED if n % 3 == 0 else ClaimStatus.OPEN,
            created_by=editor,
        )
        for n in range(matches)
    )
    Publication.objects.bulk_create(
        Publication(
            claim=claim,
            verdict=Verdict.FALSE,
            rationale="Checked.",
            consensus_state=ConsensusState.CONSENSUS,
            published_by=editor,
        )
        for claim in earlier
        if claim.status == ClaimStatus.PUBLISHED
    )
    ClaimMatch.objects.bulk_create(
        ClaimMatch(claim=claim, other=match, score=0.9 - 0.01 * n)
        for claim in claims
        for n, match in enumerate(earlier)
    )
