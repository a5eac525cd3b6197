"""Typed readers of environment variables for ``settings.py`` (after healthchecks' ``hc/settings.py``).

Each reader fails loudly on a value it cannot use, naming the variable, rather than guessing. A secret
may come from a file instead: ``NAME_FILE=/run/secrets/name`` is read when ``NAME`` is unset.

>>> import os
>>> os.environ["JIXIAO_DOCTEST_FLAG"] = "yes"
>>> env_bool("JIXIAO_DOCTEST_FLAG", False)
True
>>> os.environ["JIXIAO_DOCTEST_FLAG"] = "maybe"
>>> env_bool("JIXIAO_DOCTEST_FLAG", False)
Traceback (most recent call last):
...
django.core.exceptions.ImproperlyConfigured: JIXIAO_DOCTEST_FLAG='maybe' is not a boolean ...
>>> del os.environ["JIXIAO_DOCTEST_FLAG"]
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's text; else the content of the file named by ``NAME_FILE``; else ``default``."""
    if name in os.environ:
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from None
    return default


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """A comma-separated list; empty items are dropped."""
    raw = env_str(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env_str(name, default) or default
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} must be one of {', '.join(choices)}")
    return raw
