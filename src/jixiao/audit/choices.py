"""Words of the audit trail. The sources of writes are shared by every app, so they live in core."""

from jixiao.core.choices import Source

__all__ = ["Source"]
