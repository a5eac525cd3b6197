"""Errors of the audit trail."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class AuditOutsideTransactionError(JixiaoError):
    """An event must be written in the transaction of the write it records."""

    code = "audit_outside_transaction"
    status = 500
    message = _("An audit event was written outside a transaction.")


class AuditKeyMismatchError(JixiaoError):
    """The chain head's seal does not match the audit key: writing on would chain events under a key the
    trail was not written with, so nothing is written until the key is right (docs/audit.md)."""

    code = "audit_key_mismatch"
    status = 500
    message = _(
        "The audit key ({source}) is not the key the audit trail was written with; nothing is written until "
        "it is. Is AUDIT_KEY the key the trail was written with?"
    )
