"""Time to embed and index many claims, and to find the claims similar to a new one.

    .venv/bin/python bench/similar_bench.py [--claims 100000] [--queries 200]

Seeds a throw-away database (a SQLite file in a temp directory, or DATABASE_URL's,
which should be an empty database)
with ``--claims`` claims in bulk, 10 per article, each a sentence built from a few
hundred words; computes their vectors in batches (``memory.services``) and stores
them with ``bulk_create``; loads the in-process index; then times
``memory.selectors.similar_claims`` for ``--queries`` new claims (their vectors are
computed on the fly, as for a claim that was just created), as a reviewer; and times
the API's claims list with ``?search=`` (full-text search, first page, best first) for
``--queries`` queries of one to three words, a phrase or a negation.

Goals: embed + index <= 60 s, p50 <= 50 ms, p95 <= 150 ms (both for similar/ and for
search), peak RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BATCH = 4096
GOALS = {
    "embed_index_s": 60.0,
    "p50_ms": 50.0,
    "p95_ms": 150.0,
    "search_p50_ms": 50.0,
    "search_p95_ms": 150.0,
    "rss_mb": 400.0,
}
SUBJECTS = (
    "The unemployment rate, Inflation, The city's budget, Crime, Rainfall, The minister's salary, "
    "Hospital waiting time, The number of teachers, Rent, Petrol prices, Bus ridership, "
    "Tree cover, Tax revenue, The school dropout rate, Electricity use, Tourism, Exports, "
    "Air pollution, The prison population, Broadband coverage, Vaccination coverage"
).split(", ")
MOVES = ("rose", "fell", "doubled", "halved", "stayed flat", "hit a record", "dropped sharply")
WHEN = ("last year", "since 2010", "in 2023", "over the decade", "this spring", "under this mayor")
WHERE = ("in the north", "nationwide", "in the capital", "in rural areas", "in the region", "")
SAYS = ("the report says", "the minister said", "according to the agency", "officials claim", "")


def sentence(rng: random.Random) -> str:
    amount = f"by {rng.randint(2, 95)} percent" if rng.random() < 0.7 else ""
    parts = [rng.choice(SUBJECTS), rng.choice(MOVES), amount, rng.choice(WHERE), rng.choice(WHEN)]
    text = " ".join(p for p in parts if p)
    says = rng.choice(SAYS)
    return f"{text}, {says}." if says else f"{text}."


def rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--serve", type=float, help=argparse.SUPPRESS)  # the second process
    options = parser.parse_args()
    if options.serve is None:
        os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="similar-bench-"))
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the Dockerfile sets it
    os.environ.setdefault("API_THROTTLE_USER", "1000000/s")  # one client, many requests
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models.signals import post_save

    from accounts.models import User
    from accounts.roles import ensure_roles
    from claims.models import Article, ArticleFormat, Claim
    from memory import signals
    from memory.embeddings import get_embedder
    from memory.models import ClaimVector
    from memory.services import claim_text, to_bytes

    # The vectors are written here in bulk; the new claims' are computed when searched.
    post_save.disconnect(signals.claim_saved, sender=Claim, dispatch_uid="memory.claim_saved")
    if options.serve is not None:
        serve(options, embedding=options.serve)
        return
    call_command("migrate", verbosity=0)
    ensure_roles()
    ClaimVector.objects.all().delete()
    reviewer, _ = User.objects.get_or_create(username="similar-bench")
    reviewer.groups.set(reviewer.groups.model.objects.filter(name="reviewer"))

    rng = random.Random(7)
    started = time.perf_counter()
    articles = Article.objects.bulk_create(
        Article(
            title=f"Bench article {i}",
            source_format=ArticleFormat.TEXT,
            text="x",
            source_text="x",
            content_sha256=f"{i:064x}",
            language="en",
        )
        for i in range((options.claims + 9) // 10)
    )
    seeded = time.perf_counter() - started
    embedder = get_embedder()
    embedding = 0.0
    # Claims are written, embedded and their vectors stored a batch at a time.
    for start in range(0, options.claims, BATCH):
        began = time.perf_counter()
        batch = []
        for i in range(start, min(start + BATCH, options.claims)):
            text = sentence(rng)
            batch.append(
                Claim(
                    article=articles[i // 10],
                    number=i % 10 + 1,
                    start=i % 10,
                    end=i % 10 + len(text),
                    quote=text,
                )
            )
        with transaction.atomic():
            batch = Claim.objects.bulk_create(batch)
        middle = time.perf_counter()
        texts = [claim_text(c) for c in batch]
        vectors = embedder.embed(texts)
        ClaimVector.objects.bulk_create(
            ClaimVector(
                claim_id=c.pk, vector=to_bytes(v), text=t, text_sha256="0" * 64, model_name="bench"
            )
            for c, t, v in zip(batch, texts, vectors, strict=True)
        )
        seeded += middle - began
        embedding += time.perf_counter() - middle
    del batch, texts, vectors
    print(f"seeded {options.claims:,} claims in {seeded:.1f} s")
    print(f"embedded and stored in {embedding:.1f} s")
    print(f"peak RSS while seeding: {rss_mb():.0f} MB")
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load: without the statistics
        # the planner guesses one row per search and joins accordingly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # A fresh process, as a web worker is: its memory is the index's and the model's.
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--claims",
            str(options.claims),
            "--queries",
            str(options.queries),
            "--serve",
            str(embedding),
        ],
        check=True,
    )


def serve(options: argparse.Namespace, *, embedding: float) -> None:
    from django.db import connection

    from accounts.models import User
    from claims.models import Article, Claim
    from memory.embeddings import get_embedder
    from memory.index import get_index
    from memory.selectors import similar_claims

    get_embedder()
    reviewer = User.objects.get(username="similar-bench")
    articles = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:1000])
    began = time.perf_counter()
    get_index().refresh()  # type: ignore[attr-defined]
    loaded = time.perf_counter() - began
    embed_index = embedding + loaded
    print(f"index loaded in {loaded:.1f} s")
    rng = random.Random(11)
    timings = []
    for i in range(options.queries):
        text = sentence(rng)
        new = Claim.objects.create(
            article_id=articles[i % len(articles)],
            number=100 + i,
            start=100 + i,
            end=100 + i + len(text),
            quote=text,
        )
        began = time.perf_counter()
        found = similar_claims(new, user=reviewer)
        timings.append((time.perf_counter() - began) * 1000)
        assert len(found) <= 10
    p50, p95 = percentiles(timings)
    search_p50, search_p95, matched = time_search(options.queries, reviewer)
    list_p50 = time_list(reviewer)
    figures = {
        "embed_index_s": embed_index,
        "p50_ms": p50,
        "p95_ms": p95,
        "search_p50_ms": search_p50,
        "search_p95_ms": search_p95,
        "rss_mb": rss_mb(),
    }
    for name, value in figures.items():
        verdict = "ok" if value <= GOALS[name] else "OVER GOAL"
        print(f"{name:>14}: {value:9.1f}  (goal <= {GOALS[name]:g})  {verdict}")
    print(f"last query found {len(found)} matches; database: {connection.vendor}")
    print(f"searches matched {matched:,} claims in all (the first page of each was read)")
    print(f"the same list without a search, for comparison: p50 {list_p50:.1f} ms")


def percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)]


def search_query(rng: random.Random) -> str:
    """What a reviewer types: a word or two of a claim, a phrase, a negation, an or."""
    words = sentence(rng).rstrip(".").replace(",", "").split()
    start = rng.randrange(len(words))
    picked = " ".join(words[start : start + rng.randint(1, 3)])
    shape = rng.random()
    if shape < 0.2:
        return f'"{picked}"'
    if shape < 0.35:
        return f"{picked} -{rng.choice(MOVES).split()[0]}"
    if shape < 0.45:
        return f"{picked} or {rng.choice(SUBJECTS).split()[-1]}"
    return picked


def api_client(reviewer: Any) -> Any:
    from rest_framework.test import APIClient

    client = APIClient(SERVER_NAME="localhost")
    client.force_authenticate(reviewer)
    return client


def time_list(reviewer: Any, requests: int = 50) -> float:
    """``GET /api/v1/claims/`` (a page of 50) with no search: what a search adds to."""
    client = api_client(reviewer)
    timings = []
    for _ in range(requests):
        began = time.perf_counter()
        assert client.get("/api/v1/claims/", {"page_size": 50}).status_code == 200
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings)


def time_search(queries: int, reviewer: Any) -> tuple[float, float, int]:
    """Time ``GET /api/v1/claims/?search=...`` (a page of 50, best first), as a reviewer."""
    client = api_client(reviewer)
    rng = random.Random(13)
    client.get("/api/v1/claims/", {"search": "warm up"})
    timings, matched = [], 0
    for _ in range(queries):
        params = {"search": search_query(rng), "page_size": 50}
        began = time.perf_counter()
        response = client.get("/api/v1/claims/", params)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, response.content[:200]
        matched += response.json()["count"]
    p50, p95 = percentiles(timings)
    return p50, p95, matched


if __name__ == "__main__":
    main()
