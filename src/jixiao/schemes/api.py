"""Schemes through the API: the exported YAML of a scheme version."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from jixiao.api import errors
from jixiao.core.choices import Action
from jixiao.schemes.models import Scheme
from jixiao.schemes.services import export_scheme_text

router = Router(tags=["schemes"])


YAML_RESPONSE = {
    200: {
        "description": "The scheme as YAML",
        "content": {"application/yaml": {"schema": {"type": "object", "description": "SCORING.md's scheme format"}}},
    }
}


@router.get("/{code}/{version}.yaml", response=errors(404), openapi_extra={"responses": YAML_RESPONSE})
def export_scheme(request: HttpRequest, code: str, version: int) -> HttpResponse:
    """The scheme as YAML (SCORING.md's format), importable again; the public may read published cycles'."""
    scheme = Scheme.objects.get_for(request.user, Action.VIEW, code=code, version=version)
    return HttpResponse(export_scheme_text(scheme), content_type="application/yaml; charset=utf-8")
