"""Articles keep the form of their text beside it; existing ones get it from their source."""

from django.db import migrations, models

import claims.models
from texts.extraction import extract


def fill_structure(apps, schema_editor):
    """Re-extract each article from what was imported; keep the structure only when the
    plain text comes out exactly as stored, so no claim's offsets can move."""
    Article = apps.get_model("claims", "Article")
    articles = Article.objects.exclude(source_text="").only("source_text", "source_format", "text")
    batch = []
    for article in articles.iterator(chunk_size=200):
        try:
            document = extract(article.source_text, article.source_format)
        except ValueError:  # an unknown format
            continue
        if document.text == article.text and document.structure:
            article.structure = document.structure
            batch.append(article)
        if len(batch) == 200:
            Article.objects.bulk_update(batch, ["structure"])
            batch = []
    Article.objects.bulk_update(batch, ["structure"])


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_snapshot_anchor_relevance"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="structure",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The form of the text: [kind, start, end] spans of its headings, "
                "paragraphs, quotes, lists and emphasis (texts.structure).",
                validators=[claims.models.validate_structure],
            ),
        ),
        migrations.RunPython(fill_structure, migrations.RunPython.noop, elidable=True),
    ]
