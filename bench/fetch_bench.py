"""How fast the default setup fetches and reads 200 slow sources with real-sized pages.

    .venv/bin/python bench/fetch_bench.py [--broker URL] [--sources 200] [--servers 20]
                                          [--workers N] [--delay 0.5]

200 sources spread over 20 local web servers (each port is a different site), each
answering after 500 ms with a news-like page of 20-400 KB (``bench/news_pages.py``: an
article inside navigation, scripts, styles, related lists, comments and footers, 24
shapes, every page different). The workers run as ``scripts/run`` starts them: a fetch
worker (``-Q celery``, threads) and a compute worker (``-Q compute``, prefork with
``--workers`` processes, default one per core), with no tuning flags. Prints the wall
time from enqueue to the last snapshot, fetches in flight, CPU per fetch, and the peak
memory of each process.

Goals on a 2-core machine: 200 x 500 ms <= 6 s; 2,000 x 500 ms (``--sources 2000``)
<= 30 s; <= 400 MB per process. For scaling: ``--delay 0 --workers 1`` against
``--delay 0 --workers 2`` (pages answering at once, so reading is all the work): two
should take at most 0.6 x the wall time of one.

Runs against DATABASE_URL when set (PostgreSQL, say; the database must exist, and the
article it creates is deleted at the end), otherwise against a throw-away SQLite file
shared by this process and the workers. The broker is Redis database 13 unless --broker
says otherwise. Exits 0 whether or not the goals are met: these are figures, not a test.
"""

from __future__ import annotations

import argparse
import os
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

from bench.cpu import cpu_seconds, machine_cpu  # noqa: E402
from bench.news_pages import news_page  # noqa: E402
from tests.webserver import PageServer, serve_pages  # noqa: E402

GOAL_SECONDS = {200: 6.0, 2000: 30.0}
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
    """The workers' peak memory: their processes' RSS summed, sampled, and their VmHWM."""

    def __init__(self, *pids: int) -> None:
        self.pids = pids
        self.peak_rss_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def processes_now(self) -> list[int]:
        """The worker and its children (a prefork pool's), and theirs."""
        pids, index = list(self.pids), 0
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

    @property
    def peak_process_mb(self) -> float:
        return max(self.hwm_kb.values(), default=0) / 1024

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.processes_now())

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()


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
def running_worker(
    env: dict[str, str], log: Path, args: tuple[str, ...] = (), timeout: float = 60
) -> Iterator[int]:
    """``celery -A factcheck worker`` with ``args``; yields its pid once ready."""
    with log.open("ab") as handle:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "factcheck",
                "worker",
                "-l",
                "INFO",
                *args,
            ],
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13", help="broker URL")
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--servers", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.5, help="seconds each page takes")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="processes of the compute worker (default: one per core, as scripts/run)",
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
    urls: list[str] = []
    sizes: list[int] = []
    for index in range(args.sources):
        if args.clustered:
            server = servers[index * len(servers) // args.sources]
        else:
            server = servers[index % len(servers)]
        page = news_page(index)
        sizes.append(len(page))
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
    compute_log = log.with_suffix(".compute")
    compute_log.unlink(missing_ok=True)
    compute_env = {
        **worker_env,
        "CELERY_WORKER_POOL": "prefork",
        "CELERY_WORKER_CONCURRENCY": str(args.workers),
        "CELERY_WORKER_PREFETCH_MULTIPLIER": "16",  # as scripts/run starts it
    }
    try:
        with (
            running_worker(worker_env, log, ("-Q", "celery", "-n", "fetch@%h")) as fetch_pid,
            running_worker(
                compute_env, compute_log, ("-Q", "compute", "-n", "compute@%h")
            ) as compute_pid,
            Memory(fetch_pid, compute_pid) as memory,
        ):
            idle_mb, idle_cpu = memory.rss_mb(), memory.cpu_seconds()
            own_before, machine_before = sum(os.times()[:2]), machine_cpu()
            with InFlight(servers) as in_flight:
                started = datetime.now().astimezone()
                # What importing an article does once it commits: fetch_source.delay()
                # for each source, the sites taking turns.
                enqueue_source_fetches(source_ids)
                enqueued = (datetime.now().astimezone() - started).total_seconds()
                deadline = time.monotonic() + args.timeout
                while snapshots.count() < len(source_ids) and time.monotonic() < deadline:
                    time.sleep(0.1)  # the wall time comes from the snapshots' own clock
            busy_cpu = memory.cpu_seconds() - idle_cpu
            own_cpu = sum(os.times()[:2]) - own_before
            machine_after = machine_cpu()
        done = snapshots.count()
        last = snapshots.aggregate(last=Max("fetched_at"))["last"]
        statuses = dict(sources.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    finally:
        Article.objects.filter(pk=article.pk).delete()

    wall = (last - started).total_seconds() if last else float("nan")
    worker_log = log.read_text(errors="replace") + compute_log.read_text(errors="replace")
    print(
        f"database: {connection.vendor}; broker: {settings.CELERY_BROKER_URL}; fetch worker: "
        f"pool={settings.CELERY_WORKER_POOL}, concurrency={settings.CELERY_WORKER_CONCURRENCY}; "
        f"compute worker: prefork, {args.workers} processes; "
        f"FETCH_MAX_PER_HOST={settings.FETCH_MAX_PER_HOST}"
    )
    print(
        f"{len(source_ids)} sources on {len(servers)} servers "
        f"({'clustered' if args.clustered else 'taking turns'}), "
        f"{args.delay * 1000:.0f} ms a page, {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB "
        f"(mean {sum(sizes) / len(sizes) / 1024:.0f} KB); "
        f"enqueueing took {enqueued:.2f} s; {done} snapshots; statuses {statuses}"
    )
    all_done = done == len(source_ids)

    def per_fetch(seconds: float) -> str:
        return f"{seconds / len(source_ids) * 1000:.1f} ms"

    goal_seconds = GOAL_SECONDS.get(len(source_ids))
    rows: list[tuple[str, str, str, bool | None]] = [
        (
            "enqueue -> last snapshot" + ("" if all_done else " (INCOMPLETE)"),
            f"{wall:.2f} s",
            f"<= {goal_seconds:.0f} s" if goal_seconds else "",
            all_done and wall <= goal_seconds if goal_seconds else None,
        ),
        ("peak fetches in flight (all servers)", str(in_flight.peak), "", None),
        ("peak in flight at one server", str(max(s.peak_in_flight for s in servers)), "", None),
        (
            "peak memory of one worker process",
            f"{memory.peak_process_mb:.0f} MB",
            f"<= {GOAL_MEGABYTES} MB",
            memory.peak_process_mb <= GOAL_MEGABYTES,
        ),
        (f"peak memory of all {memory.processes} processes", f"{memory.peak_mb:.0f} MB", "", None),
        ("workers' memory when idle", f"{idle_mb:.0f} MB", "", None),
        ("workers' CPU time per fetch", per_fetch(busy_cpu), "", None),
        # The 20 sites answer from this process: on the same cores as the workers.
        ("this bench's CPU (its sites) per fetch", per_fetch(own_cpu), "", None),
    ]
    if machine_before is not None and machine_after is not None:
        machine_used = machine_after - machine_before
        rest = machine_used - busy_cpu - own_cpu
        rows += [
            ("the rest (PostgreSQL, Redis) per fetch", per_fetch(rest), "", None),
            (
                "CPUs busy while fetching",
                f"{100 * machine_used / (wall * (os.cpu_count() or 1)):.0f}%",
                "",
                None,
            ),
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
