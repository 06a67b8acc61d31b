"""What open pages that update themselves cost, and how fast a change reaches them.

    .venv/bin/python bench/live_bench.py [--clients 200] [--idle 60] [--writes 5] [--workers 4]

Seeds a throw-away database (a SQLite file in a temp directory; with DATABASE_URL set to
PostgreSQL, a database ``<name>_livebench`` next to it, dropped at the end) with the
sample article, one claim and ``--clients`` reviewers, each signed in with a session of
their own, and serves the app with gunicorn (``--workers`` sync workers, as in
production) on 127.0.0.1. Every client then does what the claim page's script does
(``web/static/web/app.js``): every ``LIVE_POLL_SECONDS`` (2) it asks
``/claims/<id>/live/?since=<the stamp it shows>`` with the ETag of its last answer; when
the stamp changed, the answer carries the parts of the page that changed where it can
(``X-Live-Parts``: a new comment is the discussion), and otherwise the client fetches the
whole page again.

1. Idle: ``--idle`` seconds with nothing changing. Prints the requests and the server's
   CPU time (gunicorn's master and workers, from /proc) per client per minute, and how
   many answers were 304.
2. Writes: ``--writes`` comments posted through the service, ``--gap`` seconds apart.
   For each, the time from its commit until each client has seen the new stamp, and
   until each has the page with the comment; the p95 over all clients and writes.
   Goal: p95 <= 3 s.

``CACHE_URL=redis://...`` keeps who is here and what changed in Redis, as several web
processes need: with more than one worker the bench asks for it (with the per-process
cache each worker knows only its own visitors, and their ETags never agree).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.databases import throwaway_database  # noqa: E402
from bench.serving import free_port, gunicorn  # noqa: E402

GOAL_P95_SECONDS = 3.0
COMMENT = "Seen it? Comment number {n}."
COMMENT_MARK = b"Seen it? Comment number"


def seed(clients: int) -> tuple[int, list[str]]:
    """The sample article with one claim, and ``clients`` signed-in reviewers: returns
    the claim's id and each reviewer's session key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import Role, User
    from accounts.roles import ensure_roles
    from claims.services.articles import article_import
    from claims.services.claims import claim_create

    ensure_roles()
    group = Group.objects.get(name=Role.REVIEWER)
    users = User.objects.bulk_create(User(username=f"reviewer{n:03d}") for n in range(clients))
    group.user_set.add(*users)
    text = (REPO / "claims" / "demo" / "riverside-trees.md").read_text(encoding="utf-8")
    article = article_import(content=text, source_format="markdown", imported_by=users[0])
    claim = claim_create(
        article=article,
        created_by=users[0],
        quote="If the survival rate holds, Riverside will reach 30 percent canopy by 2035.",
    )
    sessions = []
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key or "")
    return claim.pk, sessions


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of ``pid`` and its children (gunicorn's workers)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, ..., utime (14th field), stime (15th).
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


@dataclass
class Client:
    session: str
    etag: str = ""
    stamp: str = ""
    polls: int = 0
    not_modified: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    answer_seconds: list[float] = field(default_factory=list)
    saw_stamp_at: dict[str, float] = field(default_factory=dict)
    saw_page_at: dict[str, float] = field(default_factory=dict)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def get(port: int, path: str, headers: dict[str, str]) -> Answer:
    """One GET on a connection of its own, as gunicorn's sync workers close each one: a
    client this small leaves the machine's CPU to the server being measured."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in header_lines if ": " in line)
    return Answer(int(status_line.split()[1]), {k.lower(): v for k, v in fields.items()}, body)


async def run_client(
    client: Client, port: int, claim_id: int, every: float, stop: list[float], *, refetch: bool
) -> None:
    cookie = {"Cookie": f"sessionid={client.session}"}
    await asyncio.sleep(random.uniform(0, every))  # pages were opened at different times
    while time.time() < stop[0]:
        started = time.monotonic()
        headers = {**cookie, "If-None-Match": client.etag} if client.etag else cookie
        since = f"?since={client.stamp}" if client.stamp else ""
        try:
            answer = await get(port, f"/claims/{claim_id}/live/{since}", headers)
            client.answer_seconds.append(time.monotonic() - started)
            client.polls += 1
            if answer.status == 304:
                client.not_modified += 1
            elif answer.status == 200 and "x-live-stamp" in answer.headers:
                client.etag = answer.headers["etag"]
                stamp = answer.headers["x-live-stamp"]
                if client.stamp and stamp != client.stamp:
                    client.saw_stamp_at[stamp] = time.time()
                    if refetch:
                        # The answer carries the parts that changed when it can (a
                        # comment: the discussion); else the page is fetched again.
                        parts = answer.headers.get("x-live-parts", "*").strip()
                        if parts != "*" and b"data-live-part" in answer.body:
                            body = answer.body
                        else:
                            page = await get(port, f"/claims/{claim_id}/", cookie)
                            client.pages += 1
                            if page.status != 200:
                                client.errors.append(f"page {page.status}")
                            body = page.body
                        if COMMENT_MARK not in body:
                            client.errors.append("the comment is not there")
                    client.saw_page_at[stamp] = time.time()
                client.stamp = stamp
            else:
                client.errors.append(f"poll {answer.status}")
        except (OSError, ValueError, IndexError) as error:
            client.errors.append(type(error).__name__)
        await asyncio.sleep(max(0.0, every - (time.monotonic() - started)))


def percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200, help="open claim pages")
    parser.add_argument("--idle", type=float, default=60, help="seconds with no change")
    parser.add_argument("--writes", type=int, default=5, help="comments posted after that")
    parser.add_argument("--gap", type=float, default=8, help="seconds between the writes")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--client-processes", type=int, default=4, help="processes of clients")
    parser.add_argument(
        "--no-refetch",
        dest="refetch",
        action="store_false",
        help="only notice the change, without fetching the page again (the transport alone)",
    )
    args = parser.parse_args()
    if args.workers > 1 and not os.environ.get("CACHE_URL"):
        parser.exit(
            2,
            "Several web processes share who is here and what changed only through a shared "
            "cache, as in production: set CACHE_URL=redis://127.0.0.1:6379/5 (say), or run "
            "--workers 1.\n",
        )
    workdir = Path(tempfile.mkdtemp(prefix="factcheck-livebench-"))
    try:
        with throwaway_database(workdir, suffix="livebench") as database_url:
            env, claim_id, sessions = prepare(args, workdir, database_url)
            run(args, env, claim_id, sessions)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def prepare(
    args: argparse.Namespace, workdir: Path, database_url: str
) -> tuple[dict[str, str], int, list[str]]:
    env = {
        **os.environ,
        "DATA_DIR": str(workdir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "memory://",
    }
    # The app's settings, with static files named as they are: no collectstatic needed.
    (workdir / "livebench_settings.py").write_text(
        "from factcheck.settings import *  # noqa: F403\n\n"
        "STORAGES = {**STORAGES, "
        '"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}\n'
    )
    env["PYTHONPATH"] = os.pathsep.join([str(workdir), str(REPO)])
    env["DJANGO_SETTINGS_MODULE"] = "livebench_settings"
    os.environ.update(env)
    sys.path.insert(0, str(workdir))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    claim_id, sessions = seed(args.clients)
    vendor = connection.vendor
    connection.close()
    cache = "Redis" if os.environ.get("CACHE_URL") else "per-process memory"
    print(
        f"{args.clients} open claim pages polling every {every_seconds():g} s; gunicorn with "
        f"{args.workers} sync workers on {vendor}, who-is-here in {cache}"
    )
    return env, claim_id, sessions


def every_seconds() -> float:
    from django.conf import settings

    return float(settings.LIVE_POLL_SECONDS)


def run(args: argparse.Namespace, env: dict[str, str], claim_id: int, sessions: list[str]) -> None:
    from accounts.models import User
    from claims.models import Claim
    from editorial.services.comments import comment_create

    every = every_seconds()
    port = free_port()
    with gunicorn(env, port=port, workers=args.workers) as server:
        asyncio.run(warm_up(port, claim_id, sessions[0], workers=args.workers))
        # Every page has had its first answer (and its ETag) when the idle minute starts.
        idle_start = time.time() + 2 * every + 5
        idle_end = idle_start + args.idle
        hard_stop = idle_end + args.writes * args.gap + 40
        shares = [sessions[n :: args.client_processes] for n in range(args.client_processes)]
        jobs = [
            {
                "port": port,
                "claim_id": claim_id,
                "sessions": share,
                "every": every,
                "refetch": args.refetch,
                "idle_start": idle_start,
                "idle_end": idle_end,
                "writes": args.writes,
                "hard_stop": hard_stop,
            }
            for share in shares
        ]
        with multiprocessing.get_context("spawn").Pool(args.client_processes) as pool:
            pending = pool.map_async(load_in_process, jobs)
            time.sleep(max(0.0, idle_start - time.time()))
            cpu = cpu_seconds(server.pid)
            time.sleep(max(0.0, idle_end - time.time()))
            idle_cpu = cpu_seconds(server.pid) - cpu

            author = User.objects.get(username="reviewer000")
            claim = Claim.objects.get(pk=claim_id)
            written: dict[str, float] = {}
            write_cpu = cpu_seconds(server.pid)
            for n in range(args.writes):
                comment_create(claim=claim, author=author, body=COMMENT.format(n=n))
                at = time.time()
                now = Claim.objects.values_list("article__change_stamp").get(pk=claim_id)[0]
                written[str(now)] = at
                time.sleep(args.gap)
            results = pending.get()
            write_cpu = cpu_seconds(server.pid) - write_cpu

    idle_polls = sum(result["idle_polls"] for result in results)
    idle_304 = sum(result["idle_304"] for result in results)
    answers = [t for result in results for t in result["answers"]]
    minutes = args.idle / 60
    per_client = args.clients * minutes
    print(
        f"idle {args.idle:g} s: {idle_polls} requests ({idle_304 / max(idle_polls, 1):.1%} "
        f"answered 304), {idle_cpu:.2f} s of server CPU"
    )
    print(
        f"  a poll's answer took p50 {1000 * percentile(answers, 50):.0f} ms, "
        f"p95 {1000 * percentile(answers, 95):.0f} ms"
    )
    print(
        f"  per client per minute: {idle_polls / per_client:.1f} requests, "
        f"{1000 * idle_cpu / per_client:.1f} ms of server CPU "
        f"({idle_cpu / (minutes * 60):.0%} of one core for all {args.clients})"
    )
    clients = [client for result in results for client in result["clients"]]
    seen_stamp, seen_page, missed = [], [], 0
    for saw_stamp_at, saw_page_at, _, _ in clients:
        for stamp, at in written.items():
            if stamp in saw_page_at:
                seen_stamp.append(saw_stamp_at[stamp] - at)
                seen_page.append(saw_page_at[stamp] - at)
            else:
                missed += 1
    errors = Counter(error for *_, client_errors in clients for error in client_errors)
    p95 = percentile(seen_page, 95)
    print(
        f"{args.writes} writes x {args.clients} pages: the new stamp seen after "
        f"p50 {percentile(seen_stamp, 50):.2f} s / p95 {percentile(seen_stamp, 95):.2f} s; "
        f"the page fetched again after p50 {percentile(seen_page, 50):.2f} s / "
        f"p95 {p95:.2f} s / max {max(seen_page, default=float('nan')):.2f} s"
    )
    print(
        f"  {sum(pages for _, _, pages, _ in clients)} pages fetched again, "
        f"{write_cpu:.1f} s of server CPU from the first write until every page had every "
        f"change; {missed} changes not seen, errors: {dict(errors) or 'none'}"
    )
    verdict = "meets" if p95 <= GOAL_P95_SECONDS and not missed else "MISSES"
    print(f"goal: p95 <= {GOAL_P95_SECONDS:g} s from a write to all pages showing it: {verdict}")


async def warm_up(port: int, claim_id: int, session: str, *, workers: int) -> None:
    for _ in range(150):
        try:
            if (await get(port, "/healthz", {})).status < 500:
                break
        except OSError:
            pass
        await asyncio.sleep(0.2)
    # Each worker's first claim page loads templates and code: not what is measured.
    cookie = {"Cookie": f"sessionid={session}"}
    for _ in range(3):
        await asyncio.gather(
            *(get(port, f"/claims/{claim_id}/", cookie) for _ in range(2 * workers))
        )


def load_in_process(job: dict[str, Any]) -> dict[str, Any]:
    """One client process's share of the pages (spread over processes so that the
    clients' own work never holds the server's answers back)."""
    return asyncio.run(load(**job))


async def load(
    *,
    port: int,
    claim_id: int,
    sessions: list[str],
    every: float,
    refetch: bool,
    idle_start: float,
    idle_end: float,
    writes: int,
    hard_stop: float,
) -> dict[str, Any]:
    clients = [Client(session) for session in sessions]
    stop = [hard_stop]
    tasks = [
        asyncio.create_task(run_client(c, port, claim_id, every, stop, refetch=refetch))
        for c in clients
    ]
    await asyncio.sleep(max(0.0, idle_start - time.time()))
    polls = sum(c.polls for c in clients)
    not_modified = sum(c.not_modified for c in clients)
    answered = [len(c.answer_seconds) for c in clients]
    await asyncio.sleep(max(0.0, idle_end - time.time()))
    result: dict[str, Any] = {
        "idle_polls": sum(c.polls for c in clients) - polls,
        "idle_304": sum(c.not_modified for c in clients) - not_modified,
        "answers": [
            t for c, n in zip(clients, answered, strict=True) for t in c.answer_seconds[n:]
        ],
    }
    # Until each page has had every write, or the time is up.
    while time.time() < hard_stop and any(
        sum(at > idle_end for at in c.saw_page_at.values()) < writes for c in clients
    ):
        await asyncio.sleep(0.5)
    stop[0] = 0.0
    await asyncio.gather(*tasks)
    result["clients"] = [(c.saw_stamp_at, c.saw_page_at, c.pages, c.errors) for c in clients]
    return result


if __name__ == "__main__":
    main()
