"""Errors of accounts."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class NotSignedInError(JixiaoError):
    """An endpoint for signed-in users was called anonymously."""

    code = "not_signed_in"
    status = 401
    message = _("Sign in first.")


class WeakPasswordError(JixiaoError):
    """A new password was refused by the configured validators (``AUTH_PASSWORD_VALIDATORS``): too short,
    too common, all digits or too close to the account's name. ``reasons`` are the validators' messages."""

    code = "weak_password"
    status = 422
    message = _("The password was refused: {reasons}")


class SignInLockedError(JixiaoError):
    """Too many failed sign-ins for one account from one address (django-axes); the pair may try again
    after the cool-off, which every further attempt restarts."""

    code = "sign_in_locked"
    status = 429
    message = _(
        "Too many failed sign-in attempts for this account from your address. Sign-in is paused for "
        "{minutes} minutes; every attempt in the meantime starts the wait again. If you have forgotten "
        "the password, ask the assessment office."
    )
