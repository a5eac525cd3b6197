"""A static files finder that serves the plotly.min.js shipped inside the plotly wheel as
``web/vendor/plotly.min.js``: no CDN, nothing fetched at run time, and ``collectstatic`` copies it too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PREFIX = "web/vendor"
NAME = "plotly.min.js"


def plotly_js_dir() -> Path:
    return Path(plotly.__file__).resolve().parent / "package_data"


class PlotlyFinder(BaseFinder):
    """Finds ``web/vendor/plotly.min.js`` in the installed plotly package."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(plotly_js_dir()))
        self.storage.prefix = PREFIX  # type: ignore[attr-defined]  # collectstatic reads it; the stubs omit it

    def check(self, **kwargs: Any) -> list[Any]:
        return []

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # the stubs overload on find_all
        if path == f"{PREFIX}/{NAME}":
            found = str(plotly_js_dir() / NAME)
            return [found] if find_all or kwargs.get("all") else found
        return [] if find_all or kwargs.get("all") else ""

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        yield NAME, self.storage
