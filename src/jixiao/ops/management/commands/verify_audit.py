"""``jixiao verify_audit``: check the audit trail (its chain and its checkpoints); exit 1 on any problem.

``--acknowledge REASON`` records, in the checkpoint file, that checkpoints no longer matching because the
database went back on purpose (a restore from an older backup, a database started over) are accepted;
see docs/audit.md."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from jixiao.audit.services import ChainReport, acknowledge_checkpoints, verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit trail: recompute every event's hash and link and compare the chain with its "
        "checkpoints; report any changed, removed or inserted event and exit with status 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--acknowledge",
            metavar="REASON",
            help="accept that the database went back on purpose (a restore, a fresh start): this chain's "
            "checkpoints it no longer matches, and those of other chains, stop counting; the reason is recorded "
            "in the checkpoint file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = (options.get("acknowledge") or "").strip()
        if options.get("acknowledge") is not None:
            if not reason:
                raise CommandError(_("--acknowledge needs a reason, e.g. the backup that was restored."))
            for chain, seq in acknowledge_checkpoints(reason):
                self.stdout.write(
                    _("acknowledged: chain %(chain)s, checkpoints beyond #%(seq)s no longer count")
                    % {"chain": chain, "seq": seq}
                )
        report = verify_chain()
        self.stdout.write(self._head(report))
        if report.ok:
            self.stdout.write(
                _("audit trail intact: %(events)s events, %(checkpoints)s checkpoints")
                % {"events": f"{report.checked:,}", "checkpoints": f"{report.checkpoints:,}"}
            )
            return
        for problem in report.problems:
            self.stderr.write(f"[{problem.code}] {problem.message}")
        raise CommandError(
            _("audit trail broken: %(count)s problems in %(events)s events and %(checkpoints)s checkpoints")
            % {
                "count": len(report.problems),
                "events": f"{report.checked:,}",
                "checkpoints": f"{report.checkpoints:,}",
            },
            returncode=1,
        )

    @staticmethod
    def _head(report: ChainReport) -> str:
        """The line to copy off the host (docs/audit.md): it pins the whole chain up to the head."""
        return _("head: chain %(chain)s #%(seq)s %(hash)s (checkpointed up to #%(checkpointed)s)") % {
            "chain": report.chain or "-",
            "seq": report.head_seq,
            "hash": report.head_hash or "-",
            "checkpointed": report.checkpointed_seq,
        }
