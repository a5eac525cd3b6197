"""Roles of the platform's users: defined in ``jixiao.core.roles`` (every app's access rules use them)."""

from jixiao.core.roles import Role

__all__ = ["Role"]
