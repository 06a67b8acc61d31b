"""Each claim gets a number within its article (C1, C2, ...) that is never given again.

Existing claims are numbered in the order they were created, and each article's counter
starts after its highest number.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce


def number_claims(apps, schema_editor):
    Article = apps.get_model("claims", "Article")
    Claim = apps.get_model("claims", "Claim")
    HistoricalClaim = apps.get_model("claims", "HistoricalClaim")
    for article_id in Article.objects.values_list("pk", flat=True).iterator():
        claims = list(
            Claim.objects.filter(article_id=article_id).order_by("created_at", "id").only("id")
        )
        for number, claim in enumerate(claims, start=1):
            claim.number = number
        Claim.objects.bulk_update(claims, ["number"], batch_size=500)
        Article.objects.filter(pk=article_id).update(last_claim_number=len(claims))
    # A deleted claim's history keeps 0: it was never given a number.
    number = Claim.objects.filter(pk=OuterRef("id")).values("number")[:1]
    HistoricalClaim.objects.update(number=Coalesce(Subquery(number), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_fetch_liveness"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="last_claim_number",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="claim",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="number",
            field=models.PositiveIntegerField(editable=False, null=True),
        ),
        migrations.RunPython(number_claims, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="claim",
            name="number",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="The claim's number in its article (C1, C2, ...); never reused.",
            ),
        ),
        migrations.AlterField(
            model_name="historicalclaim",
            name="number",
            field=models.PositiveIntegerField(
                editable=False,
                help_text="The claim's number in its article (C1, C2, ...); never reused.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("article", "number"),
                name="claim_unique_number",
                violation_error_message="A claim of this article already has this number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=Q(number__gte=1), name="claim_number_positive"
            ),
        ),
    ]
