"""Documents after submission: a claim's evidence and a progress report's attachments.

After an application is submitted, documents come only through the paths that
need them (issue 13): an officer's information request (``applications.contents``),
a claim waiting for the officer's check, and a report not yet accepted. Each path
checks its actor and its case's state here, then the checks every upload shares
(``applications.contents.store_document``: type, name, 413 size, the bytes sniffed).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reind.core.clock import Clock
from reind.core.errors import ConflictError, NotFoundError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.contents import store_document
from reind.programme.applications.views import DocumentView, document_view
from reind.programme.money.store import AgreementRow, ClaimRow, ProgressReportRow
from reind.programme.permissions import Action, ensure


def attach_claim_document(
    session: Session,
    claim_id: str,
    actor: Actor,
    *,
    filename: str,
    media_type: str,
    content: bytes,
    clock: Clock | None = None,
) -> DocumentView:
    """Evidence for a claim (an invoice, a receipt) while it waits for the officer's check."""
    ensure(actor, Action.SUBMIT_CLAIMS)
    claim = session.get(ClaimRow, claim_id)
    if claim is None:
        raise NotFoundError("no claim {claim_id}", claim_id=claim_id)
    get_application(session, claim.application_id, actor)
    if claim.state != "submitted":
        raise ConflictError(
            "evidence can be added to a claim only while it waits for the officer's check"
        )
    row, new = store_document(
        session,
        claim.application_id,
        filename=filename,
        media_type=media_type,
        content=content,
        clock=clock,
        claim_id=claim.id,
    )
    if new:
        audit.record_at_commit(
            session,
            actor,
            "claim.document_attached",
            "claim",
            claim.id,
            {"filename": filename, "sha256": row.sha256, "size": row.size},
            clock,
        )
    return document_view(row)


def attach_report_document(
    session: Session,
    report_id: int,
    actor: Actor,
    *,
    filename: str,
    media_type: str,
    content: bytes,
    clock: Clock | None = None,
) -> DocumentView:
    """An attachment of a progress, final or post-completion report until it is accepted."""
    ensure(actor, Action.FILE_REPORTS)
    report = session.get(ProgressReportRow, report_id)
    if report is None:
        raise NotFoundError("no report {report_id}", report_id=report_id)
    agreement = session.get_one(AgreementRow, report.agreement_id)
    get_application(session, agreement.application_id, actor)
    if report.accepted_on is not None:
        raise ConflictError("documents can be added to a report only until it is accepted")
    row, new = store_document(
        session,
        agreement.application_id,
        filename=filename,
        media_type=media_type,
        content=content,
        clock=clock,
        report_id=report.id,
    )
    if new:
        audit.record_at_commit(
            session,
            actor,
            "agreement.report_document_attached",
            "application",
            agreement.application_id,
            {"report": report.id, "filename": filename, "sha256": row.sha256},
            clock,
        )
    return document_view(row)
