"""Services for claims and disbursements: paying out, never more than committed.

A claim is approved in two stages, first by an officer and then by finance
(a different person), and paid by a disbursement made by a finance officer
other than the one who approved it (issue 12's two-person rule: whoever did
one stage does not do the next, whoever submitted the claim does none, and
each stage records who did it). Every step locks the
project's ledger row (``SELECT ... FOR UPDATE``; SQLite serialises writers
anyway) and re-reads the claim before changing it, so parallel requests
queue instead of racing; the version columns catch anything that slips by.
"""

from __future__ import annotations

import hashlib
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reind.core.clock import Clock, hk_today
from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RuleError,
    Words,
)
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.workflow import state_words
from reind.programme.audit.chain import canonical_json
from reind.programme.money.ledger import Ledger, attendance_ok
from reind.programme.money.ledgers import ledger_from, lock_ledger, write_ledger
from reind.programme.money.payment_conditions import require_payment_conditions
from reind.programme.money.store import ClaimRow, DisbursementRow, LedgerRow
from reind.programme.notices.outbox import notify_applicants
from reind.programme.permissions import Action, ensure
from reind.programme.training.store import AttendanceRow, CourseSessionRow, EnrolmentRow
from reind.programme.uow import flush
from reind.rules.engine import Engine

CLAIMABLE = {"agreement_signed", "in_progress", "completed", "post_completion_monitoring"}


CLAIM_STATE_WORDS = {
    "submitted": "Waiting for the officer's check",
    "officer_approved": "Checked by an officer, waiting for finance",
    "approved": "Approved, waiting for payment",
    "paid": "Paid",
    "rejected": "Not approved",
}
"""What each claim state means, in plain words (msgids of their translations)."""


def claim_state_words(state: str) -> Words:
    """A claim's state in words (the catalogue gives the Chinese), for a message's field."""
    return Words(state, CLAIM_STATE_WORDS.get(state, state.replace("_", " ")))


def min_attendance(engine: Engine, day: date) -> Fraction:
    """The least share of sessions an RTTP trainee must attend, from the rules on ``day``."""
    value = engine.parameters.get("rttp", "min_attendance").at(day)
    if value is None or not isinstance(value.value, Fraction):
        raise RuleError(
            "{parameter} has no value in force on {day}",
            parameter="rttp.min_attendance",
            day=day.isoformat(),
        )
    return value.value


def attendance(session: Session, enrolment_id: int) -> tuple[int, int]:
    """(sessions attended, sessions of the course) for one RTTP enrolment."""
    enrolment = session.get(EnrolmentRow, enrolment_id)
    if enrolment is None:
        raise NotFoundError("no enrolment {enrolment_id}", enrolment_id=enrolment_id)
    sessions = session.execute(
        select(func.count())
        .select_from(CourseSessionRow)
        .where(CourseSessionRow.course_id == enrolment.course_id)
    ).scalar_one()
    attended = session.execute(
        select(func.count())
        .select_from(AttendanceRow)
        .where(AttendanceRow.enrolment_id == enrolment_id)
        .where(AttendanceRow.present.is_(True))
    ).scalar_one()
    return int(attended), int(sessions)


def submit_claim(
    session: Session,
    application_id: str,
    amount: Money,
    actor: Actor,
    *,
    idempotency_key: str | None = None,
    enrolment_id: int | None = None,
    engine: Engine,
    clock: Clock | None = None,
) -> ClaimRow:
    """Submit a claim, dated today on ``clock`` (the server's day, never the caller's).

    A retry with the same idempotency key returns the first claim.
    """
    ensure(actor, Action.SUBMIT_CLAIMS)
    submitted_on = hk_today(clock)
    fingerprint = hashlib.sha256(
        canonical_json([application_id, amount.cents, enrolment_id]).encode()
    ).hexdigest()
    if idempotency_key is not None:
        earlier = _claim_by_key(session, idempotency_key, fingerprint)
        if earlier is not None:
            return earlier
    app = get_application(session, application_id, actor)
    if app.state not in CLAIMABLE:
        raise ConflictError(
            "claims are only accepted once an agreement is signed (this application: {state})",
            state=state_words(app.scheme, app.state),
        )
    require_payment_conditions(session, engine, app)
    if app.scheme == "rttp" and enrolment_id is None:
        raise InvalidInputError("an RTTP claim must name the trainee's enrolment")
    if enrolment_id is not None:
        attended, sessions = attendance(session, enrolment_id)
        minimum = min_attendance(engine, submitted_on)
        if not attendance_ok(attended, sessions, minimum):
            raise ConflictError(
                "the trainee attended {attended} of {sessions} sessions; a claim needs at least "
                "{minimum} attendance",
                attended=attended,
                sessions=sessions,
                minimum=f"{minimum.numerator}/{minimum.denominator}",
            )
    row = lock_ledger(session, app.id)
    ledger = ledger_from(row).claim(amount)
    claim = ClaimRow(
        application_id=app.id,
        amount_cents=amount.cents,
        state="submitted",
        submitted_on=submitted_on,
        submitted_by=actor.id,
        enrolment_id=enrolment_id,
        idempotency_key=idempotency_key,
        request_hash=fingerprint,
    )
    try:
        with session.begin_nested():
            session.add(claim)
            session.flush()
    except IntegrityError:
        if idempotency_key is not None:
            earlier = _claim_by_key(session, idempotency_key, fingerprint)
            if earlier is not None:
                return earlier
        raise
    write_ledger(session, row, ledger, "claimed", amount, claim.id, clock)
    flush(session, "the project ledger")
    audit.record_at_commit(
        session,
        actor,
        "money.claimed",
        "claim",
        claim.id,
        {"application_id": app.id, "amount": str(amount.amount), "submitted_by": actor.id},
        clock,
    )
    return claim


def _claim_by_key(session: Session, key: str, fingerprint: str) -> ClaimRow | None:
    row = session.execute(
        select(ClaimRow).where(ClaimRow.idempotency_key == key)
    ).scalar_one_or_none()
    if row is not None and row.request_hash != fingerprint:
        raise ConflictError(
            "idempotency key “{key}” was already used for a different claim",
            key=key,
            claim_id=row.id,
        )
    return row


def _locked_claim(session: Session, claim_id: str, actor: Actor) -> tuple[ClaimRow, LedgerRow]:
    first = session.get(ClaimRow, claim_id)
    if first is None:
        raise NotFoundError("no claim {claim_id}", claim_id=claim_id)
    get_application(session, first.application_id, actor)
    ledger = lock_ledger(session, first.application_id)
    claim = session.execute(
        select(ClaimRow)
        .where(ClaimRow.id == claim_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    return claim, ledger


def _not_the_submitter(claim: ClaimRow, actor: Actor) -> None:
    """The two-person rule: whoever submitted or prepared a claim approves no stage of it."""
    if claim.submitted_by is not None and claim.submitted_by == actor.id:
        raise ForbiddenError(
            "you submitted this claim, so another person must approve and pay it (two-person rule)",
            zh="你提交了此申領，須由另一人批核及付款（雙人原則）",
        )


def approve_claim_as_officer(
    session: Session, claim_id: str, actor: Actor, clock: Clock | None = None
) -> ClaimRow:
    """First stage: an officer checks the claim."""
    ensure(actor, Action.APPROVE_CLAIMS)
    claim, _ = _locked_claim(session, claim_id, actor)
    if claim.state != "submitted":
        raise ConflictError(
            "claim {claim_id} is {state}, not waiting for an officer",
            claim_id=claim.id,
            state=claim_state_words(claim.state),
        )
    _not_the_submitter(claim, actor)
    claim.state = "officer_approved"
    claim.officer_id = actor.id
    flush(session, f"claim {claim.id}")
    audit.record_at_commit(
        session,
        actor,
        "claim.officer_approved",
        "claim",
        claim.id,
        {"amount": str(Money(claim.amount_cents).amount)},
        clock,
    )
    return claim


def approve_claim_as_finance(
    session: Session, claim_id: str, actor: Actor, clock: Clock | None = None
) -> ClaimRow:
    """Second stage: finance approves, and the amount becomes payable."""
    ensure(actor, Action.APPROVE_PAYMENTS)
    claim, row = _locked_claim(session, claim_id, actor)
    if claim.state != "officer_approved":
        raise ConflictError(
            "claim {claim_id} is {state}, not waiting for finance",
            claim_id=claim.id,
            state=claim_state_words(claim.state),
        )
    _not_the_submitter(claim, actor)
    if claim.officer_id == actor.id:
        raise ForbiddenError(
            "the same person may not approve a claim at both stages",
            zh="同一人不可在兩個階段批核同一申領",
        )
    amount = Money(claim.amount_cents)
    write_ledger(
        session,
        row,
        ledger_from(row).approve_claim(amount),
        "claim_approved",
        amount,
        claim.id,
        clock,
    )
    claim.state = "approved"
    claim.finance_id = actor.id
    flush(session, f"claim {claim.id}")
    _tell(session, claim, "claim_approved", hk_today(clock), clock)
    audit.record_at_commit(
        session,
        actor,
        "money.claim_approved",
        "claim",
        claim.id,
        {"amount": str(amount.amount)},
        clock,
    )
    return claim


def reject_claim(
    session: Session, claim_id: str, actor: Actor, reason: str, clock: Clock | None = None
) -> ClaimRow:
    """Reject a claim at either stage; its amount is released."""
    ensure(actor, Action.REJECT_CLAIMS)
    if not reason.strip():
        raise InvalidInputError("a rejection needs a reason")
    claim, row = _locked_claim(session, claim_id, actor)
    if claim.state not in {"submitted", "officer_approved"}:
        raise ConflictError(
            "claim {claim_id} is {state} and can no longer be rejected",
            claim_id=claim.id,
            state=claim_state_words(claim.state),
        )
    amount = Money(claim.amount_cents)
    write_ledger(
        session, row, ledger_from(row).drop_claim(amount), "claim_rejected", amount, claim.id, clock
    )
    claim.state = "rejected"
    claim.reason = reason
    flush(session, f"claim {claim.id}")
    audit.record_at_commit(
        session,
        actor,
        "money.claim_rejected",
        "claim",
        claim.id,
        {"amount": str(amount.amount), "reason": reason},
        clock,
    )
    return claim


def disburse(
    session: Session,
    claim_id: str,
    actor: Actor,
    *,
    paid_on: date,
    engine: Engine,
    clock: Clock | None = None,
) -> DisbursementRow:
    """Pay an approved claim in full."""
    ensure(actor, Action.DISBURSE)
    claim, row = _locked_claim(session, claim_id, actor)
    if claim.state != "approved":
        raise ConflictError(
            "claim {claim_id} is {state}; only approved claims are paid",
            claim_id=claim.id,
            state=claim_state_words(claim.state),
        )
    _not_the_submitter(claim, actor)
    if claim.finance_id == actor.id:
        raise ForbiddenError(
            "you approved this claim for finance, so another finance officer must pay it "
            "(two-person rule)",
            zh="你已在財務階段批核此申領，須由另一名財務人員付款（雙人原則）",
        )
    app = session.get(ApplicationRow, claim.application_id)
    assert app is not None
    require_payment_conditions(session, engine, app)
    amount = Money(claim.amount_cents)
    write_ledger(
        session, row, ledger_from(row).disburse(amount), "disbursed", amount, claim.id, clock
    )
    claim.state = "paid"
    payment = DisbursementRow(
        claim_id=claim.id,
        application_id=claim.application_id,
        amount_cents=amount.cents,
        paid_on=paid_on,
        paid_by=actor.id,
    )
    session.add(payment)
    flush(session, f"claim {claim.id}")
    _tell(session, claim, "claim_paid", paid_on, clock)
    audit.record_at_commit(
        session,
        actor,
        "money.disbursed",
        "claim",
        claim.id,
        {"amount": str(amount.amount), "paid_on": paid_on.isoformat()},
        clock,
    )
    return payment


def _tell(session: Session, claim: ClaimRow, kind: str, day: date, clock: Clock | None) -> None:
    """Queue the applicant's notice of this claim step, in this transaction (ADR 0160)."""
    app = session.get_one(ApplicationRow, claim.application_id)
    values = {
        "reference": app.reference,
        "title": app.title,
        "amount": str(Money(claim.amount_cents)),
        "day": day.isoformat(),
    }
    notify_applicants(session, kind, app.enterprise_id, ("claim", claim.id), values, clock)


def ledger_of(session: Session, application_id: str, actor: Actor) -> Ledger:
    """The money position of an application (applied, approved, committed ...)."""
    get_application(session, application_id, actor)
    row = session.get(LedgerRow, application_id)
    return Ledger() if row is None else ledger_from(row)
