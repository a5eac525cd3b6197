"""Errors of public satisfaction surveys."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class SurveyInputError(JixiaoError):
    """A survey, question or token request with a field missing or wrong."""

    code = "survey_input"
    status = 422
    message = _("{field}: {problem}")


class SurveyLinkError(JixiaoError):
    """The link or invitation token is unknown, already used, or its survey closed: nothing was changed."""

    code = "survey_link"
    status = 404
    message = _("{problem}")


class SurveyRateLimitedError(JixiaoError):
    """Too many answers from one network within the hour (open links)."""

    code = "survey_rate_limited"
    status = 429
    message = _("Too many questionnaires were submitted from your network: at most {limit} an hour. "
                "Please try again later.")


class SurveyStateError(JixiaoError):
    """The step is not open for the survey as it stands (names the current state)."""

    code = "survey_state"
    status = 409
    message = _("Survey {title}: cannot {step} a survey that is {state}.")
