"""Opening an evidence file. Everything starts from ``Evidence.objects.restrict()``: a file the user may not
open answers 404 like one that does not exist. A file is always downloaded, never shown in the browser, with
the content type its content was found to be and a sandbox policy, so that no file can run a script on this
site even if a browser were to render it."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jixiao.core.choices import Action
from jixiao.evidence.models import Evidence
from jixiao.web.helpers import web_login_required


def file_response(evidence: Evidence) -> FileResponse:
    """The file as an attachment under its original name (the page and the API answer with this)."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The evidence file is missing from the file store.")) from None
    response = FileResponse(handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@web_login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    evidence: Evidence | None = Evidence.objects.restrict(request.user, Action.VIEW).filter(pk=pk).first()
    if evidence is None:
        raise Http404(_("No such evidence file."))
    return file_response(evidence)
