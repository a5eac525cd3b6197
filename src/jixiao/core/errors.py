"""The base of every platform error: a stable ``code``, a translatable message and an HTTP status
(after Zulip's ``JsonableError``). The API answers ``{"code": ..., "message": ...}``; commands print the
message and exit with status 2 for bad input.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class JixiaoError(Exception):
    """A refusal the user can act on. Subclasses set ``code``, ``status`` and a ``message`` template."""

    code: ClassVar[str] = "error"
    status: ClassVar[int] = 400
    message: ClassVar[Any] = _("The request was refused.")

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.params = params
        template = str(message if message is not None else self.message)
        self.text = template.format(**params) if params else template
        super().__init__(self.text)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.text, **({"details": self.params} if self.params else {})}


class NotFoundError(JixiaoError):
    """Also the answer for an object the user may not see: the two are indistinguishable on purpose."""

    code = "not_found"
    status = 404
    message = _("No such {what}.")


class PermissionDeniedError(JixiaoError):
    """The user may see the object but not do this to it."""

    code = "permission_denied"
    status = 403
    message = _("You may not {action} this {what}.")


class InvalidInputError(JixiaoError):
    """Input refused at the edge, with every problem listed (file, row, column, reason)."""

    code = "invalid_input"
    status = 422
    message = _("The input was refused: {problems}")


class ImportRefusedError(InvalidInputError):
    """A file import refused as a whole; ``problems`` are (file, row, column, reason)."""

    code = "import_refused"
    message = _("{count} problems; nothing was imported.")

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]]) -> None:
        super().__init__(count=len(problems))
        self.problems = problems

    @classmethod
    def from_input_error(cls, exc: Any) -> ImportRefusedError:
        """From the engine's InputError, whose items are problems (file, row, column, reason) or text."""
        return cls(
            [
                (p.file, p.row, p.column, p.reason) if not isinstance(p, str) else ("", None, None, p)
                for p in exc.items
            ]
        )

    def lines(self) -> list[str]:
        return [
            f"{f}" + (f", row {r}" if r is not None else "") + (f", column {c}" if c else "") + f": {why}"
            for f, r, c, why in self.problems
        ]


def validate(obj: Any, **kwargs: Any) -> None:
    """``obj.full_clean(**kwargs)``, with Django's ValidationError turned into InvalidInputError (a stable
    code, status 422, every field's messages), so that services refuse bad input the same way everywhere."""
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {msg}" if field != "__all__" else str(msg)
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        )
        raise InvalidInputError(problems=problems) from None
