"""Errors of the audit trail."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class AuditOutsideTransactionError(JixiaoError):
    """An event must be written in the transaction of the write it records."""

    code = "audit_outside_transaction"
    status = 500
    message = _("An audit event was written outside a transaction.")
