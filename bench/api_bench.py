"""Requests per second of the claims list against a bare Django view sending the same bytes.

    .venv/bin/python bench/api_bench.py [--claims 120] [--ratings 5] [--duration 5] [--rounds 3]

Seeds a throw-away database (a SQLite file in a temp directory; with DATABASE_URL set to
PostgreSQL, a database ``<name>_apibench`` next to it, dropped at the end), serves the app
with gunicorn on 127.0.0.1 and loads, in the same run and on the same server,

- ``GET /api/v1/claims/?page_size=100``: 100 claims, each with its ratings summary
  (``--ratings`` reviewers rated each), as a reviewer authenticated with a Token header;
- ``GET /bench/bare/``: a plain Django view returning the bytes of that very response
  from memory (``bench/bare_urls.py``, served only here), with the same header;
- the same claims page with ``If-None-Match`` set to its ETag, as a client that polls
  sends it: a 304 with no body.

All go through the same gunicorn (``--workers`` sync workers, as in production) and the
same middleware. The claims list is built for every request (authentication, rate
limiting, its queries and rendering); so is the 304, whose ETag is a hash of the body,
so it saves the transfer and the client's work, not the server's.
``CACHE_URL=redis://...`` measures with the shared Redis cache of a production
deployment (rate limits then cost round trips to Redis).

Load comes from ``wrk`` when it is installed (``apt-get install wrk``), else from a
Python client with one keep-alive connection per thread. Each round measures both; the
figures are the medians over the rounds. Goal: API / bare >= 0.5.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import throwaway_database  # noqa: E402
from bench.serving import free_port, gunicorn, wait_until_up  # noqa: E402

CLAIMS_PAGE = "/api/v1/claims/?page_size=100"
BARE = "/bench/bare/"
GOAL = 0.5


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float


# --- Database --------------------------------------------------------------------


def seed(*, claims: int, ratings: int) -> str:
    """One article with ``claims`` claims, each rated by ``ratings`` reviewers and citing
    two sources; returns the token of the first reviewer."""
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from accounts.roles import ensure_roles
    from claims.models import Verdict
    from claims.services.articles import article_import
    from claims.services.claims import claim_create
    from editorial.services.ratings import rating_submit

    ensure_roles()
    reviewer_group = Group.objects.get(name=Role.REVIEWER)
    reviewers = []
    for number in range(max(ratings, 1)):
        user = User.objects.create_user(f"bench-reviewer-{number}")
        user.groups.add(reviewer_group)
        reviewers.append(user)

    paragraphs = [
        f"Item {n:05d} cost {1000 + 37 * n} pounds, the [council](https://council.example.org/"
        f"budget/{n}) says."
        for n in range(claims)
    ]
    article = article_import(
        content="# The budget, line by line\n\n" + "\n\n".join(paragraphs),
        source_format="markdown",
        imported_by=reviewers[0],
    )
    sources = list(article.sources.order_by("position"))
    verdicts = list(Verdict.values)
    for n in range(claims):
        claim = claim_create(
            article=article,
            created_by=reviewers[n % len(reviewers)],
            quote=f"Item {n:05d} cost {1000 + 37 * n} pounds",
            sources=[sources[n], sources[(n + 1) % len(sources)]],
        )
        for index, reviewer in enumerate(reviewers[:ratings]):
            rating_submit(
                claim=claim,
                reviewer=reviewer,
                verdict=verdicts[(n + index) % len(verdicts)],
                rationale=f"Checked against the council's budget line {n}.",
            )
    return Token.objects.create(user=reviewers[0]).key


# --- Server ------------------------------------------------------------------------


# --- Load ------------------------------------------------------------------------


def wrk_load(url: str, headers: dict[str, str], *, seconds: float, connections: int) -> Load:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in output:
        raise SystemExit(f"{url} answered with errors under load:\n{output}")

    def latency(percent: int) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if found is None:
            raise SystemExit(f"Could not read the {percent}% latency from wrk:\n{output}")
        return float(found[1]) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found[2]]

    rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
    if rate is None:
        raise SystemExit(f"Could not read requests/sec from wrk:\n{output}")
    return Load(float(rate[1]), latency(50), latency(90), latency(99))


def python_load(url: str, headers: dict[str, str], *, seconds: float, connections: int) -> Load:
    """Threads, each with one keep-alive connection, requesting ``url`` back to back
    (a 200, or a 304 when ``headers`` ask for one)."""
    expected = 304 if "If-None-Match" in headers else 200
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        mine: list[float] = []
        with httpx.Client(headers=headers, timeout=30) as session:
            while (started := time.perf_counter()) < deadline:
                response = session.get(url)
                mine.append(time.perf_counter() - started)
                if response.status_code != expected:
                    failures.append(response.status_code)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{url} answered {sorted(set(failures))} under load")
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies) / elapsed, cuts[49] * 1000, cuts[89] * 1000, cuts[98] * 1000)


def median_load(loads: list[Load]) -> Load:
    return Load(
        statistics.median(load.requests_per_second for load in loads),
        statistics.median(load.p50_ms for load in loads),
        statistics.median(load.p90_ms for load in loads),
        statistics.median(load.p99_ms for load in loads),
    )


# --- Main ------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=120, help="claims to seed (>= 100)")
    parser.add_argument("--ratings", type=int, default=5, help="ratings per claim")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--duration", type=float, default=5, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each target")
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="factcheck-apibench-"))
    try:
        with throwaway_database(workdir, suffix="apibench") as database_url:
            run(args, workdir, database_url)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> None:
    body_file = workdir / "claims.json"
    env = {
        **os.environ,
        "DATA_DIR": str(workdir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
        # One client sends thousands of requests a second: throttled, it would measure 429s.
        "API_THROTTLE_USER": "1000000/s",
        "API_BENCH_BODY": str(body_file),
        "PYTHONPATH": os.pathsep.join([str(workdir), str(REPO)]),
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    token = seed(claims=args.claims, ratings=args.ratings)
    vendor = connection.vendor
    connections.close_all()
    print(
        f"seeded {args.claims} claims x {args.ratings} ratings on {vendor} "
        f"in {time.perf_counter() - started:.1f} s"
    )

    # Same settings as the app, but with the bench's URLs (the app's plus the bare view).
    (workdir / "apibench_settings.py").write_text(
        'from factcheck.settings import *  # noqa: F403\n\nROOT_URLCONF = "bench.bare_urls"\n'
    )
    env["DJANGO_SETTINGS_MODULE"] = "apibench_settings"
    headers = {"Authorization": f"Token {token}"}
    load: Callable[..., Load] = wrk_load
    if args.python_client or shutil.which("wrk") is None:
        load = python_load
    with gunicorn(env, port=free_port(), workers=args.workers) as server:
        base = server.url
        wait_until_up(base + CLAIMS_PAGE, headers=headers, up=lambda status: status == 200)
        page = httpx.get(base + CLAIMS_PAGE, headers=headers, timeout=30)
        results = page.json()["results"]
        per_claim = statistics.mean(sum(c["ratings_summary"].values()) for c in results)
        body_file.write_bytes(page.content)
        bare = httpx.get(base + BARE, headers=headers, timeout=30)
        if bare.content != page.content:
            raise SystemExit("The bare view does not send the same bytes as the API.")
        print(
            f"claims page: {len(results)} claims, {per_claim:.1f} ratings each, "
            f"{len(page.content):,} bytes; cache: {os.environ.get('CACHE_URL') or 'memory'}; "
            f"gunicorn: {args.workers} sync workers; "
            f"load: {'wrk' if load is wrk_load else 'python'}, {args.connections} connections, "
            f"{args.rounds} x {args.duration:g} s per target"
        )
        revalidate = {**headers, "If-None-Match": page.headers["ETag"]}
        if httpx.get(base + CLAIMS_PAGE, headers=revalidate, timeout=30).status_code != 304:
            raise SystemExit("The claims page's ETag does not get a 304.")
        targets = {
            "bare Django view": (base + BARE, headers),
            "claims list (API)": (base + CLAIMS_PAGE, headers),
            "claims list, 304": (base + CLAIMS_PAGE, revalidate),
        }
        for url, sent in targets.values():  # warm up: imports, connections, caches
            load(url, sent, seconds=1, connections=args.connections)
        measured: dict[str, list[Load]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (url, sent) in targets.items():
                measured[name].append(
                    load(url, sent, seconds=args.duration, connections=args.connections)
                )

    print(f"\n{'':<20} {'req/s':>9} {'p50 ms':>9} {'p90 ms':>9} {'p99 ms':>9}")
    results_by_name = {name: median_load(loads) for name, loads in measured.items()}
    for name, result in results_by_name.items():
        print(
            f"{name:<20} {result.requests_per_second:9.1f} {result.p50_ms:9.2f} "
            f"{result.p90_ms:9.2f} {result.p99_ms:9.2f}"
        )
    bare_rate, api_rate, _ = (r.requests_per_second for r in results_by_name.values())
    ratio = api_rate / bare_rate
    verdict = "ok" if ratio >= GOAL else "BELOW GOAL"
    print(f"\nratio API / bare: {ratio:.2f} (goal >= {GOAL}): {verdict}")


if __name__ == "__main__":
    main()
