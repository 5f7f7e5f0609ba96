"""Pieces every API router shares: money as text, headers, optimistic locking.

Money crosses the API as a decimal string ("15000000.00"), never a JSON
number, so no float ever touches an amount. ``If-Match`` carries the
version a client last read (the ``ETag`` of a GET, or the ``version``
field); a stale one is refused with 409 before anything changes, and
SQLAlchemy's version column catches a race that slips in after the check.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from fastapi import Header, Path, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_serializer,
    model_validator,
)

from reind.core.errors import InvalidInputError, SystemOwnedFieldError
from reind.core.money import Money
from reind.programme.uow import StaleVersionError

AMOUNT_PATTERN = r"^\d{1,13}(\.\d{1,2})?$"

Amount = Annotated[
    str,
    Field(pattern=AMOUNT_PATTERN, examples=["15000000.00"], description="HK$, as decimal text"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=100,
        description="Send the same key when retrying: the first record is returned.",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description="The ETag (version) you last read; stale is a 409."),
]


class Schema(BaseModel):
    """Base of request and response bodies: unknown fields are refused.

    ``system_owned`` names fields a client may have expected to send but
    that only the server sets (a received date decides which year's rules
    apply): each maps to why, in English and Chinese, and sending one is
    refused with ``SystemOwnedFieldError`` (422) before anything is done.
    """

    model_config = ConfigDict(extra="forbid", from_attributes=True)
    system_owned: ClassVar[dict[str, tuple[str, str]]] = {}

    @model_validator(mode="before")
    @classmethod
    def _refuse_system_owned(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for name, (why_en, why_zh) in cls.system_owned.items():
                if name in data:
                    raise SystemOwnedFieldError(name, why_en, why_zh)
        return data

    @field_serializer("*", mode="wrap")
    def _with_timezone(self, value: Any, handler: SerializerFunctionWrapHandler) -> Any:
        """Send every timestamp with its zone: SQLite returns stored UTC times without one."""
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return handler(value)


RECEIVED_IS_THE_SYSTEMS = (
    "an application is dated by the server when it is submitted; an officer may correct "
    "the date, with a reason, at POST /api/v1/applications/{id}/received-date",
    "申請於提交時由伺服器記錄收件日期；如需更正，須由職員於 "
    "POST /api/v1/applications/{id}/received-date 提出並說明理由",
)
"""Why a client may not send ``received`` (en, zh-Hant)."""


def money(text: str) -> Money:
    """Money from the API's decimal text."""
    return Money.of(text)


def shown(cents: int) -> str:
    """Cents as the API's decimal text."""
    return str(Money(cents).amount)


def etag(version: int) -> str:
    """The ETag of a record at ``version``."""
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    """Put the record's version in the ETag header."""
    response.headers["ETag"] = etag(version)


def expect_version(
    current: int, if_match: str | None, what: str, body_version: int | None = None
) -> None:
    """Refuse (409) when the client's version of ``what`` is not the current one."""
    wanted = body_version
    if if_match is not None and if_match.strip() != "*":
        text = if_match.strip().removeprefix("W/").strip('"')
        if not text.isdigit():
            raise InvalidInputError(
                'If-Match must be an ETag such as "3", not “{if_match}”', if_match=if_match
            )
        wanted = int(text)
    if wanted is not None and wanted != current:
        raise StaleVersionError(
            f"{what} is at version {current}, not {wanted}: someone changed it; reload and retry",
            current_version=current,
        )


MAX_ID = 2**31 - 1
"""The largest row id or count the API takes: every database stores it, none overflows (a
larger number was a 500 on SQLite, found by schemathesis)."""
RowId = Annotated[int, Field(ge=1, le=MAX_ID, description="A record's number.")]
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="A record's number.")]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
