"""Give the roles their editorial permissions, and compute the consensus of claims
rated before this app existed."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from accounts.roles import ensure_roles
from editorial.consensus import consensus_of

# As claims.models.VERDICT_ORDINALS when this migration was written.
ORDINALS = {"true": 5, "mostly_true": 4, "mixed": 3, "mostly_false": 2, "false": 1}


def update_roles(apps, schema_editor):
    ensure_roles(apps)


def compute_consensus(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    ClaimConsensus = apps.get_model("editorial", "ClaimConsensus")
    verdicts: dict[int, list[str]] = {}
    for claim_id, verdict in Rating.objects.values_list("claim_id", "verdict").order_by("claim_id"):
        verdicts.setdefault(claim_id, []).append(verdict)
    now = timezone.now()
    rows = []
    for claim_id, claim_verdicts in verdicts.items():
        result = consensus_of(
            claim_verdicts,
            ordinals=ORDINALS,
            min_ratings=settings.CONSENSUS_MIN_RATINGS,
            min_agreement=settings.CONSENSUS_MIN_AGREEMENT,
        )
        rows.append(
            ClaimConsensus(
                claim_id=claim_id,
                state=result.state,
                verdict=result.verdict or "",
                agreement=result.agreement,
                ratings_count=result.ratings,
                updated_at=now,
            )
        )
    ClaimConsensus.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0001_initial"),
        ("accounts", "0002_roles"),
        ("claims", "0002_fetching"),
    ]

    operations = [
        migrations.RunPython(update_roles, migrations.RunPython.noop),
        migrations.RunPython(compute_consensus, migrations.RunPython.noop),
    ]
