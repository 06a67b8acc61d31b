"""Median time to import the demo article and a generated 1 MB Markdown article.

    .venv/bin/python bench/import_bench.py [--runs N]

Runs against DATABASE_URL when set (PostgreSQL, say; the articles it creates are
deleted at the end), otherwise against a throw-away SQLite file.
Goals: demo article < 50 ms; 1 MB with 2,000 links < 2 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO.parent / "shared" / "demo" / "buffer-zone.md"
sys.path.insert(0, str(REPO))

WORDS = tuple(
    "the council report found that spending on parks rose while the number of trees "
    "planted fell short of what officials promised in their annual statement".split()
)


def generated_markdown(target_bytes: int = 1_000_000, links: int = 2_000) -> str:
    """A long article: headings, paragraphs, quotes and emphasis, with ``links`` links."""
    rng = random.Random(2024)
    paragraphs: list[str] = ["# A very long investigation\n", "By Bench Mark\n"]
    size = 0
    paragraph_count = 0
    while size < target_bytes:
        sentence_words = [rng.choice(WORDS) for _ in range(rng.randint(60, 110))]
        paragraph = " ".join(sentence_words).capitalize() + "."
        if paragraph_count % 7 == 0:
            paragraph = f"## Part {paragraph_count // 7 + 1}\n\n{paragraph}"
        elif paragraph_count % 5 == 0:
            paragraph = f"> *{paragraph}*"
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        paragraph_count += 1
    # Spread the links evenly over the paragraphs.
    body = paragraphs[2:]
    for index in range(links):
        target = index * len(body) // links
        href = "#" if index % 3 == 0 else f"https://source{index}.example.org/doc/{index}"
        body[target] += f" See [source number {index}]({href})."
    return "\n\n".join(paragraphs[:2] + body)


def median_seconds(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="factcheck-bench-")
    os.environ.setdefault("DATA_DIR", workdir)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims.models import Article
    from claims.policies import OPERATOR
    from claims.services.articles import article_import
    from texts.extraction import extract_markdown

    database = connection.vendor
    call_command("migrate", verbosity=0)
    created: list[int] = []

    demo = DEMO.read_text(encoding="utf-8")
    big = generated_markdown()
    big_links = len(extract_markdown(big).links)

    def import_(content: str):
        def run() -> None:
            article = article_import(
                content=content, source_format="markdown", force=True, imported_by=OPERATOR
            )
            created.append(article.pk)

        return run

    print(f"database: {database}; runs: {args.runs} (median)")
    for label, content, runs, goal in [
        ("demo article", demo, args.runs, 0.050),
        (f"generated {len(big.encode()) / 1e6:.2f} MB, {big_links} links", big, 5, 2.0),
    ]:
        parse = median_seconds(lambda c=content: extract_markdown(c), runs)
        full = median_seconds(import_(content), runs)
        verdict = "ok" if full < goal else "OVER GOAL"
        print(
            f"{label:<40} extract {parse * 1000:8.1f} ms   import {full * 1000:8.1f} ms   "
            f"goal < {goal * 1000:.0f} ms: {verdict}"
        )
    Article.objects.filter(pk__in=created).delete()


if __name__ == "__main__":
    main()
