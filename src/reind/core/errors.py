"""One exception hierarchy for the whole of reind.

Each class has a stable ``code`` (for machines), an HTTP ``status`` (for the
API's RFC 9457 problem details) and keyword ``fields`` (structured detail).
The CLI prints ``str(error)`` as one line on stderr and exits with code 2.

::

    ReindError
     ├── InvalidInputError      400  bad input from a person or a file
     │    └── ParameterFileError     a rules parameter file is malformed
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

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

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
