"""Services for applications: draft, check and create them (and their first cost lines).

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
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
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
from reind.programme.actors import Actor, Role
from reind.programme.applications.store import ApplicationRow, CostLineRow
from reind.programme.applications.workflow import workflow_for
from reind.programme.audit.chain import canonical_json
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.ids import new_id
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine
from reind.rules.parameters import Parameter


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
        }
        return hashlib.sha256(canonical_json(body).encode()).hexdigest()


CATEGORY_WORDS = {
    "machinery_equipment": "Machinery and equipment",
    "technical_consultancy": "Technical consultancy",
    "testing": "Testing and certification",
    "staff_training": "Staff training",
    "manpower": "Manpower",
    "equipment": "Equipment",
    "other_direct_costs": "Other direct costs",
}
"""Plain names for cost categories (msgids of their translations); others are spelled out."""


def category_words(code: str) -> Words:
    """A cost category in words (the catalogue gives the Chinese), for a message's field."""
    return Words(code, CATEGORY_WORDS.get(code, code.replace("_", " ").capitalize()))


def check_cost_category(engine: Engine, scheme: str, category: str, day: date) -> None:
    """Refuse a category the scheme does not fund on ``day``, giving the reason."""
    code = engine.scheme(scheme).code
    label = engine.scheme(scheme).label
    ineligible = _codes(engine, code, "ineligible_cost_categories", day)
    if ineligible is not None and category in ineligible[0]:
        raise InvalidInputError(
            "{label} does not fund {category}: {why}",
            label=label,
            category=category_words(category),
            why=ineligible[1],
        )
    eligible = _codes(engine, code, "eligible_cost_categories", day)
    if eligible is not None and category not in eligible[0]:
        raise InvalidInputError(
            "{label} does not fund {category}: it is not among the eligible cost categories "
            "({eligible})",
            label=label,
            category=category_words(category),
            eligible=[category_words(c) for c in eligible[0]],
        )


def _codes(
    engine: Engine, scheme: str, name: str, day: date
) -> tuple[tuple[str, ...], Words] | None:
    parameter = optional_parameter(engine, scheme, name)
    if parameter is None:
        return None
    value = parameter.at(day)
    if value is None or not isinstance(value.value, tuple):
        return None
    why = Words(
        name,
        f"{parameter.description_en} (source: {value.source}, confidence {value.confidence})",
        f"{parameter.description_zh}（資料來源：{value.source}，可信度 {value.confidence}）",
    )
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
            "{label} has no input {unknown} (known: {known})",
            label=engine.scheme(scheme).label,
            unknown=", ".join(unknown),
            known=", ".join(sorted(known)),
        )


@dataclass(frozen=True, slots=True)
class NewApplication:
    """A checked draft ready to store: its row's values, budget lines and audit payload.

    Made by ``prepare_application`` without touching the database, so the
    ORM path (``create_application``) and the API's single-statement path
    (``web.hot_path.sql.insert_application``) store exactly the same thing.
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
    assigned_officer: None = None
    """A new draft is no one's case yet (``assignment``)."""


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
    ensure(actor, Action.WRITE_DRAFTS)
    if not draft.title.strip():
        raise InvalidInputError("an application needs a title")
    if draft.amount_requested.is_negative():
        raise InvalidInputError("the amount requested cannot be negative")
    _check_facts(engine, scheme.code, draft.facts)
    day = hk_today(clock)  # a draft is checked against today's rules; received is set on submit
    for line in draft.cost_lines:
        check_line(engine, scheme.code, line, day)
    reference = draft.reference or f"{scheme.label}-{uuid.uuid4().hex[:10].upper()}"
    return NewApplication(
        id=new_id(),
        reference=reference,
        scheme=scheme.code,
        enterprise_id=draft.enterprise_id,
        title=draft.title.strip(),
        state=workflow_for(scheme.code).initial,
        received=None,
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
    ensure(actor, Action.WRITE_DRAFTS)
    if idempotency_key is not None:
        earlier = _by_key(session, idempotency_key, draft.fingerprint())
        if earlier is not None:
            return earlier
    engine.scheme(draft.scheme)  # an unknown scheme is refused before the enterprise is sought
    if session.get(EnterpriseRow, draft.enterprise_id) is None:
        raise NotFoundError("no enterprise {enterprise_id}", enterprise_id=draft.enterprise_id)
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
        raise ConflictError(
            "application reference {reference} already exists", reference=row.reference
        ) from None
    for line in new.cost_lines:
        session.add(line_row(row.id, line))
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
            "idempotency key “{key}” was already used for a different application",
            key=key,
            application_id=row.id,
        )
    return row


def check_line(engine: Engine, scheme: str, line: CostLine, day: date) -> None:
    if line.amount.is_negative() or line.amount.cents == 0:
        raise InvalidInputError(
            "cost line “{description}”: the amount must be positive", description=line.description
        )
    check_cost_category(engine, scheme, line.category, day)


def line_row(application_id: str, line: CostLine) -> CostLineRow:
    return CostLineRow(
        application_id=application_id,
        category=line.category,
        description=line.description,
        amount_cents=line.amount.cents,
    )


class HasFacts(Protocol):
    """An application row or view: its answers as stored JSON."""

    @property
    def facts(self) -> str: ...


def facts_of(app: HasFacts) -> dict[str, Any]:
    """The scheme-specific answers stored with the application."""
    value = json.loads(app.facts)
    assert isinstance(value, dict)
    return value
