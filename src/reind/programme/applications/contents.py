"""What a draft holds besides its facts: the budget's cost lines and supporting documents."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
from reind.core.errors import (
    ConflictError,
    InvalidInputError,
    TooLargeError,
)
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.services import CostLine, check_line, line_row
from reind.programme.applications.sniffing import content_matches
from reind.programme.applications.store import CostLineRow, DocumentRow
from reind.programme.applications.workflow import state_words
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
"""Largest supporting document accepted (20 MiB)."""


DOCUMENT_TYPES = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/csv": (".csv",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
}
"""Media types accepted for supporting documents, with their file extensions."""


def add_cost_line(
    session: Session,
    application_id: str,
    line: CostLine,
    actor: Actor,
    engine: Engine,
    clock: Clock | None = None,
) -> CostLineRow:
    """Add a budget line to a draft (or returned) application."""
    ensure(actor, Action.WRITE_DRAFTS)
    app = get_application(session, application_id, actor)
    if app.state not in {"draft", "returned_for_information"}:
        raise ConflictError(
            "cost lines can only change on a draft (this application: {state})",
            state=state_words(app.scheme, app.state),
        )
    check_line(engine, app.scheme, line, app.received or hk_today(clock))
    row = line_row(app.id, line)
    session.add(row)
    app.version  # noqa: B018 - touch the aggregate so its version is checked below
    flush(session, "the application")
    audit.record_at_commit(
        session,
        actor,
        "application.cost_line_added",
        "application",
        app.id,
        {"category": line.category, "amount": str(line.amount.amount)},
        clock,
    )
    return row


def cost_lines(session: Session, application_id: str) -> list[CostLineRow]:
    """The budget lines of an application."""
    return list(
        session.execute(
            select(CostLineRow)
            .where(CostLineRow.application_id == application_id)
            .order_by(CostLineRow.id)
        ).scalars()
    )


def total_cost(session: Session, application_id: str) -> Money:
    """The sum of the application's cost lines."""
    return sum((Money(c.amount_cents) for c in cost_lines(session, application_id)), Money.zero())


def attach_document(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    filename: str,
    media_type: str,
    content: bytes,
    clock: Clock | None = None,
) -> DocumentRow:
    """Store a supporting document of a draft, or one an officer asked for; checked as any."""
    ensure(actor, Action.WRITE_DRAFTS)
    app = get_application(session, application_id, actor)
    if app.state not in {"draft", "returned_for_information"}:
        raise ConflictError(
            "documents can only be added before submission or when information is asked for (this "
            "application: {state})",
            state=state_words(app.scheme, app.state),
        )
    row, new = store_document(
        session, app.id, filename=filename, media_type=media_type, content=content, clock=clock
    )
    if new:
        audit.record_at_commit(
            session,
            actor,
            "application.document_attached",
            "application",
            app.id,
            {"filename": filename, "sha256": row.sha256, "size": row.size},
            clock,
        )
    return row


def store_document(
    session: Session,
    application_id: str,
    *,
    filename: str,
    media_type: str,
    content: bytes,
    clock: Clock | None = None,
    claim_id: str | None = None,
    report_id: int | None = None,
) -> tuple[DocumentRow, bool]:
    """The checks every upload path shares, then the row (and whether it is new).

    The type must be one accepted, the name must end as that type's, the size
    within ``MAX_DOCUMENT_BYTES`` (413) and the bytes must be that type
    (``sniffing``); the same content is kept once per application. The caller
    has checked the actor and the case's state, and records the audit event.
    """
    if media_type not in DOCUMENT_TYPES:
        raise InvalidInputError(
            "{filename}: documents of type {media_type} are not accepted (accepted: {accepted})",
            filename=filename,
            media_type=media_type,
            accepted=", ".join(sorted(DOCUMENT_TYPES)),
        )
    if not filename.lower().endswith(DOCUMENT_TYPES[media_type]):
        raise InvalidInputError(
            "{filename}: the name does not end as a {media_type} file should",
            filename=filename,
            media_type=media_type,
        )
    if len(content) == 0:
        raise InvalidInputError("{filename}: the file is empty", filename=filename)
    if len(content) > MAX_DOCUMENT_BYTES:
        raise TooLargeError(
            "{filename}: {size} bytes is over the limit of {limit} bytes",
            filename=filename,
            size=len(content),
            limit=MAX_DOCUMENT_BYTES,
        )
    if not content_matches(media_type, content):
        raise InvalidInputError(
            "{filename}: the content is not a {media_type} file",
            filename=filename,
            media_type=media_type,
        )
    digest = hashlib.sha256(content).hexdigest()
    same = session.execute(
        select(DocumentRow)
        .where(DocumentRow.application_id == application_id)
        .where(DocumentRow.sha256 == digest)
    ).scalar_one_or_none()
    if same is not None:
        return same, False
    row = DocumentRow(
        application_id=application_id,
        claim_id=claim_id,
        report_id=report_id,
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=digest,
        content=content,
        uploaded_at=(clock or SystemClock()).now(),
    )
    session.add(row)
    flush(session, "the document")
    return row, True
