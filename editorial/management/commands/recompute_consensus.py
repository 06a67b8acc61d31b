"""``manage.py recompute_consensus``: after changing CONSENSUS_MIN_RATINGS or
CONSENSUS_MIN_AGREEMENT, or after deleting accounts (their ratings go with them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from editorial.services.consensus import consensus_recompute_all


class Command(BaseCommand):
    help = "Recompute the stored consensus of every rated claim from its ratings."

    def handle(self, *args: Any, **options: Any) -> None:
        count = consensus_recompute_all()
        if options["verbosity"]:
            self.stdout.write(f"Recomputed the consensus of {count} claims.")
