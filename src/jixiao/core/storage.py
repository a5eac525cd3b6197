"""Storage of uploaded files that no URL serves: import files and evidence (佐证材料) are opened only through
views that check access."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


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
