"""Scheme files (YAML) and the templates shipped in the package (``engine/templates/*.yaml``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jixiao.engine.errors import SchemeError
from jixiao.engine.scheme import Scheme
from jixiao.engine.validation import parse_scheme


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping (PyYAML would keep the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise SchemeError([f"line {line}: key {key!r} is written twice in one mapping (first on line "
                               f"{seen[key]})"])
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_scheme_text(text: str) -> Scheme:
    """Parse and validate a scheme from YAML text."""
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: safe
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "(file)"
        raise SchemeError([f"{where}: not valid YAML ({exc.problem})"]) from None
    except yaml.YAMLError as exc:
        raise SchemeError([f"(file): not valid YAML ({exc})"]) from None
    return parse_scheme(raw)


def load_scheme(path: str | Path) -> Scheme:
    """Read and validate a scheme file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SchemeError([f"{p}: file not found"]) from None
    except UnicodeDecodeError:
        raise SchemeError([f"{p}: not UTF-8 text"]) from None
    return read_scheme_text(text)


def dump_scheme(scheme: Scheme) -> str:
    """The scheme as YAML; ``read_scheme_text(dump_scheme(s)) == s``."""
    return yaml.safe_dump(scheme.to_dict(), allow_unicode=True, sort_keys=False, width=110)


def _templates_dir() -> Any:
    return resources.files("jixiao.engine") / "templates"


def list_templates() -> list[tuple[str, Scheme]]:
    """The shipped templates as (name, scheme), by name."""
    out = []
    for entry in sorted(_templates_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            out.append((entry.name[: -len(".yaml")], read_scheme_text(entry.read_text(encoding="utf-8"))))
    return out


def template_text(name: str) -> str:
    entry = _templates_dir() / f"{name}.yaml"
    if not entry.is_file():
        names = ", ".join(n for n, _ in list_templates())
        raise KeyError(f"no template {name!r}; the templates are: {names}")
    return str(entry.read_text(encoding="utf-8"))


def load_template(name: str) -> Scheme:
    return read_scheme_text(template_text(name))
