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
    """A file import refused as a whole. ``problems`` are the first ``KEPT`` of them (file, row, column, reason);
    ``total`` counts them all: a million bad rows are reported as the first hundred and a count, not a million
    lines."""

    code = "import_refused"
    message = _("{count} problems; nothing was imported.")
    KEPT = 100

    def __init__(self, problems: list[tuple[str, int | None, str | None, str]], total: int | None = None,
                 shown: int | None = None) -> None:
        self.total = len(problems) if total is None else total
        super().__init__(count=self.total)
        self.problems = problems[: self.KEPT]
        #: How many problems the kept lines account for (a summary line like "... and 130 more cells" is many).
        self.shown = len(self.problems) if shown is None else shown

    @classmethod
    def from_input_error(cls, exc: Any) -> ImportRefusedError:
        """From the engine's InputError, whose items are problems (file, row, column, reason) or text."""
        items = list(exc.items)
        return cls(
            [
                (p.file, p.row, p.column, p.reason) if not isinstance(p, str) else ("", None, None, p)
                for p in items[: cls.KEPT]
            ],
            total=sum(getattr(p, "count", 1) for p in items),
            shown=sum(getattr(p, "count", 1) for p in items[: cls.KEPT]),
        )

    def lines(self) -> list[str]:
        out = [
            f"{f}" + (f", row {r}" if r is not None else "") + (f", column {c}" if c else "") + f": {why}"
            for f, r, c, why in self.problems
        ]
        if self.total > self.shown:
            out.append(f"... and {self.total - self.shown:,} more problems")
        return out


class ImportTooManyRowsError(InvalidInputError):
    """The file has more rows than an import accepts (``IMPORT_MAX_ROWS`` for the office's import jobs)."""

    code = "import_too_many_rows"
    message = _("The file has {rows} rows; an import takes at most {limit} rows. Split it into smaller files.")


class Problems:
    """Problems found while checking a file, row by row: the first ``ImportRefusedError.KEPT`` are kept and the
    rest only counted, so checking a file with a million bad rows takes no more memory than one with a hundred."""

    def __init__(self) -> None:
        self.first: list[tuple[str, int | None, str | None, str]] = []
        self.count = 0

    def add(self, problem: tuple[str, int | None, str | None, str]) -> None:
        self.count += 1
        if len(self.first) < ImportRefusedError.KEPT:
            self.first.append(problem)

    def __bool__(self) -> bool:
        return self.count > 0

    def refusal(self) -> ImportRefusedError:
        return ImportRefusedError(self.first, total=self.count)


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


#: The longest free text a service keeps (grounds, reasons, answers, minutes: a page of text; more is refused).
TEXT_MAX = 20_000


def clean_text(name: str, text: str, error: type[JixiaoError], *, required: bool = True) -> str:
    """``text`` stripped, or ``error(field=name, problem=...)`` when it is required and empty or longer than
    ``TEXT_MAX``: the one check of a free-text field of the services."""
    text = (text or "").strip()
    if required and not text:
        raise error(field=name, problem=_("required"))
    if len(text) > TEXT_MAX:
        raise error(field=name, problem=_("longer than %(n)s characters") % {"n": TEXT_MAX})
    return text
