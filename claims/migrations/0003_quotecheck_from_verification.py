import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """QuoteCheck moves here from the verification app; its table was created there."""

    dependencies = [
        ('claims', '0002_fetching'),
        ('verification', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='QuoteCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quote', models.TextField()),
                        ('result', models.CharField(choices=[('exact', 'Exact'), ('altered', 'Altered'), ('not_found', 'Not found'), ('source_unavailable', 'Source unavailable')], max_length=20)),
                        ('score', models.FloatField(default=0.0)),
                        ('source_wording', models.TextField(blank=True)),
                        ('source_start', models.PositiveIntegerField(blank=True, null=True)),
                        ('source_end', models.PositiveIntegerField(blank=True, null=True)),
                        ('flags', models.JSONField(blank=True, default=list)),
                        ('checked_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('claim', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='quote_checks', to='claims.claim')),
                        ('evidence', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='quote_checks', to='claims.evidence')),
                        ('snapshot', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.sourcesnapshot')),
                        ('source', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='quote_checks', to='claims.source')),
                    ],
                    options={
                        'db_table': 'verification_quotecheck',
                        'ordering': ['-checked_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('claim__isnull', False), ('evidence__isnull', True), ('source__isnull', False)), models.Q(('claim__isnull', True), ('evidence__isnull', False), ('source__isnull', True)), _connector='OR'), name='quote_check_claim_source_or_evidence'), models.UniqueConstraint(fields=('claim', 'source'), name='quote_check_one_per_claim_source'), models.UniqueConstraint(fields=('evidence',), name='quote_check_one_per_evidence'), models.CheckConstraint(condition=models.Q(('result__in', ['exact', 'altered', 'not_found', 'source_unavailable'])), name='quote_check_result_valid')],
                    },
                ),
            ],
            database_operations=[],
        )
    ]
