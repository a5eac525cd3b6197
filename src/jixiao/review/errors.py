"""Errors of the review, appeals and hearings."""

from django.utils.translation import gettext_lazy as _

from jixiao.core.errors import JixiaoError


class ReviewNotConfirmedError(JixiaoError):
    """Publicity needs the office's confirmed review of the current results."""

    code = "review_not_confirmed"
    status = 409
    message = _("{cycle}: the office has not confirmed its review of the current results; confirm it first.")


class ResultsOutOfDateError(JixiaoError):
    """The results were computed from data that have changed since."""

    code = "results_out_of_date"
    status = 409
    message = _("{cycle}: the results are out of date (data changed after the last compute); recompute first.")


class ConfirmationRequiredError(JixiaoError):
    """A step that cannot be undone is taken only with an explicit confirmation; the message says what it does."""

    code = "confirmation_required"
    status = 409
    message = _("Please confirm: {what}")


class AppealDeadlineError(JixiaoError):
    """The publicity ended: appeals are no longer drafted or signed."""

    code = "appeal_deadline_passed"
    status = 409
    message = _("The appeal period of {cycle} ended at {deadline}; appeals can no longer be lodged.")


class AppealStepNotAllowedError(JixiaoError):
    """The step is not open to this user for the appeal as it stands."""

    code = "appeal_step_not_allowed"
    status = 409
    message = _("Appeal of {unit}: cannot {step} an appeal that is {state}.")


class AppealInputError(JixiaoError):
    """An appeal, decision, correction or hearing with a field missing or wrong."""

    code = "appeal_input"
    status = 422
    message = _("{field}: {problem}")


class OpenAppealsError(JixiaoError):
    """The final publication waits for every lodged appeal to be decided."""

    code = "open_appeals"
    status = 409
    message = _("{count} appeals are not decided yet ({units}); decide them before the final publication.")


class PublicityNotOverError(JixiaoError):
    """The final publication comes after the publicity period."""

    code = "publicity_not_over"
    status = 409
    message = _("The publicity of {cycle} runs until {deadline}; the results can be finalised after it.")


class NotTheUnitsOwnError(JixiaoError):
    """Only a unit's own operator (or the office) drafts its appeals."""

    code = "not_the_units_own"
    status = 403
    message = _("{unit}: an appeal is drafted by the unit's own operator.")
