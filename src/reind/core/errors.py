"""One exception hierarchy for the whole of reind.

Each class has a stable ``code`` (for machines), an HTTP ``status`` (for the
API's RFC 9457 problem details) and keyword ``fields`` (structured detail).
The CLI prints ``str(error)`` as one line on stderr and exits with code 2.

::

    ReindError
     ├── InvalidInputError      400  bad input from a person or a file
     │    ├── ParameterFileError     a rules parameter file is malformed
     │    └── SystemOwnedFieldError  422  a field only the system may set was sent
     ├── RuleError              422  a rule cannot be applied to this case
     ├── ForbiddenError         403  the caller may not do this
     ├── NotFoundError          404  no such thing
     ├── ConflictError          409  stale version, duplicate, invariant broken
     └── DatabaseBusyError      503  the database stayed locked: try again shortly
"""

from __future__ import annotations

from typing import Any, ClassVar


class ReindError(Exception):
    """Base of every error reind raises on purpose."""

    code: ClassVar[str] = "reind_error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, message: str, *, zh: str | None = None, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.message_zh = zh
        self.fields = fields

    def localized(self, lang: str) -> str:
        """The message in ``lang`` ("en" or "zh-Hant"), English when no translation was given."""
        if lang == "zh-Hant" and self.message_zh:
            return self.message_zh
        return self.message

    def __str__(self) -> str:
        return self.message

    def problem(self) -> dict[str, Any]:
        """The error as an RFC 9457 problem-details body."""
        body: dict[str, Any] = {
            "type": f"https://reind.example/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.message,
            "code": self.code,
        }
        if self.message_zh:
            body["detail_zh_hant"] = self.message_zh
        body.update({k: v for k, v in self.fields.items() if _jsonable(v)})
        return body

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer should carry (Retry-After, for instance); none by default."""
        return {}


def _jsonable(value: Any) -> bool:
    return isinstance(value, str | int | float | bool | list | dict | type(None))


class InvalidInputError(ReindError):
    """Input that cannot be accepted as given; the message says what to fix."""

    code = "invalid_input"
    status = 400
    title = "Invalid input"


class ParameterFileError(InvalidInputError):
    """A parameter YAML file breaks the schema; names the file and line."""

    code = "invalid_parameter_file"

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {problem}", path=path, line=line)


class SystemOwnedFieldError(InvalidInputError):
    """A request set a field that only the system sets (a received date, a claim's date).

    Such dates decide which year's rules apply, so they are the server's;
    the message says who may change one and how.
    """

    code = "system_owned_field"
    status = 422
    title = "Field set by the system"

    def __init__(self, field: str, why_en: str, why_zh: str) -> None:
        super().__init__(
            f"{field} is set by the system, not by the request: {why_en}",
            zh=f"{field} 由系統設定，不可在請求中提供：{why_zh}",
            field=field,
        )


class RuleError(ReindError):
    """A rule cannot be applied: unknown scheme, date before it existed..."""

    code = "rule_error"
    status = 422
    title = "Rule cannot be applied"


class ForbiddenError(ReindError):
    """The caller is not allowed to do or see this."""

    code = "forbidden"
    status = 403
    title = "Forbidden"


class NotFoundError(ReindError):
    """The thing asked for does not exist (or the caller may not know it does)."""

    code = "not_found"
    status = 404
    title = "Not found"


class ConflictError(ReindError):
    """A stale version, a duplicate, or an invariant the change would break."""

    code = "conflict"
    status = 409
    title = "Conflict"


class DatabaseBusyError(ReindError):
    """The database stayed locked by other writers past its busy timeout (SQLite).

    Nothing was stored: the unit of work was rolled back, so the same
    request may simply be sent again after ``retry_after_seconds``.
    """

    code = "database_busy"
    status = 503
    title = "Database busy"

    def __init__(self, retry_after_seconds: int = 1) -> None:
        self.retry_after_seconds = retry_after_seconds
        super().__init__(
            "the database is busy with other changes and nothing was stored: "
            f"send the request again in {retry_after_seconds} second(s)",
            retry_after_seconds=retry_after_seconds,
        )

    def headers(self) -> dict[str, str]:
        """RFC 9110 Retry-After, in seconds."""
        return {"Retry-After": str(self.retry_after_seconds)}
