"""Storage of uploaded files that no URL serves: import files and evidence (佐证材料) are opened only through
views that check access."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Uploaded files kept outside the public media path, in ``PRIVATE_ROOT`` as it is set when a file is
    stored or opened (not when the model was loaded): no URL serves them."""

    @property  # FileSystemStorage caches it; this follows the setting
    def base_location(self) -> str:
        return str(settings.PRIVATE_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


private_storage = PrivateStorage()


class QuickerBrotli(Compressor):  # type: ignore[misc]  # whitenoise is untyped
    """Brotli at quality 9 rather than 11: the chart bundle's copy is 8 % larger (444 KB against 410 KB; gzip
    496 KB) and collecting the static files takes seconds instead of half a minute (the demo collects them at
    every start)."""

    @staticmethod
    def compress_brotli(data: bytes) -> bytes:
        import brotli

        return bytes(brotli.compress(data, quality=9))


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # whitenoise is untyped
    """Static files under hashed names (``web.3f2a….css``) with gzip copies, which whitenoise serves with a
    year-long, immutable Cache-Control: a browser never asks again, and a changed file has a new name. Before
    ``collectstatic`` has run (the tests, a first ``runserver``) a file has no hashed copy yet: its own name is
    used, and the static files finders serve it."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return QuickerBrotli(**kwargs)

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected: neither in the manifest nor in STATIC_ROOT to be hashed
            return name
