"""A reviewer's ratings indexed by reviewer, then claim: the claims a reviewer rated are
read off the index alone. It replaces the reviewer's own index, made first."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0019_search_config_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(fields=["reviewer", "claim"], name="rating_by_reviewer"),
        ),
        migrations.AlterField(
            model_name="rating",
            name="reviewer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="ratings",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
