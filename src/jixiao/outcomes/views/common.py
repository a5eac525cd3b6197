"""What the pages of using the results share: who may open them, a cycle through ``restrict()``, an upload kept in
a temporary file while a service reads it, and a form's refusal beside its field."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from jixiao.accounts.choices import Role
from jixiao.accounts.querysets import role_of
from jixiao.core.errors import JixiaoError, NotFoundError
from jixiao.cycles.models import Cycle
from jixiao.web.helpers import get_cycle


def office(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def office_or_auditor(request: HttpRequest) -> None:
    """The cycle-wide pages (proposals, weights, fairness, the report) are the office's and the auditors'."""
    if role_of(request.user) not in (Role.ADMIN, Role.AUDITOR):
        raise Http404(_("No such page."))


def cycle_for(request: HttpRequest, code: str) -> Cycle:
    office_or_auditor(request)
    return get_cycle(request.user, code)


@contextmanager
def saved(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file with its own name's suffix (the services read paths), removed afterwards."""
    suffix = Path(upload.name or "file").suffix[:8].lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        yield path


def run_form(form: forms.Form, fn: Callable[[], Any]) -> Any:
    """Call a service; its refusal goes onto the form (beside the field it names, else above); a hidden object is a
    404. Returns the service's result, None when refused."""
    try:
        return fn()
    except NotFoundError as exc:
        raise Http404(exc.text) from None
    except JixiaoError as exc:
        field = str(exc.params.get("field", "")) if exc.params else ""
        for name, f in form.fields.items():
            if field and str(f.label) == field:
                form.add_error(name, exc.text)
                return None
        form.add_error(None, exc.text)
        return None
