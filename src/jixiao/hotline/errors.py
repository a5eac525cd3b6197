"""Errors of the hotline app."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class HotlineInputError(JixiaoError):
    """A form or request field missing or wrong."""

    code = "hotline_input"
    status = 422
    message = _("{field}: {problem}")


class HotlineKeyError(JixiaoError):
    """A push without a valid key of an active hotline system."""

    code = "hotline_key"
    status = 401
    message = _("The hotline system's key is missing, wrong or withdrawn.")


class ProposalStateError(JixiaoError):
    """A weight proposal already decided."""

    code = "hotline_proposal_state"
    status = 409
    message = _("This proposal was {state} already.")
