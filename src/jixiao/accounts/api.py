"""Who am I: the caller's account, role and units (the public gets 401)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from jixiao.accounts.errors import NotSignedInError
from jixiao.accounts.querysets import role_of
from jixiao.api import errors

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    role: str
    units: list[str]


@router.get("/me", response={200: MeOut, **errors(401)})
def me(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's role and units."""
    user = request.user
    if not user.is_authenticated:
        raise NotSignedInError()
    return {
        "username": user.get_username(),
        "role": role_of(user).value,
        "units": sorted(user.units.values_list("code", flat=True)),
    }
