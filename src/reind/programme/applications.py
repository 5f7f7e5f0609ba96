"""Services for applications: create, cost lines, documents, access.

Cost lines are checked against the scheme's own ``eligible_cost_categories``
and ``ineligible_cost_categories`` parameters in force on the received date
(today for a draft), so the reason a line is refused is the rules' reason.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RuleError,
)
from reind.core.money import Money
from reind.programme import audit
from reind.programme.audit import Actor, Role, canonical_json
from reind.programme.store import (
    ApplicationRow,
    CostLineRow,
    DocumentRow,
    EnterpriseRow,
    new_id,
)
from reind.programme.store_committee import ConflictRow, MemberRow
from reind.programme.uow import flush
from reind.programme.workflow import workflow_for
from reind.rules.engine import Engine
from reind.rules.parameters import Parameter

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
DRAFT_WRITERS = frozenset({Role.APPLICANT, Role.OFFICER, Role.ADMINISTRATOR, Role.SYSTEM})
"""Who may change a draft's budget and documents (applicants only their own enterprise's)."""


@dataclass(frozen=True, slots=True)
class CostLine:
    """One line of a budget: a category of the scheme, what it is, how much."""

    category: str
    description: str
    amount: Money


@dataclass(frozen=True, slots=True)
class ApplicationDraft:
    """What an applicant fills in to apply (``ApplicationCreate`` at the API)."""

    scheme: str
    enterprise_id: str
    title: str
    amount_requested: Money
    cost_lines: tuple[CostLine, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)
    received: date | None = None
    reference: str | None = None

    def fingerprint(self) -> str:
        """SHA-256 of the request, to tell a retry from a different request."""
        body = {
            "scheme": self.scheme,
            "enterprise_id": self.enterprise_id,
            "title": self.title,
            "amount_requested": self.amount_requested.cents,
            "cost_lines": [[c.category, c.description, c.amount.cents] for c in self.cost_lines],
            "facts": self.facts,
            "received": self.received.isoformat() if self.received else None,
        }
        return hashlib.sha256(canonical_json(body).encode()).hexdigest()


def check_cost_category(engine: Engine, scheme: str, category: str, day: date) -> None:
    """Refuse a category the scheme does not fund on ``day``, giving the reason."""
    code = engine.scheme(scheme).code
    label = engine.scheme(scheme).label
    ineligible = _codes(engine, code, "ineligible_cost_categories", day)
    if ineligible is not None and category in ineligible[0]:
        raise InvalidInputError(
            f"{label} does not fund {category!r}: {ineligible[1]}",
            category=category,
        )
    eligible = _codes(engine, code, "eligible_cost_categories", day)
    if eligible is not None and category not in eligible[0]:
        raise InvalidInputError(
            f"{label} does not fund {category!r}: it is not among the eligible cost "
            f"categories ({', '.join(eligible[0])})",
            category=category,
        )


def _codes(engine: Engine, scheme: str, name: str, day: date) -> tuple[tuple[str, ...], str] | None:
    parameter = optional_parameter(engine, scheme, name)
    if parameter is None:
        return None
    value = parameter.at(day)
    if value is None or not isinstance(value.value, tuple):
        return None
    why = f"{parameter.description_en} (source: {value.source}, confidence {value.confidence})"
    return tuple(str(v) for v in value.value), why


def optional_parameter(engine: Engine, scheme: str, name: str) -> Parameter | None:
    """The scheme's parameter ``name``, or None when the scheme does not have one."""
    try:
        return engine.parameters.get(scheme, name)
    except RuleError:
        return None


def _check_facts(engine: Engine, scheme: str, facts: dict[str, Any]) -> None:
    known = set(engine.scheme(scheme).inputs.model_fields)
    unknown = sorted(set(facts) - known)
    if unknown:
        raise InvalidInputError(
            f"{engine.scheme(scheme).label} has no input {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )


@dataclass(frozen=True, slots=True)
class NewApplication:
    """A checked draft ready to store: its row's values, budget lines and audit payload.

    Made by ``prepare_application`` without touching the database, so the
    ORM path (``create_application``) and the API's single-statement path
    (``fast_sql.insert_application``) store exactly the same thing.
    """

    id: str
    reference: str
    scheme: str
    enterprise_id: str
    title: str
    state: str
    received: date | None
    amount_requested_cents: int
    facts: str
    idempotency_key: str | None
    request_hash: str
    created_at: datetime
    cost_lines: tuple[CostLine, ...]
    audit_payload: dict[str, Any]
    screening_decision_id: None = None
    version: int = 1


def prepare_application(
    draft: ApplicationDraft,
    actor: Actor,
    *,
    idempotency_key: str | None = None,
    engine: Engine,
    clock: Clock | None = None,
) -> NewApplication:
    """Every check of a new draft that needs no database, and the values to store.

    The caller still checks that the enterprise exists (``NotFoundError``
    first) and that the idempotency key is new.
    """
    scheme = engine.scheme(draft.scheme)
    if actor.role is Role.APPLICANT and actor.enterprise_id != draft.enterprise_id:
        raise ForbiddenError("an applicant may only apply for its own enterprise")
    if actor.role not in {Role.APPLICANT, Role.OFFICER, Role.SYSTEM, Role.ADMINISTRATOR}:
        raise ForbiddenError(f"the {actor.role.value} role may not create applications")
    if not draft.title.strip():
        raise InvalidInputError("an application needs a title")
    if draft.amount_requested.is_negative():
        raise InvalidInputError("the amount requested cannot be negative")
    _check_facts(engine, scheme.code, draft.facts)
    day = draft.received or hk_today(clock)
    for line in draft.cost_lines:
        _check_line(engine, scheme.code, line, day)
    reference = draft.reference or f"{scheme.label}-{uuid.uuid4().hex[:10].upper()}"
    return NewApplication(
        id=new_id(),
        reference=reference,
        scheme=scheme.code,
        enterprise_id=draft.enterprise_id,
        title=draft.title.strip(),
        state=workflow_for(scheme.code).initial,
        received=draft.received,
        amount_requested_cents=draft.amount_requested.cents,
        facts=canonical_json(draft.facts),
        idempotency_key=idempotency_key,
        request_hash=draft.fingerprint(),
        created_at=(clock or SystemClock()).now(),
        cost_lines=draft.cost_lines,
        audit_payload={
            "reference": reference,
            "scheme": scheme.code,
            "enterprise_id": draft.enterprise_id,
            "amount_requested": str(draft.amount_requested.amount),
            "cost_lines": [[c.category, str(c.amount.amount)] for c in draft.cost_lines],
        },
    )


def create_application(
    session: Session,
    draft: ApplicationDraft,
    actor: Actor,
    *,
    idempotency_key: str | None = None,
    engine: Engine,
    clock: Clock | None = None,
) -> ApplicationRow:
    """Create a draft application; a retry with the same key returns the first one."""
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key, draft.fingerprint())
        if earlier is not None:
            return earlier
    engine.scheme(draft.scheme)  # an unknown scheme is refused before the enterprise is sought
    if session.get(EnterpriseRow, draft.enterprise_id) is None:
        raise NotFoundError(f"no enterprise {draft.enterprise_id}")
    new = prepare_application(
        draft, actor, idempotency_key=idempotency_key, engine=engine, clock=clock
    )
    row = ApplicationRow(
        id=new.id,
        reference=new.reference,
        scheme=new.scheme,
        enterprise_id=new.enterprise_id,
        title=new.title,
        state=new.state,
        received=new.received,
        amount_requested_cents=new.amount_requested_cents,
        facts=new.facts,
        idempotency_key=new.idempotency_key,
        request_hash=new.request_hash,
        created_at=new.created_at,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its record.
        if idempotency_key is not None:
            earlier = _by_key(session, idempotency_key, new.request_hash)
            if earlier is not None:
                return earlier
        raise ConflictError(f"application reference {row.reference} already exists") from None
    for line in new.cost_lines:
        session.add(_line_row(row.id, line))
    flush(session, "the application")
    audit.record_at_commit(
        session, actor, "application.created", "application", row.id, new.audit_payload, clock
    )
    return row


def _by_key(session: Session, key: str, fingerprint: str) -> ApplicationRow | None:
    row = session.execute(
        select(ApplicationRow).where(ApplicationRow.idempotency_key == key)
    ).scalar_one_or_none()
    if row is not None and row.request_hash != fingerprint:
        raise ConflictError(
            f"idempotency key {key!r} was already used for a different application",
            application_id=row.id,
        )
    return row


def _check_line(engine: Engine, scheme: str, line: CostLine, day: date) -> None:
    if line.amount.is_negative() or line.amount.cents == 0:
        raise InvalidInputError(f"cost line {line.description!r}: the amount must be positive")
    check_cost_category(engine, scheme, line.category, day)


def _line_row(application_id: str, line: CostLine) -> CostLineRow:
    return CostLineRow(
        application_id=application_id,
        category=line.category,
        description=line.description,
        amount_cents=line.amount.cents,
    )


def get_application(session: Session, application_id: str, actor: Actor) -> ApplicationRow:
    """An application if ``actor`` may see it.

    Applicants see only their own enterprise's applications; a committee
    member who declared a conflict of interest does not see that application.
    """
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFoundError(f"no application {application_id}")
    ensure_may_see(session, actor, row)
    return row


def ensure_may_see(session: Session, actor: Actor, row: ApplicationRow) -> None:
    """ForbiddenError unless ``actor`` may see application ``row``."""
    if actor.role is Role.APPLICANT and actor.enterprise_id != row.enterprise_id:
        raise ForbiddenError("an applicant may only see its own enterprise's applications")
    if actor.role in {Role.COMMITTEE_MEMBER, Role.ASSESSOR} and is_conflicted(
        session, actor.id, row.id
    ):
        raise ForbiddenError(
            "you declared a conflict of interest with this application, so you may not see it"
        )


def is_conflicted(session: Session, person_id: str, application_id: str) -> bool:
    """True when the person declared a conflict with the application on any committee."""
    query = select(
        exists()
        .where(ConflictRow.member_id == MemberRow.id)
        .where(MemberRow.person_id == person_id)
        .where(ConflictRow.application_id == application_id)
    )
    return bool(session.execute(query).scalar())


def add_cost_line(
    session: Session,
    application_id: str,
    line: CostLine,
    actor: Actor,
    engine: Engine,
    clock: Clock | None = None,
) -> CostLineRow:
    """Add a budget line to a draft (or returned) application."""
    _ensure_draft_writer(actor, "budget lines")
    app = get_application(session, application_id, actor)
    if app.state not in {"draft", "returned_for_information"}:
        raise ConflictError(f"cost lines can only change on a draft, not when {app.state}")
    _check_line(engine, app.scheme, line, app.received or hk_today(clock))
    row = _line_row(app.id, line)
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


def _ensure_draft_writer(actor: Actor, what: str) -> None:
    if actor.role not in DRAFT_WRITERS:
        raise ForbiddenError(
            f"the {actor.role.value} role may not add {what} to an application "
            "(applicants, officers and administrators do)"
        )


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


def facts_of(app: ApplicationRow) -> dict[str, Any]:
    """The scheme-specific answers stored with the application."""
    value = json.loads(app.facts)
    assert isinstance(value, dict)
    return value


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
    """Store a supporting document with its SHA-256; type and size are limited."""
    _ensure_draft_writer(actor, "supporting documents")
    app = get_application(session, application_id, actor)
    if media_type not in DOCUMENT_TYPES:
        raise InvalidInputError(
            f"{filename}: documents of type {media_type!r} are not accepted "
            f"(accepted: {', '.join(sorted(DOCUMENT_TYPES))})"
        )
    if not filename.lower().endswith(DOCUMENT_TYPES[media_type]):
        raise InvalidInputError(f"{filename}: the name does not end as a {media_type} file should")
    if len(content) == 0:
        raise InvalidInputError(f"{filename}: the file is empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(
            f"{filename}: {len(content)} bytes is over the limit of {MAX_DOCUMENT_BYTES} bytes"
        )
    digest = hashlib.sha256(content).hexdigest()
    same = session.execute(
        select(DocumentRow)
        .where(DocumentRow.application_id == app.id)
        .where(DocumentRow.sha256 == digest)
    ).scalar_one_or_none()
    if same is not None:
        return same
    row = DocumentRow(
        application_id=app.id,
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=digest,
        content=content,
        uploaded_at=(clock or SystemClock()).now(),
    )
    session.add(row)
    flush(session, "the document")
    audit.record_at_commit(
        session,
        actor,
        "application.document_attached",
        "application",
        app.id,
        {"filename": filename, "sha256": digest, "size": len(content)},
        clock,
    )
    return row
