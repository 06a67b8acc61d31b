"""A newsroom's desk under load: reviewers reading and writing one big article at once.

    .venv/bin/python bench/load_bench.py [--reviewers 20] [--duration 20] [--rounds 2]
        [--workers 2] [--worker-class sync] [--threads 1] [--embedded]

Seeds a throw-away database with one article of 300 claims, 1,000 evidence items and
3,000 ratings (``tests/bigarticle.py``) and ``--reviewers`` reviewers of its own, serves
the app with gunicorn on 127.0.0.1, and runs one closed loop per reviewer (one keep-alive
connection each, no pause), each going round

    reader page -> a claim page -> the claims list (API, 100) -> another claim page -> a write

so that one request in five writes: a rating (``PUT my-rating``, the reviewer's verdict of
a random claim, again and again), an evidence item with a URL (queued for fetching) or a
comment, in turn. Pages are signed in with a session cookie, the API with a token.

Where it runs: with DATABASE_URL set to PostgreSQL, a database ``<name>_bench`` next to
it (dropped at the end), with CELERY_BROKER_URL and CACHE_URL as given (Redis, say);
with ``--embedded`` (or no DATABASE_URL), the default a fresh clone runs on: a SQLite
file and the filesystem broker in a temp directory, per-process memory cache.

It prints, per endpoint and over all rounds, the requests, errors (any answer but the one
expected, or no answer), p50/p95/p99 latencies, and the total throughput; then the rate of
a bare Django view returning the reader's very bytes (``bench/bare_urls.py``) on the same
server in the same run (``wrk`` if installed, else the same Python client), and the ratio;
and the CPU time per request of the web workers, of this client and of the rest of the
machine (PostgreSQL, Redis), with the rate the server's share alone would allow.
Last, it proves nothing was lost: every write answered 2xx is in the database (a rating per
reviewer and claim, with the verdict sent last; each evidence item and comment by id), and
every claim's stored consensus counts its ratings.

Goals: 0 errors and nothing lost; p99 <= 250 ms; throughput >= 0.05 x the bare view;
writes p95 <= 100 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.cpu import children, cpu_seconds, machine_cpu  # noqa: E402
from bench.databases import throwaway_database  # noqa: E402
from bench.serving import free_port, gunicorn, wait_until_up  # noqa: E402

BARE = "/bench/bare/"
GOAL_P99_MS = 250.0
GOAL_WRITE_P95_MS = 100.0
GOAL_RATIO = 0.05
WRITES = ("rating", "evidence", "comment")


# --- Database --------------------------------------------------------------------


@dataclass
class Reviewer:
    user_id: int
    token: str
    session_cookie: str


def seed(
    *, reviewers: int, claims: int, evidence: int, ratings: int
) -> tuple[int, list[int], list[Reviewer]]:
    """The big article and ``reviewers`` signed-in reviewers: (article id, claim ids, reviewers)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from accounts.roles import ensure_roles
    from tests.bigarticle import build_big_article

    ensure_roles()
    article = build_big_article(claims=claims, evidence=evidence, ratings=ratings, sources=60)
    group = Group.objects.get(name=Role.REVIEWER)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    people = []
    for number in range(reviewers):
        user = User.objects.create_user(f"desk-reviewer-{number}")
        user.groups.add(group)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        token = Token.objects.create(user=user).key
        people.append(Reviewer(user.pk, token, session.session_key or ""))
    claim_ids = list(article.claims.order_by("id").values_list("pk", flat=True))
    return article.pk, claim_ids, people


# --- Server ------------------------------------------------------------------------


# --- Load ------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # What the database must hold afterwards.
    last_verdict: dict[tuple[int, int], str] = field(default_factory=dict)
    evidence_ids: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


def reviewer_loop(
    base: str,
    reviewer: Reviewer,
    claim_ids: list[int],
    article_id: int,
    deadline: float,
    seed_number: int,
    tally: Tally,
    lock: threading.Lock,
) -> None:
    from claims.models import Stance, Verdict

    rng = random.Random(seed_number)
    verdicts = list(Verdict.values)
    stances = list(Stance.values)
    mine = Tally()
    # Each reviewer starts the round of writes at another kind, so all three are measured.
    writes = itertools.islice(itertools.cycle(WRITES), seed_number % len(WRITES), None)
    api = {"Authorization": f"Token {reviewer.token}"}
    page = {"Cookie": f"sessionid={reviewer.session_cookie}"}

    def call(name: str, method: str, path: str, expected: tuple[int, ...], **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            response = session.request(method, base + path, **kwargs)
        except httpx.HTTPError as exc:
            mine.errors[name].append(type(exc).__name__)
            return None
        finally:
            mine.latencies[name].append(time.perf_counter() - started)
        if response.status_code not in expected:
            mine.errors[name].append(str(response.status_code))
            return None
        return response

    with httpx.Client(timeout=60) as session:
        while time.perf_counter() < deadline:
            call("reader", "GET", f"/articles/{article_id}/", (200,), headers=page)
            call("claim page", "GET", f"/claims/{rng.choice(claim_ids)}/", (200,), headers=page)
            call(
                "claims list (API)",
                "GET",
                f"/api/v1/claims/?article={article_id}&page_size=100",
                (200,),
                headers=api,
            )
            call("claim page", "GET", f"/claims/{rng.choice(claim_ids)}/", (200,), headers=page)
            claim_id = rng.choice(claim_ids)
            kind = next(writes)
            if kind == "rating":
                verdict = rng.choice(verdicts)
                sent = {"verdict": verdict, "rationale": f"Checked by {reviewer.user_id}."}
                path = f"/api/v1/claims/{claim_id}/my-rating/"
                if call("rating", "PUT", path, (200, 201), headers=api, json=sent) is not None:
                    mine.last_verdict[(reviewer.user_id, claim_id)] = verdict
            elif kind == "evidence":
                sent = {
                    "url": f"https://evidence.example.org/{reviewer.user_id}/{rng.random()}",
                    "stance": rng.choice(stances),
                    "note": "Found while checking.",
                }
                path = f"/api/v1/claims/{claim_id}/evidence/"
                if (
                    answer := call("evidence", "POST", path, (201,), headers=api, json=sent)
                ) is not None:
                    mine.evidence_ids.append(answer.json()["id"])
            else:
                sent = {"body": f"Looked at this one ({rng.random():.6f})."}
                path = f"/api/v1/claims/{claim_id}/comments/"
                if (
                    answer := call("comment", "POST", path, (201,), headers=api, json=sent)
                ) is not None:
                    mine.comment_ids.append(answer.json()["id"])
    with lock:
        for name, values in mine.latencies.items():
            tally.latencies[name].extend(values)
            tally.requests += len(values)
        for name, errors in mine.errors.items():
            tally.errors[name].extend(errors)
        tally.last_verdict.update(mine.last_verdict)
        tally.evidence_ids.extend(mine.evidence_ids)
        tally.comment_ids.extend(mine.comment_ids)


def mixed_load(
    base: str,
    people: list[Reviewer],
    claim_ids: list[int],
    article_id: int,
    *,
    seconds: float,
    round_number: int,
) -> Tally:
    tally = Tally()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=reviewer_loop,
            args=(
                base,
                person,
                claim_ids,
                article_id,
                deadline,
                round_number * 1000 + n,
                tally,
                lock,
            ),
        )
        for n, person in enumerate(people)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.seconds = time.perf_counter() - started
    return tally


# --- Where the CPU goes ------------------------------------------------------------


@dataclass
class CpuUse:
    """CPU seconds used during a round: the web workers, this client, everything else on
    the machine (PostgreSQL, Redis, the broker)."""

    web: float
    client: float
    rest: float


def cpu_meter(server_pid: int) -> Any:
    """Call before a round; call what it returns after it for the round's ``CpuUse``
    (None where /proc is not there to read)."""
    machine = machine_cpu()
    if machine is None:
        return lambda: None
    workers = children(server_pid)
    web, client = sum(map(cpu_seconds, workers)), sum(os.times()[:2])

    def used() -> CpuUse:
        web_used = sum(map(cpu_seconds, workers)) - web
        client_used = sum(os.times()[:2]) - client
        rest = (machine_cpu() or 0.0) - machine - web_used - client_used
        return CpuUse(web_used, client_used, max(rest, 0.0))

    return used


def bare_rate(url: str, *, seconds: float, connections: int) -> tuple[float, str]:
    """Requests per second of the bare view, and what measured it."""
    if shutil.which("wrk"):
        output = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        rate = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE)
        if rate is None or "Non-2xx" in output:
            raise SystemExit(f"wrk could not load the bare view:\n{output}")
        return float(rate[1]), "wrk"
    count = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        nonlocal count
        done = 0
        with httpx.Client(timeout=30) as session:
            while time.perf_counter() < deadline:
                session.get(url).raise_for_status()
                done += 1
        with lock:
            count += done

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started), "python"


# --- Checks ------------------------------------------------------------------------


def lost_writes(tally: Tally, people: list[Reviewer], claim_ids: list[int]) -> list[str]:
    from django.db.models import Count

    from claims.models import Evidence, Rating
    from editorial.models import ClaimConsensus, Comment

    problems = []
    ids = [person.user_id for person in people]
    stored = {
        (row["reviewer_id"], row["claim_id"]): (row["verdict"], row["n"])
        for row in Rating.objects.filter(reviewer_id__in=ids)
        .values("reviewer_id", "claim_id", "verdict")
        .annotate(n=Count("id"))
    }
    for pair, verdict in tally.last_verdict.items():
        found = stored.get(pair)
        if found is None:
            problems.append(f"rating {pair} answered 2xx but is not stored")
        elif found != (verdict, 1):
            problems.append(f"rating {pair}: stored {found}, last sent {verdict}")
    extra = set(stored) - set(tally.last_verdict)
    if extra:
        problems.append(f"{len(extra)} ratings stored that no 2xx answered")
    kept = set(Evidence.objects.filter(pk__in=tally.evidence_ids).values_list("pk", flat=True))
    problems += [
        f"evidence {pk} answered 201 but is not stored" for pk in set(tally.evidence_ids) - kept
    ]
    kept = set(Comment.objects.filter(pk__in=tally.comment_ids).values_list("pk", flat=True))
    problems += [
        f"comment {pk} answered 201 but is not stored" for pk in set(tally.comment_ids) - kept
    ]
    counted = dict(
        Rating.objects.filter(claim_id__in=claim_ids)
        .values_list("claim_id")
        .annotate(n=Count("id"))
        .values_list("claim_id", "n")
    )
    for claim_id, ratings_count in ClaimConsensus.objects.filter(
        claim_id__in=claim_ids
    ).values_list("claim_id", "ratings_count"):
        if (
            claim_id in {c for (_, c) in tally.last_verdict}
            and counted.get(claim_id, 0) != ratings_count
        ):
            problems.append(
                f"claim {claim_id}: consensus counts {ratings_count} ratings, "
                f"{counted.get(claim_id, 0)} stored"
            )
    return problems


# --- Main ------------------------------------------------------------------------


def percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--reviewers", type=int, default=20, help="simulated reviewers (connections)"
    )
    parser.add_argument("--duration", type=float, default=20, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of mixed load")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--evidence", type=int, default=1000)
    parser.add_argument("--ratings", type=int, default=3000)
    parser.add_argument(
        "--embedded", action="store_true", help="SQLite and the filesystem broker, as a fresh clone"
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="factcheck-loadbench-"))
    try:
        with throwaway_database(workdir, suffix="bench", embedded=args.embedded) as database_url:
            sys.exit(run(args, workdir, database_url))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path, database_url: str) -> int:
    body_file = workdir / "reader.html"
    env = {
        **os.environ,
        "DATA_DIR": str(workdir),
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(workdir / "static"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        # 20 reviewers send hundreds of requests a second between them: throttled, the
        # bench would measure 429s.
        "API_THROTTLE_USER": "1000000/s",
        "API_BENCH_BODY": str(body_file),
        "API_BENCH_CONTENT_TYPE": "text/html; charset=utf-8",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(REPO)]),
    }
    if args.embedded or not database_url.startswith("postgres"):
        for name in ("CELERY_BROKER_URL", "CACHE_URL"):
            env.pop(name, None)
    (workdir / "static").mkdir()
    os.environ.clear()
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "factcheck.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    article_id, claim_ids, people = seed(
        reviewers=args.reviewers, claims=args.claims, evidence=args.evidence, ratings=args.ratings
    )
    vendor = connection.vendor
    connections.close_all()
    print(
        f"seeded 1 article, {len(claim_ids)} claims, {args.evidence} evidence, {args.ratings} "
        f"ratings, {len(people)} reviewers on {vendor} in {time.perf_counter() - started:.1f} s"
    )
    (workdir / "loadbench_settings.py").write_text(
        "from factcheck.settings import *  # noqa: F403\n\n"
        'ROOT_URLCONF = "bench.bare_urls"\n'
        "# No collectstatic in a temp directory: static URLs without the manifest's hashes.\n"
        'STORAGES = {**STORAGES, "staticfiles": {"BACKEND": '
        '"django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405\n'
    )
    env["DJANGO_SETTINGS_MODULE"] = "loadbench_settings"
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    cache = os.environ.get("CACHE_URL", "").split("://")[0] or "memory"
    load_average = os.getloadavg()[0]
    with gunicorn(
        env,
        port=free_port(),
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        backlog=512,
    ) as server:
        base = server.url
        wait_until_up(base + "/healthz")
        page = httpx.get(
            f"{base}/articles/{article_id}/",
            headers={"Cookie": f"sessionid={people[0].session_cookie}"},
            timeout=60,
        )
        page.raise_for_status()
        body_file.write_bytes(page.content)
        if httpx.get(base + BARE, timeout=30).content != page.content:
            raise SystemExit("The bare view does not send the reader's bytes.")
        print(
            f"reader: {len(page.content) / 1024:.0f} KiB; database {vendor}, broker {broker}, "
            f"cache {cache}; gunicorn {args.workers} x {args.worker_class} "
            f"(threads {args.threads}); {len(people)} reviewers, {args.rounds} x "
            f"{args.duration:g} s; load average before: {load_average:.2f} on {os.cpu_count()} CPUs"
        )
        warm_up = mixed_load(base, people, claim_ids, article_id, seconds=2, round_number=99)
        rounds = []
        bare = []
        cpu: list[CpuUse] = []
        for number in range(args.rounds):
            meter = cpu_meter(server.pid)
            rounds.append(
                mixed_load(
                    base, people, claim_ids, article_id, seconds=args.duration, round_number=number
                )
            )
            if (used := meter()) is not None:
                cpu.append(used)
            bare.append(
                bare_rate(base + BARE, seconds=min(args.duration, 10), connections=len(people))
            )
        load_after = os.getloadavg()[0]

    names = ["reader", "claim page", "claims list (API)", *WRITES]
    print(
        f"\n{'endpoint':<20} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8}  p99 per round"
    )
    everything: list[float] = []
    all_errors = 0
    for name in names:
        values = [v for r in rounds for v in r.latencies[name]]
        errors = [e for r in rounds for e in r.errors[name]]
        everything += values
        all_errors += len(errors)
        spread = " / ".join(f"{percentile(r.latencies[name], 99):.0f}" for r in rounds)
        print(
            f"{name:<20} {len(values):9d} {len(errors):7d} {percentile(values, 50):8.1f} "
            f"{percentile(values, 95):8.1f} {percentile(values, 99):8.1f}  {spread}"
            + (f"  ({', '.join(sorted(set(errors)))})" if errors else "")
        )
    print(
        f"{'all':<20} {len(everything):9d} {all_errors:7d} {percentile(everything, 50):8.1f} "
        f"{percentile(everything, 95):8.1f} {percentile(everything, 99):8.1f}"
    )
    rates = [r.requests / r.seconds for r in rounds]
    bare_rates = [rate for rate, _ in bare]
    ratios = [rate / bare_rate for rate, (bare_rate, _) in zip(rates, bare, strict=True)]
    writes = [v for r in rounds for name in WRITES for v in r.latencies[name]]
    p99, write_p95 = percentile(everything, 99), percentile(writes, 95)
    print(
        f"\nthroughput: {statistics.median(rates):.1f} requests/s (rounds: "
        f"{', '.join(f'{r:.1f}' for r in rates)})"
    )
    print(
        f"bare view, the reader's bytes ({bare[0][1]}, {len(people)} connections): "
        f"{statistics.median(bare_rates):.0f} requests/s "
        f"(rounds: {', '.join(f'{r:.0f}' for r in bare_rates)})"
    )
    print(f"load average after: {load_after:.2f}")
    if cpu:
        served = sum(r.requests for r in rounds)
        web, client, rest = (
            1000 * sum(getattr(c, part) for c in cpu) / served for part in ("web", "client", "rest")
        )
        cores = os.cpu_count() or 1
        print(
            f"CPU per request: web workers {web:.1f} ms, client {client:.1f} ms, the rest "
            f"(PostgreSQL, Redis, ...) {rest:.1f} ms; the server's share alone allows at most "
            f"{1000 * cores / (web + rest):.0f} requests/s on {cores} CPUs"
        )

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    ratio = statistics.median(ratios)
    print(f"\ngoal errors = 0: {all_errors}: {verdict(all_errors == 0)}")
    print(f"goal p99 <= {GOAL_P99_MS:.0f} ms: {p99:.0f} ms: {verdict(p99 <= GOAL_P99_MS)}")
    print(
        f"goal writes p95 <= {GOAL_WRITE_P95_MS:.0f} ms: {write_p95:.0f} ms: "
        f"{verdict(write_p95 <= GOAL_WRITE_P95_MS)}"
    )
    print(
        f"goal throughput / bare >= {GOAL_RATIO}: {ratio:.3f} (rounds: "
        f"{', '.join(f'{r:.3f}' for r in ratios)}): {verdict(ratio >= GOAL_RATIO)}"
    )
    merged = Tally()
    for tally in [warm_up, *rounds]:
        merged.last_verdict.update(tally.last_verdict)
        merged.evidence_ids += tally.evidence_ids
        merged.comment_ids += tally.comment_ids
    problems = lost_writes(merged, people, claim_ids)
    kept = len(merged.last_verdict) + len(merged.evidence_ids) + len(merged.comment_ids)
    print(
        f"goal nothing lost: {kept} writes checked ({len(merged.last_verdict)} reviewer x claim "
        f"ratings, {len(merged.evidence_ids)} evidence, {len(merged.comment_ids)} comments), "
        f"{len(problems)} missing: {verdict(not problems)}"
    )
    for problem in problems[:20]:
        print("  " + problem)
    connections.close_all()
    return 1 if problems or all_errors else 0


if __name__ == "__main__":
    main()
