from django.db import migrations


class Migration(migrations.Migration):
    """The model now belongs to the claims app; its table stays as it is."""

    dependencies = [
        ("verification", "0001_initial"),
        ("claims", "0003_quotecheck_from_verification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="QuoteCheck")],
            database_operations=[],
        )
    ]
