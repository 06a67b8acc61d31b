from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from memory import services


class Command(BaseCommand):
    help = (
        "Compute the vector of every claim whose text changed, then the matches of every "
        "claim that has none stored for its vector (all of them with --force)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Recompute unchanged ones too.")
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)

    def handle(self, *args: Any, force: bool, batch_size: int, **options: Any) -> None:
        def progress(done: int, total: int, computed: int) -> None:
            self.stdout.write(f"{done}/{total} claims, {computed} vectors computed")

        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        computed = services.claim_vectors_rebuild(
            force=force, batch_size=batch_size, progress=progress
        )

        def matched(done: int, total: int) -> None:
            self.stdout.write(f"{done}/{total} claims matched")

        matches = services.claim_matches_rebuild(
            force=force, batch_size=batch_size, progress=matched
        )
        self.stdout.write(
            self.style.SUCCESS(f"Done: {computed} vectors computed, {matches} claims matched.")
        )
