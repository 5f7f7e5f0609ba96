"""One exception hierarchy for the whole of reind.

Each class has a stable ``code`` (for machines), an HTTP ``status`` (for the
API's RFC 9457 problem details) and keyword ``fields`` (structured detail).
The CLI prints ``str(error)`` as one line on stderr and exits with code 2.

Messages are translatable: a service writes the English as a template whose
``{names}`` are keyword fields (``NotFoundError("no claim {claim_id}",
claim_id=...)``), so the same template is the key of the message catalogue
and the fields fill either language; the web layer hands ``localized`` the
catalogue's ``gettext`` (core reads no catalogue itself). A message given
its Chinese inline (``zh=``) keeps it. A field that is a code (a state, a
role, an action) is given as ``Words``, so each language reads words, never
the code; an amount reads as Chinese officials write it (``Money.zh_words``).

::

    ReindError
     ├── InvalidInputError      400  bad input from a person or a file
     │    ├── ParameterFileError     a rules parameter file is malformed
     │    ├── SystemOwnedFieldError  422  a field only the system may set was sent
     │    ├── RefusedInputError      422  well-formed as documented, refused by a rule
     │    └── TooLargeError          413  a file (an upload's part) over its limit
     ├── RuleError              422  a rule cannot be applied to this case
     ├── ForbiddenError         403  the caller may not do this
     ├── NotFoundError          404  no such thing
     ├── ConflictError          409  stale version, duplicate, invariant broken
     ├── TooManyRequestsError   429  too many attempts: try again after Retry-After
     ├── InternalError          500  an unexpected failure (a bug), logged; nothing more done
     └── DatabaseBusyError      503  the database stayed locked: try again shortly
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from string import Formatter
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Words:
    """A code as people read it: English words, and Chinese (given, or from the catalogue).

    A message field that holds a code (``screening``, ``committee_member``)
    is given as ``Words`` so that neither language shows the code; problem
    details still carry the ``code`` for machines.
    """

    code: str
    en: str
    zh: str | None = None

    def __format__(self, spec: str) -> str:
        return format(self.en, spec)

    def __str__(self) -> str:
        return self.en

    def chinese(self, gettext: Callable[[str], str] | None) -> str:
        """The Chinese words: given, else the catalogue's translation of the English."""
        if self.zh:
            return self.zh
        return gettext(self.en) if gettext is not None else self.en


def in_chinese(value: Any, gettext: Callable[[str], str] | None = None) -> Any:
    """A field's value as a Chinese message shows it (words for codes, amounts in 港元)."""
    if isinstance(value, Words):
        return value.chinese(gettext)
    if isinstance(value, ReindError):
        return value.localized("zh-Hant", gettext)
    zh_words = getattr(value, "zh_words", None)
    if callable(zh_words):
        return zh_words()
    if isinstance(value, list | tuple) and value and isinstance(value[0], Words):
        return "、".join(v.chinese(gettext) for v in value)
    return value


class ReindError(Exception):
    """Base of every error reind raises on purpose."""

    code: ClassVar[str] = "reind_error"
    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, message: str, *, zh: str | None = None, **fields: Any) -> None:
        self.template = message
        self.fields = fields
        self.message = _filled(message, {name: _in_english(v) for name, v in fields.items()})
        # inline Chinese is a template too: its fields were shown raw ("{kinds}") before
        self.message_zh = _filled(zh, {n: in_chinese(v) for n, v in fields.items()}) if zh else None
        super().__init__(self.message)

    def localized(self, lang: str, gettext: Callable[[str], str] | None = None) -> str:
        """The message in ``lang`` ("en" or "zh-Hant"): the inline Chinese, else the catalogue's.

        English when neither has a translation.
        """
        if lang != "zh-Hant":
            return self.message
        if self.message_zh:
            return self.message_zh
        if gettext is not None:
            translated = gettext(self.template)
            if translated != self.template:
                chinese = {name: in_chinese(v, gettext) for name, v in self.fields.items()}
                return _filled(translated, chinese)
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
        for name, value in self.fields.items():
            if isinstance(value, Words):
                body[name] = value.code
            elif isinstance(value, list | tuple) and all(isinstance(v, Words) for v in value):
                body[name] = [v.code for v in value]
            elif _jsonable(value):
                body[name] = value
        return body

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer should carry (Retry-After, for instance); none by default."""
        return {}


def _in_english(value: Any) -> Any:
    if isinstance(value, list | tuple) and value and isinstance(value[0], Words):
        return ", ".join(v.en for v in value)
    return value


def _filled(template: str, fields: dict[str, Any]) -> str:
    """``template`` with its ``{names}`` filled from ``fields``; as it is when it is no template.

    A message already interpolated by its caller may hold braces of its own
    (user input): it is formatted only when every name in it is a field.
    """
    if not fields or "{" not in template:
        return template
    try:
        names = {name for _, name, _, _ in Formatter().parse(template) if name is not None}
        if not names or not names <= fields.keys():
            return template
        return template.format(**fields)
    except (ValueError, KeyError, IndexError, AttributeError):
        return template


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


class RefusedInputError(InvalidInputError):
    """Input in the documented form that a rule still refuses (422, not the schema's 400).

    A span of years "2019/21" matches the pattern of a year span but is not two
    consecutive years; a JSON number 0.333 is a number as documented but an amount
    in HK$ has at most two decimal places. Still an ``InvalidInputError``, so the
    forms and imports that catch bad input catch it too.
    """

    code = "refused_input"
    status = 422
    title = "Refused by a rule"


class TooLargeError(InvalidInputError):
    """A file over its limit: 413 as the body limit answers, whichever way it was sent."""

    code = "body_too_large"
    status = 413
    title = "Too large"


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


class TooManyRequestsError(ReindError):
    """Too many attempts in a short time (sign-ins, for one); ``retry_after_seconds`` says when.

    The message is the caller's; the answer carries RFC 9110 Retry-After.
    """

    code = "too_many_requests"
    status = 429
    title = "Too many requests"

    def __init__(self, message: str, *, retry_after_seconds: int, **fields: Any) -> None:
        self.retry_after_seconds = max(1, retry_after_seconds)
        super().__init__(message, retry_after_seconds=self.retry_after_seconds, **fields)

    def headers(self) -> dict[str, str]:
        """RFC 9110 Retry-After, in seconds."""
        return {"Retry-After": str(self.retry_after_seconds)}


class InternalError(ReindError):
    """Something failed that reind did not expect: a bug. Logged in full, shown in brief.

    Raised by no service: the web layer answers with it when an exception that
    is no ReindError escapes a request, so a person gets a page in their
    language and a client a problem body, never a stack trace.
    """

    code = "internal_error"
    status = 500
    title = "Internal error"


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
