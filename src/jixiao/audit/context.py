"""Where the current write comes from. Set by the web middleware, the API, the admin, commands and jobs;
read by ``record_event``. A context variable, not the request, so audit works with no request at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from jixiao.core.choices import Source

_current: ContextVar[tuple[str, str]] = ContextVar("jixiao_audit_source", default=(Source.SYSTEM, ""))


def current_source() -> tuple[str, str]:
    """(source, context) of the write in progress."""
    return _current.get()


@contextmanager
def audit_source(source: str, context: str = "") -> Iterator[None]:
    """Record writes made inside the block as coming from ``source`` (with ``context``, e.g. the command)."""
    token = _current.set((Source(source), context[:300]))
    try:
        yield
    finally:
        _current.reset(token)
