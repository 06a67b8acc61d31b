"""How fast a Celery worker with the default settings fetches 200 slow sources.

    .venv/bin/python bench/fetch_bench.py [--broker URL] [--sources 200] [--servers 20]

200 sources spread over 20 local web servers (each port is a different site), each page
answering after 500 ms. A real worker process (``celery -A factcheck worker`` with no
concurrency flags: only FETCH_ALLOW_LOOPBACK=true and the database and broker come from
here) fetches them all. Prints the wall time from enqueue to the last snapshot, the peak
number of requests in flight at the servers, and the worker's peak memory.
Goals: <= 6 s (one fetch at a time would take 100 s) and <= 400 MB.

Runs against DATABASE_URL when set (PostgreSQL, say; the database must exist, and the
article it creates is deleted at the end), otherwise against a throw-away SQLite file
shared by this process and the worker. The broker is Redis database 13 unless --broker
says otherwise. Exits 0 whether or not the goals are met: these are figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.webserver import PageServer, serve_pages  # noqa: E402

GOAL_SECONDS = 6.0
GOAL_MEGABYTES = 400
# Worker problems worth counting in its log, by what they look like there.
LOG_PROBLEMS = {
    "database is locked": "database is locked",
    "tracebacks": "Traceback",
    "retries": "Retry in",
    "host slot waits that gave up": "requests in flight",
}


class InFlight:
    """Samples how many requests all the servers are answering at once."""

    def __init__(self, servers: list[PageServer]) -> None:
        self.servers = servers
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        # A request lasts 500 ms: sampling every 10 ms sees every peak, and leaves the CPU
        # to the worker.
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, sum(server.in_flight for server in self.servers))

    def __enter__(self) -> InFlight:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Memory:
    """The worker's peak memory: its processes' RSS summed, sampled, and their VmHWM."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_rss_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def processes_now(self) -> list[int]:
        """The worker and its children (a prefork pool's), and theirs."""
        pids, index = [self.pid], 0
        while index < len(pids):
            for thread in Path(f"/proc/{pids[index]}/task").glob("*/children"):
                with suppress(OSError):  # the thread or process just ended
                    pids += [int(child) for child in thread.read_text().split()]
            index += 1
        return pids

    def rss_mb(self) -> float:
        return sum(_proc_status(pid).get("VmRSS", 0) for pid in self.processes_now()) / 1024

    def sample(self) -> None:
        rss = 0
        pids = self.processes_now()
        for pid in pids:
            status = _proc_status(pid)
            rss += status.get("VmRSS", 0)
            if "VmHWM" in status:
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status["VmHWM"])
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.processes = max(self.processes, len(pids))

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.sample()

    @property
    def peak_mb(self) -> float:
        return max(self.peak_rss_kb, sum(self.hwm_kb.values())) / 1024

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_status(pid: int) -> dict[str, int]:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])  # kB
    return fields


@contextmanager
def running_worker(env: dict[str, str], log: Path, timeout: float = 60) -> Iterator[int]:
    """``celery -A factcheck worker`` as the README runs it; yields its pid once ready."""
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "celery"), "-A", "factcheck", "worker", "-l", "INFO"],
            cwd=REPO,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + timeout
        while " ready." not in log.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_environment(inherited: dict[str, str]) -> dict[str, str]:
    """This process's environment without any worker or fetch tuning: the defaults apply."""
    env = {
        name: value
        for name, value in inherited.items()
        if not name.startswith(("CELERY_", "FETCH_", "LOG_"))
    }
    env.update(
        FETCH_ALLOW_LOOPBACK="true",
        CELERY_BROKER_URL=os.environ["CELERY_BROKER_URL"],
        DATA_DIR=os.environ["DATA_DIR"],
        SECRET_KEY=os.environ["SECRET_KEY"],
        DEBUG="false",
    )
    if "DATABASE_URL" in os.environ:
        env["DATABASE_URL"] = os.environ["DATABASE_URL"]
    return env


def markdown_citing(urls: list[str]) -> str:
    paragraphs = ["# Two hundred sources\n"]
    for index, url in enumerate(urls):
        paragraphs.append(f"Finding {index} is reported in [source {index}]({url}).")
    return "\n\n".join(paragraphs)


WORDS = tuple(
    "the council report found that spending on parks rose while the number of trees "
    "planted fell short of what officials promised in their annual statement".split()
)


def page_for(index: int, paragraphs: int) -> bytes:
    """A news page: an article of ``paragraphs`` paragraphs inside the usual navigation,
    related links, footer, inline script and style, different for every source."""
    rng = random.Random(index)

    def sentence(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    nav = "".join(f"<li><a href='/section/{n}'>Section {n}</a></li>" for n in range(60))
    related = "".join(f"<li><a href='/story/{n}'>{sentence(8)}</a></li>" for n in range(20))
    article = "".join(f"<p>{sentence(80)}</p>" for _ in range(paragraphs))
    script = "<script>" + "window.dataLayer.push({event: 'view'});" * 100 + "</script>"
    style = "<style>" + ".story p { margin: 0 0 1em; }" * 100 + "</style>"
    return (
        f"<!doctype html><html><head><title>Story {index} | The Daily Bench</title>"
        f"<meta name='author' content='Bench Reporter'>{style}{script}</head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header>"
        f"<main><article class='story'><h1>Story {index}</h1>{article}</article>"
        f"<aside><h2>Related</h2><ul>{related}</ul></aside></main>"
        f"<footer><p>Copyright The Daily Bench</p></footer>{script}</body></html>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13", help="broker URL")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--servers", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.5, help="seconds each page takes")
    parser.add_argument(
        "--paragraphs", type=int, default=12, help="article paragraphs (80 words) per page"
    )
    parser.add_argument(
        "--clustered",
        action="store_true",
        help="cite each site's pages one after another instead of taking turns between sites",
    )
    parser.add_argument("--timeout", type=float, default=120, help="give up after this long")
    parser.add_argument("--worker-log", type=Path, help="keep the worker's log in this file")
    args = parser.parse_args()

    inherited = dict(os.environ)
    workdir = Path(tempfile.mkdtemp(prefix="factcheck-fetch-bench-"))
    os.environ["DATA_DIR"] = str(workdir)
    os.environ["CELERY_BROKER_URL"] = args.broker
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    try:
        with ExitStack() as stack:
            servers = [stack.enter_context(serve_pages()) for _ in range(args.servers)]
            run(args, servers, worker_environment(inherited), args.worker_log or workdir / "log")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(
    args: argparse.Namespace, servers: list[PageServer], worker_env: dict[str, str], log: Path
) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Max

    from claims.models import Article, Source, SourceSnapshot
    from claims.policies import OPERATOR
    from claims.services.articles import article_import
    from claims.tasks import enqueue_source_fetches
    from factcheck.celery import app

    try:
        app.connection_for_write().ensure_connection(max_retries=1)
    except Exception as exc:
        raise SystemExit(
            f"cannot reach the broker {args.broker}: {exc}\nStart Redis with: redis-server "
            '--daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
        ) from None
    call_command("migrate", verbosity=0)
    urls = []
    for index in range(args.sources):
        if args.clustered:
            server = servers[index * len(servers) // args.sources]
        else:
            server = servers[index % len(servers)]
        page = page_for(index, args.paragraphs)
        urls.append(server.add(f"/source-{index}", page, delay=args.delay))
    # Importing queues the fetches at once; they are purged and queued again below,
    # once the worker is ready, so the clock starts with the worker waiting.
    article = article_import(
        content=markdown_citing(urls), source_format="markdown", force=True, imported_by=OPERATOR
    )
    sources = Source.objects.filter(article=article)
    source_ids = list(sources.values_list("pk", flat=True))
    snapshots = SourceSnapshot.objects.filter(source__article=article)
    app.control.purge()

    log.unlink(missing_ok=True)
    try:
        with running_worker(worker_env, log) as pid, Memory(pid) as memory:
            idle_mb, idle_cpu = memory.rss_mb(), cpu_seconds(pid)
            with InFlight(servers) as in_flight:
                started = datetime.now().astimezone()
                # What importing an article does once it commits: fetch_source.delay()
                # for each source, the sites taking turns.
                enqueue_source_fetches(source_ids)
                enqueued = (datetime.now().astimezone() - started).total_seconds()
                deadline = time.monotonic() + args.timeout
                while snapshots.count() < len(source_ids) and time.monotonic() < deadline:
                    time.sleep(0.1)  # the wall time comes from the snapshots' own clock
            busy_cpu = cpu_seconds(pid) - idle_cpu
        done = snapshots.count()
        last = snapshots.aggregate(last=Max("fetched_at"))["last"]
        statuses = dict(sources.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    finally:
        Article.objects.filter(pk=article.pk).delete()

    wall = (last - started).total_seconds() if last else float("nan")
    worker_log = log.read_text(errors="replace")
    print(
        f"database: {connection.vendor}; broker: {settings.CELERY_BROKER_URL}; worker: "
        f"pool={settings.CELERY_WORKER_POOL}, concurrency={settings.CELERY_WORKER_CONCURRENCY}, "
        f"prefetch x{settings.CELERY_WORKER_PREFETCH_MULTIPLIER}, "
        f"FETCH_MAX_PER_HOST={settings.FETCH_MAX_PER_HOST}"
    )
    print(
        f"{len(source_ids)} sources on {len(servers)} servers "
        f"({'clustered' if args.clustered else 'taking turns'}), "
        f"{args.delay * 1000:.0f} ms and {len(page) / 1024:.0f} KB a page; "
        f"enqueueing took {enqueued:.2f} s; {done} snapshots; statuses {statuses}"
    )
    all_done = done == len(source_ids)
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "enqueue -> last snapshot" + ("" if all_done else " (INCOMPLETE)"),
            f"{wall:.2f} s",
            f"<= {GOAL_SECONDS:.0f} s",
            all_done and wall <= GOAL_SECONDS,
        ),
        ("peak fetches in flight (all servers)", str(in_flight.peak), "", None),
        ("peak in flight at one server", str(max(s.peak_in_flight for s in servers)), "", None),
        (
            f"worker peak memory ({memory.processes} "
            f"{'process' if memory.processes == 1 else 'processes'})",
            f"{memory.peak_mb:.0f} MB",
            f"<= {GOAL_MEGABYTES} MB",
            memory.peak_mb <= GOAL_MEGABYTES,
        ),
        ("worker memory when idle", f"{idle_mb:.0f} MB", "", None),
        ("worker CPU time per fetch", f"{busy_cpu / len(source_ids) * 1000:.1f} ms", "", None),
    ]
    rows += [
        (f"worker log: {label}", str(worker_log.count(needle)), "", None)
        for label, needle in LOG_PROBLEMS.items()
    ]
    print(f"{'figure':<40} {'value':>10}   {'goal':<10} met")
    for label, value, goal, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"{label:<40} {value:>10}   {goal:<10} {verdict}")
    if re.search(r"database is locked|Traceback", worker_log):
        print(f"\nworker log (last lines):\n{worker_log[-3000:]}")


if __name__ == "__main__":
    main()
