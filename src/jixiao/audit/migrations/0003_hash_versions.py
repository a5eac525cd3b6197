"""Hash version 2: each event says how its hash was made, and the head carries the chain's id and seal.

Events already written get version 1 (their plain SHA-256 digest stays as it is: history is never
rewritten); the head's id and seal are filled in by 0004."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]  # noqa: RUF012 - Django's migration format

    operations = [  # noqa: RUF012
        migrations.AddField(
            model_name="auditevent",
            name="version",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "SHA-256 (legacy)"), (2, "HMAC-SHA256 with the audit key")],
                default=1,
                verbose_name="hash version",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.CheckConstraint(
                condition=models.Q(version__in=[1, 2]),
                name="audit_event_known_version",
                violation_error_message="An audit event's hash version is 1 or 2.",
            ),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="chain_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="legacy_seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="seal",
            field=models.CharField(blank=True, max_length=64),
        ),
    ]
