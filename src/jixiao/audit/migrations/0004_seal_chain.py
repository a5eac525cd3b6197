"""Give the chain head its random id and seal it with the audit key.

Every event written so far is legacy (version 1): ``legacy_seq`` = the head's number. A chain with no events
yet starts from its own genesis hash instead of zeros. The seal needs the audit key, so migrate with the
key the application uses (``AUDIT_KEY``, or the embedded default ``DATA_DIR/audit.key``, made here if it does
not exist yet)."""

from typing import Any

from django.db import migrations

LEGACY_GENESIS = "0" * 64


def seal_head(apps: Any, schema_editor: Any) -> None:
    from jixiao.audit.chain import genesis, new_chain_id, seal
    from jixiao.audit.keys import audit_key

    head_model = apps.get_model("audit", "AuditChainHead")
    for head in head_model.objects.filter(chain_id=""):
        head.chain_id = new_chain_id()
        head.legacy_seq = head.seq
        if head.seq == 0:
            head.hash = genesis(head.chain_id)
        head.seal = seal(audit_key(), head.chain_id, head.legacy_seq)
        head.save(update_fields=["chain_id", "legacy_seq", "hash", "seal"])


def unseal_head(apps: Any, schema_editor: Any) -> None:
    head_model = apps.get_model("audit", "AuditChainHead")
    head_model.objects.filter(seq=0).update(hash=LEGACY_GENESIS)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_versions")]  # noqa: RUF012 - Django's migration format
    operations = [migrations.RunPython(seal_head, unseal_head)]  # noqa: RUF012
