"""Median time to render the article reader for a large, well-reviewed article.

    .venv/bin/python bench/page_bench.py [--runs N] [--claims N] [--evidence N] [--ratings N]
        [--matches N]

The article has 300 claims (a tenth overlapping others), 1,000 evidence items, 3,000
ratings and 60 cited sources, and each claim 10 stored matches in another article
(checked before; tests/bigarticle.py). Each run is one GET of the page
by a signed-in reviewer through Django's test client: URL routing, middleware, every
SQL query and the template. Prints the median and the number of SQL queries.

Runs against DATABASE_URL when set (PostgreSQL, say; the rows it creates are deleted
at the end), otherwise against a throw-away SQLite file. Goal: median <= 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GOAL_SECONDS = 0.100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--evidence", type=int, default=1000)
    parser.add_argument("--ratings", type=int, default=3000)
    parser.add_argument(
        "--matches", type=int, default=10, help="stored matches (checked before) per claim"
    )
    args = parser.parse_args()

    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="factcheck-bench-"))
    os.environ.setdefault("SECRET_KEY", "page-bench-only-not-secret")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client

    from accounts.models import User
    from claims.models import Article
    from tests.bigarticle import build_big_article

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the test client's host
    # Keep one connection across requests, as a server with CONN_MAX_AGE does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    before = set(User.objects.values_list("pk", flat=True))
    articles_before = set(Article.objects.values_list("pk", flat=True))
    article = build_big_article(
        claims=args.claims,
        evidence=args.evidence,
        ratings=args.ratings,
        sources=60,
        matches=args.matches,
    )
    reviewer = article.imported_by
    assert reviewer is not None
    client = Client()
    client.force_login(reviewer)
    url = f"/articles/{article.pk}/"
    try:
        response = client.get(url)  # warm up: templates compiled, connection open
        assert response.status_code == 200, response.status_code
        queries: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
        median = statistics.median(timings)
        verdict = "ok" if median <= GOAL_SECONDS else "OVER GOAL"
        size = len(response.content) / 1024
        print(
            f"database: {connection.vendor}; article reader with {args.claims} claims, "
            f"{args.evidence} evidence, {args.ratings} ratings, {args.matches} matches "
            f"each; {args.runs} runs"
        )
        print(
            f"median {median * 1000:.1f} ms (min {min(timings) * 1000:.1f}, "
            f"max {max(timings) * 1000:.1f}); {len(queries)} SQL queries; "
            f"{size:.0f} KiB; goal <= {GOAL_SECONDS * 1000:.0f} ms: {verdict}"
        )
    finally:
        Article.objects.exclude(pk__in=articles_before).delete()
        User.objects.exclude(pk__in=before).delete()


if __name__ == "__main__":
    main()
