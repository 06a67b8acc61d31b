"""Let go of the raw bodies of superseded snapshots past SNAPSHOT_BODY_RETENTION_DAYS."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from claims.archives import prune_bodies


class Command(BaseCommand):
    help = (
        "Delete the stored raw bodies of snapshots that a later fetch of the same source or "
        "evidence superseded, once they are older than SNAPSHOT_BODY_RETENTION_DAYS. The "
        "latest reading of each source and evidence, and any body a kept snapshot shares, "
        "stay; the snapshots keep their text and say that their body was pruned."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = settings.SNAPSHOT_BODY_RETENTION_DAYS
        if days == 0:
            self.stdout.write("SNAPSHOT_BODY_RETENTION_DAYS is 0: bodies are kept forever.")
            return
        result = prune_bodies(dry_run=options["dry_run"])
        verb = "Would prune" if options["dry_run"] else "Pruned"
        self.stdout.write(
            f"{verb} the bodies of {result.snapshots} snapshots older than {days} days "
            f"({result.bodies} stored bodies deleted); {result.kept_shared} kept, "
            "their body shared with a snapshot that stays."
        )
