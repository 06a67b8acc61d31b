"""The desk's lists and pages at 1,000 and at 100,000 claims, on PostgreSQL.

    DATABASE_URL=postgres://... .venv/bin/python bench/scale_bench.py [--runs 7] [--keep] [--reuse]

Seeds a database ``<name>_bench`` next to DATABASE_URL's, in bulk (``bulk_create``), first
with 1,000 claims (one article of 300 claims with 1,000 evidence items and 3,000 ratings,
``tests/bigarticle.py``, and 100 articles of 7 claims), measures, then grows it to 10,001
articles, 100,000 claims, about 500,000 ratings, 200,000 evidence items and 300,000
sources (10 claims, 30 sources per article; 5 ratings and 2 evidence items per claim, a
third of them disputed), runs ``VACUUM ANALYZE`` (as autovacuum would after a bulk load)
and measures again. Each page is fetched through Django's test client in this process
(routing, middleware, every query, the template or the serializer), signed in as a
reviewer (the admin as a superuser): the SQL queries of one fetch, and the median of
``--runs`` fetches.

Pages: the API's claims list (first page; the deepest numbered page, ``?page=``, an OFFSET,
and the last page by ``?cursor=``, a keyset), the list
filtered by ``?consensus=disputed&article=``, the claims search (``/claims/?q=``), the
dashboard, the reader of the 300-claim article, its report (page and API), and the
admin's changelists of articles, claims, sources, evidence and ratings.

Goals: the same number of queries at both sizes, and at 100,000 claims at most twice the
time at 1,000. ``--keep`` keeps the database (``--reuse`` measures it again without
seeding: only the 100,000 figures).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import throwaway_database  # noqa: E402

GOAL_RATIO = 2.0
WORDS = (
    "council budget parks trees planted spending rose fell officials promised annual "
    "report housing rents schools teachers hospital waiting times police crime figures "
    "rail fares buses roads potholes river flooding homes jobs wages inflation taxes"
).split()
SEARCH_WORD = "potholes"


@dataclass
class Figure:
    queries: int
    p50_ms: float


# --- Seeding ---------------------------------------------------------------------


def seed_articles(
    *, articles: int, claims_each: int, sources_each: int, reviewers: list[Any], first: int
) -> int:
    """``articles`` articles of ``claims_each`` claims with their sources, ratings (5 a
    claim), evidence (2 a claim) and consensus; returns the number of claims made."""
    from claims.models import (
        Article,
        ArticleFormat,
        Claim,
        ClaimKind,
        Evidence,
        Rating,
        Source,
        SourceStatus,
        Stance,
        Verdict,
    )
    from claims.pipeline.article_store import content_sha256
    from editorial.models import ClaimConsensus, ConsensusState

    rng = random.Random(first)
    verdicts = list(Verdict.values)
    states = [ConsensusState.CONSENSUS, ConsensusState.DISPUTED, ConsensusState.NEEDS_RATINGS]
    made = 0
    chunk = 250
    for offset in range(0, articles, chunk):
        batch = []
        spans_of = []
        for n in range(first + offset, first + min(offset + chunk, articles)):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 18))).capitalize()
                + f" {n}-{k}."
                for k in range(claims_each)
            ]
            text = " ".join(sentences)
            spans, position = [], 0
            for sentence in sentences:
                start = text.index(sentence, position)
                spans.append((start, start + len(sentence)))
                position = start + len(sentence)
            spans_of.append(spans)
            batch.append(
                Article(
                    title=f"Article {n}: {' '.join(rng.choice(WORDS) for _ in range(5))}",
                    source_format=ArticleFormat.TEXT,
                    source_text=text,
                    text=text,
                    structure=[["p", 0, len(text)]],
                    content_sha256=content_sha256(text),
                    imported_by=reviewers[n % len(reviewers)],
                    last_claim_number=claims_each,
                )
            )
        batch = Article.objects.bulk_create(batch)
        sources, claims = [], []
        for article, spans in zip(batch, spans_of, strict=True):
            for position in range(sources_each):
                start, _ = spans[position % len(spans)]
                sources.append(
                    Source(
                        article=article,
                        position=position + 1,
                        anchor_text=article.text[start : start + 8],
                        href=f"https://s{position}.example.org/{article.pk}",
                        url=f"https://s{position}.example.org/{article.pk}",
                        start=start,
                        end=start + 8,
                        status=SourceStatus.OK if position % 4 else SourceStatus.FAILED,
                    )
                )
            for number, (start, end) in enumerate(spans, start=1):
                claims.append(
                    Claim(
                        article=article,
                        number=number,
                        quote=article.text[start:end],
                        start=start,
                        end=end,
                        kind=ClaimKind.FACTUAL,
                        created_by=reviewers[number % len(reviewers)],
                    )
                )
        Source.objects.bulk_create(sources, batch_size=5000)
        claims = Claim.objects.bulk_create(claims, batch_size=5000)
        Rating.objects.bulk_create(
            (
                Rating(
                    claim=claim,
                    reviewer=reviewers[(claim.pk + k) % len(reviewers)],
                    verdict=rng.choice(verdicts),
                    rationale="Checked.",
                )
                for claim in claims
                for k in range(5)
            ),
            batch_size=5000,
        )
        Evidence.objects.bulk_create(
            (
                Evidence(
                    claim=claim,
                    author=reviewers[0],
                    url=f"https://evidence.example.org/{claim.pk}/{k}",
                    stance=Stance.SUPPORTS if k else Stance.REFUTES,
                    status=SourceStatus.OK,
                )
                for claim in claims
                for k in range(2)
            ),
            batch_size=5000,
        )
        ClaimConsensus.objects.bulk_create(
            (
                ClaimConsensus(
                    claim=claim,
                    state=states[claim.pk % 3],
                    verdict=verdicts[claim.pk % 5] if claim.pk % 3 != 2 else "",
                    agreement=0.8 if claim.pk % 3 == 0 else 0.4,
                    ratings_count=5,
                )
                for claim in claims
            ),
            batch_size=5000,
        )
        made += len(claims)
    return made


# --- Measuring -------------------------------------------------------------------


SLOW_MS = 0.0  # --explain: queries slower than this get their plan printed


def explain(sql: str, params: Any) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    print("      " + sql[:300])
    for line in plan[:14]:
        print("        " + line)


def measure(fetch: Callable[[], Any], runs: int) -> Figure:
    from django.db import connection

    response = fetch()
    if response.status_code != 200:
        raise SystemExit(f"{response.status_code}: {response.content[:500]!r}")
    queries: list[str] = []

    slow: list[tuple[float, str, Any]] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = (time.perf_counter() - started) * 1000
            if SLOW_MS and took > SLOW_MS and sql.lstrip().upper().startswith("SELECT"):
                slow.append((took, sql, params))

    with connection.execute_wrapper(count):
        fetch()
    for took, sql, params in slow:
        print(f"    slow query, {took:.0f} ms:")
        explain(sql, params)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch()
        timings.append(time.perf_counter() - started)
    return Figure(len(queries), statistics.median(timings) * 1000)


def pages(big_article: int, token: str, reviewer: Any, admin: Any) -> dict[str, Callable[[], Any]]:
    from django.test import Client

    from claims.models import Claim
    from claims.paging import encode_cursor

    api = {"Authorization": f"Token {token}"}
    web, site = Client(), Client()
    web.force_login(reviewer)
    site.force_login(admin)
    from django.conf import settings

    total = Claim.objects.count()
    last_page = max(1, -(-total // 50))
    # Pages are numbered within the counted rows (LIST_COUNT_LIMIT); the keyset goes on.
    deepest_numbered = min(last_page, settings.LIST_COUNT_LIMIT // 50)
    # The row that starts the page ``?page=last_page`` starts: the keyset's same place.
    before = (
        Claim.objects.order_by("article_id", "start", "id").values_list(
            "article_id", "start", "id"
        )[(last_page - 1) * 50 - 1]
        if last_page > 1
        else None
    )
    cursor = encode_cursor(before) if before else ""
    return {
        "API claims, first page": lambda: web.get("/api/v1/claims/", headers=api),
        "API claims, deepest ?page=": lambda: web.get(
            f"/api/v1/claims/?page={deepest_numbered}", headers=api
        ),
        "API claims, ?cursor= (last page)": lambda: web.get(
            f"/api/v1/claims/?cursor={cursor}", headers=api
        ),
        "API ?consensus=disputed&article=": lambda: web.get(
            f"/api/v1/claims/?consensus=disputed&article={big_article}", headers=api
        ),
        "API ?consensus=disputed": lambda: web.get(
            "/api/v1/claims/?consensus=disputed", headers=api
        ),
        f"search /claims/?q={SEARCH_WORD}": lambda: web.get(f"/claims/?q={SEARCH_WORD}"),
        "claims page /claims/": lambda: web.get("/claims/"),
        "dashboard": lambda: web.get("/"),
        "reader (300 claims)": lambda: web.get(f"/articles/{big_article}/"),
        "report page": lambda: web.get(f"/articles/{big_article}/report/"),
        "report API": lambda: web.get(f"/api/v1/articles/{big_article}/report/", headers=api),
        "admin articles": lambda: site.get("/admin/claims/article/"),
        "admin claims": lambda: site.get("/admin/claims/claim/"),
        "admin sources": lambda: site.get("/admin/claims/source/"),
        "admin evidence": lambda: site.get("/admin/claims/evidence/"),
        "admin ratings": lambda: site.get("/admin/claims/rating/"),
    }


def measure_all(
    targets: dict[str, Callable[[], Any]], runs: int, only: str = ""
) -> dict[str, Figure]:
    figures = {}
    for name, fetch in targets.items():
        if only and only not in name:
            continue
        figures[name] = measure(fetch, runs)
        print(f"  {name:<36} {figures[name].queries:4d} queries {figures[name].p50_ms:9.1f} ms")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7, help="fetches per page")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    parser.add_argument(
        "--explain", type=float, default=0, metavar="MS", help="EXPLAIN queries slower than MS"
    )
    parser.add_argument("--only", default="", help="measure the pages whose name has this")
    parser.add_argument("--articles", type=int, default=9_900, help="articles added to grow")
    args = parser.parse_args()
    global SLOW_MS
    SLOW_MS = args.explain
    with throwaway_database(
        None, suffix="bench", keep=args.keep or args.reuse, reuse=args.reuse
    ) as url:
        run(args, url)


def run(args: argparse.Namespace, database_url: str) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DATA_DIR": tempfile.mkdtemp(prefix="factcheck-scalebench-"),
            "SECRET_KEY": "scale-bench-only-not-secret",
            "LOG_LEVEL": "ERROR",
            "CELERY_BROKER_URL": "memory://",
            "API_THROTTLE_USER": "1000000/s",
            "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        }
    )
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from claims.models import Article, Claim, Evidence, Rating, Source
    from tests.factories import UserFactory

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)

    def sizes() -> str:
        return (
            f"{Article.objects.count():,} articles, {Claim.objects.count():,} claims, "
            f"{Rating.objects.count():,} ratings, {Evidence.objects.count():,} evidence, "
            f"{Source.objects.count():,} sources"
        )

    def analyze() -> None:
        # What autovacuum leaves after a bulk load (PostgreSQL 13 and later vacuum tables
        # that only grow, too): the planner's statistics, and the visibility map without
        # which an index-only scan still reads every row it finds from the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    if args.reuse:
        big = Article.objects.get(title="A very long investigation")
        reviewers = list(User.objects.filter(username__startswith="scale-reviewer-"))
    else:
        from tests.bigarticle import build_big_article

        started = time.perf_counter()
        big = build_big_article(claims=300, evidence=1000, ratings=3000, sources=60)
        reviewers = [
            UserFactory.create(username=f"scale-reviewer-{n}", roles=["reviewer"])
            for n in range(20)
        ]
        seed_articles(articles=100, claims_each=7, sources_each=30, reviewers=reviewers, first=0)
        analyze()
        print(f"seeded {sizes()} in {time.perf_counter() - started:.0f} s")
    reviewer = reviewers[0]
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "scale-admin"
    )
    token = Token.objects.get_or_create(user=reviewer)[0].key
    results: dict[str, dict[str, Figure]] = {}
    if not args.reuse:
        print(f"at {Claim.objects.count():,} claims:")
        results["small"] = measure_all(pages(big.pk, token, reviewer, admin), args.runs, args.only)
        started = time.perf_counter()
        seed_articles(
            articles=args.articles,
            claims_each=10,
            sources_each=30,
            reviewers=reviewers,
            first=100,
        )
        analyze()
        print(f"grown to {sizes()} in {time.perf_counter() - started:.0f} s")
    print(f"at {Claim.objects.count():,} claims (load average {os.getloadavg()[0]:.1f}):")
    results["large"] = measure_all(pages(big.pk, token, reviewer, admin), args.runs, args.only)
    if "small" not in results:
        return
    print(
        f"\n{'page':<36} {'queries':>9} {'ms at 1k':>9} {'ms at 100k':>10} {'ratio':>6}  "
        f"goal: same queries, ratio <= {GOAL_RATIO:g}"
    )
    for name, small in results["small"].items():
        large = results["large"][name]
        ratio = large.p50_ms / small.p50_ms
        ok = large.queries == small.queries and ratio <= GOAL_RATIO
        print(
            f"{name:<36} {small.queries:4d}/{large.queries:<4d} {small.p50_ms:9.1f} "
            f"{large.p50_ms:10.1f} {ratio:6.2f}  {'ok' if ok else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
