"""Refit the suggested claims' weights on the sentences the team marked as claims."""

from __future__ import annotations

import json
import random
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.models import Article
from claims.services.suggestions import fitted_weights_path
from texts import checkworthy


class Command(BaseCommand):
    help = (
        "Fit the check-worthiness weights (logistic regression) on every article's "
        "sentences: those overlapping a claim are positive, the rest negative. A fifth is "
        "held back to compare precision@10 before and after; the weights are written "
        "under DATA_DIR, where the suggestions read them."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Shuffle of the held-back fifth.")
        parser.add_argument("--dry-run", action="store_true", help="Report, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        rows: list[tuple[str, bool]] = []
        labels: list[int] = []
        for article in Article.objects.only("id", "text").iterator(chunk_size=20):
            claims = list(article.claims.values_list("start", "end"))
            if not claims:
                continue  # an article nobody worked on says nothing about what is worth checking
            cites = list(article.sources.values_list("start", "end"))
            for sentence in checkworthy.sentences(article.text):
                a, b = sentence.start, sentence.end
                rows.append((sentence.text, any(s <= b and e >= a for s, e in cites)))
                labels.append(int(any(s < b and e > a for s, e in claims)))
        if sum(labels) < 5 or len(labels) - sum(labels) < 5:
            raise CommandError(
                f"Too few sentences to fit: {sum(labels)} marked and "
                f"{len(labels) - sum(labels)} unmarked; at least 5 of each are needed."
            )
        order = list(range(len(rows)))
        random.Random(options["seed"]).shuffle(order)
        held = set(order[: max(1, len(order) // 5)])
        x = checkworthy.feature_matrix(rows)
        train = [i for i in range(len(rows)) if i not in held]
        test = sorted(held)

        path = fitted_weights_path()
        before = checkworthy.load_weights(path)
        after = checkworthy.fit([x[i] for i in train], [labels[i] for i in train], start=before)

        def p_at_10(weights: dict[str, float]) -> float:
            scores = [
                checkworthy.score(dict(zip(checkworthy.FEATURES, x[i], strict=True)), weights)
                for i in test
            ]
            return checkworthy.precision_at(scores, [labels[i] for i in test], 10)

        self.stdout.write(
            f"{len(rows)} sentences ({sum(labels)} marked), {len(test)} held back.\n"
            f"precision@10 before: {p_at_10(before):.2f}\n"
            f"precision@10 after:  {p_at_10(after):.2f}"
        )
        if options["dry_run"]:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(after, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(f"Weights written to {path}.")
