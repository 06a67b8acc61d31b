from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from memory import services


class Command(BaseCommand):
    help = "Compute the vector of every claim whose text changed (all of them with --force)."

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
        self.stdout.write(self.style.SUCCESS(f"Done: {computed} vectors computed."))
