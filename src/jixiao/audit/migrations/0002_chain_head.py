"""Create the audit chain's head row, so that the first writers lock a row that exists instead of racing
to create it."""

from typing import Any

from django.db import migrations

GENESIS = "0" * 64


def create_head(apps: Any, schema_editor: Any) -> None:
    head = apps.get_model("audit", "AuditChainHead")
    head.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS})


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]  # noqa: RUF012 - Django's migration format
    operations = [migrations.RunPython(create_head, migrations.RunPython.noop)]  # noqa: RUF012
