"""``GET /api/v1/{applications,claims,enquiries,enterprises,audit/events}``: the lists, paged.

Each answers one keyset page (``reind.core.paging``) as
``{"items": [...], "total": n, "next_cursor": "..."}`` in the order its
``sort`` names (documented per list; a leading ``-`` reverses it) and, when there is
more, a ``Link: <...>; rel="next"`` header carrying the same filters; a
client follows it until it is absent. The filters and search are the pages'
own (``programme.<aggregate>.lists``). An applicant listing applications
sees its own enterprise's only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from reind.core.paging import MAX_LIMIT, Page
from reind.programme.actors import Actor, Role
from reind.programme.applications.lists import SORTS, ApplicationFilters, list_applications
from reind.programme.audit.lists import SORTS as AUDIT_SORTS
from reind.programme.audit.lists import AuditFilters, list_audit_events
from reind.programme.desk.lists import SORTS as ENQUIRY_SORTS
from reind.programme.desk.lists import EnquiryFilters, list_enquiries
from reind.programme.enterprises.lists import SORTS as ENTERPRISE_SORTS
from reind.programme.enterprises.lists import list_enterprises
from reind.programme.money.lists import CLAIM_SORTS, list_claims
from reind.programme.permissions import Action, ensure
from reind.web.api.common import Schema, shown
from reind.web.audit_actors import actor_ids
from reind.web.audit_subjects import subject_ids
from reind.web.auth import require
from reind.web.deps import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["lists"])

Reader = Annotated[Actor, Depends(require(Action.READ_CASES))]
Staff = Annotated[Actor, Depends(require(Action.LIST_CASES))]
Desk = Annotated[Actor, Depends(require(Action.RECORD_ENQUIRIES))]
Auditor = Annotated[Actor, Depends(require(Action.READ_AUDIT_TRAIL))]

Cursor = Annotated[
    str | None,
    Query(
        pattern=r"^[A-Za-z0-9_-]*$",
        max_length=2000,
        description="The `next_cursor` of the page before (absent: first page).",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page.")]


def ordered(sorts: Mapping[str, Any], default: str) -> Any:
    """The ``sort`` parameter of a list: one of its orderings (``-name``: the reverse)."""
    return Query(
        pattern="^(" + "|".join(sorts) + ")$",
        description=f"The order: one of {', '.join(sorts)} (a leading `-` reverses it); "
        f"default {default}. Each page follows the last, whatever the order (keyset).",
    )


Search = Annotated[
    str | None,
    Query(max_length=200, description="Reference, BR number, or words of a title or name."),
]


class ApplicationLine(Schema):
    """One application in a list."""

    id: str
    reference: str
    scheme: str
    state: str
    title: str
    received: date | None
    amount_requested: str
    enterprise_id: str
    enterprise_name_en: str
    enterprise_name_zh: str
    br_number: str
    industry: str
    assigned_officer: str | None = Field(
        default=None, description="The actor id of the officer the case is assigned to."
    )


class ApplicationList(Schema):
    """One page of applications."""

    items: list[ApplicationLine]
    total: int = Field(description="How many match, counted up to 10,000 (see total_capped).")
    total_capped: bool = Field(
        default=False, description="True when more than `total` (10,000) match: not counted."
    )
    next_cursor: str | None


class ClaimLine(Schema):
    """One claim in a list."""

    id: str
    application_id: str
    reference: str
    state: str
    amount: str
    submitted_on: date


class ClaimList(Schema):
    """One page of claims."""

    items: list[ClaimLine]
    total: int = Field(description="How many match, counted up to 10,000 (see total_capped).")
    total_capped: bool = Field(default=False, description="True when more than `total` match.")
    next_cursor: str | None


class EnquiryLine(Schema):
    """One enquiry in a list."""

    id: str
    received_at: str
    channel: str
    centre: str | None
    state: str
    question: str


class EnquiryList(Schema):
    """One page of enquiries."""

    items: list[EnquiryLine]
    total: int = Field(description="How many match, counted up to 10,000 (see total_capped).")
    total_capped: bool = Field(default=False, description="True when more than `total` match.")
    next_cursor: str | None


class EnterpriseLine(Schema):
    """One enterprise in a list."""

    id: str
    br_number: str
    name_en: str
    name_zh: str
    incorporation: str
    employees: int
    manufacturing: bool
    industry: str


class EnterpriseList(Schema):
    """One page of the register."""

    items: list[EnterpriseLine]
    total: int = Field(description="How many match, counted up to 10,000 (see total_capped).")
    total_capped: bool = Field(default=False, description="True when more than `total` match.")
    next_cursor: str | None


class AuditLine(Schema):
    """One audit event in a list."""

    seq: int
    recorded_at: str
    actor: str
    role: str
    kind: str
    subject_type: str
    subject_id: str


class AuditList(Schema):
    """One page of the audit log, newest first unless sorted otherwise."""

    items: list[AuditLine]
    total: int = Field(description="How many match, counted up to 10,000 (see total_capped).")
    total_capped: bool = Field(default=False, description="True when more than `total` match.")
    next_cursor: str | None


def link_next(request: Request, response: Response, page: Page[Any]) -> None:
    """Set ``Link: <this URL with the next cursor>; rel="next"`` when there is a next page."""
    if page.next_cursor is not None:
        url = request.url.include_query_params(cursor=page.next_cursor)
        response.headers["Link"] = f'<{url}>; rel="next"'
    response.headers["X-Total-Count"] = str(page.total)
    if page.capped:  # counted up to COUNT_CAP only: the true total is larger
        response.headers["X-Total-Count-Capped"] = "true"


@router.get("/applications", response_model=ApplicationList)
def applications(
    request: Request,
    response: Response,
    actor: Reader,
    session: UnitOfWork,
    state: str | None = None,
    scheme: str | None = None,
    industry: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    q: Search = None,
    assigned_officer: Annotated[
        str | None,
        Query(
            max_length=64,
            description="Only the cases assigned to this officer (an actor id; `me`: the caller)",
        ),
    ] = None,
    sort: Annotated[str, ordered(SORTS, "reference")] = "reference",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ApplicationList:
    """Applications, a page at a time: filter by state, scheme, industry, dates, officer; search."""
    if actor.role is not Role.APPLICANT:  # an applicant lists its own enterprise's only
        ensure(actor, Action.LIST_CASES)
    filters = ApplicationFilters(
        state=state,
        scheme=scheme,
        industry=industry,
        received_from=received_from,
        received_to=received_to,
        q=q,
        enterprise_id=actor.enterprise_id if actor.role is Role.APPLICANT else None,
        assigned_officer=actor.id if assigned_officer == "me" else assigned_officer,
    )
    page = list_applications(session, filters, sort=sort, cursor=cursor, limit=limit)
    link_next(request, response, page)
    return ApplicationList(
        items=[
            ApplicationLine(
                id=i.id,
                reference=i.reference,
                scheme=i.scheme,
                state=i.state,
                title=i.title,
                received=i.received,
                amount_requested=shown(i.amount_requested_cents),
                enterprise_id=i.enterprise_id,
                enterprise_name_en=i.name_en,
                enterprise_name_zh=i.name_zh,
                br_number=i.br_number,
                industry=i.industry,
                assigned_officer=i.assigned_officer,
            )
            for i in page.items
        ],
        total=page.total,
        total_capped=page.capped,
        next_cursor=page.next_cursor,
    )


@router.get("/claims", response_model=ClaimList)
def claims(
    request: Request,
    response: Response,
    _staff: Staff,
    session: UnitOfWork,
    state: Annotated[list[str] | None, Query(description="Claim states (repeat).")] = None,
    scheme: str | None = None,
    q: Search = None,
    sort: Annotated[str, ordered(CLAIM_SORTS, "submitted")] = "submitted",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> ClaimList:
    """Claims, oldest first unless sorted, a page at a time: by state and scheme; search."""
    page = list_claims(
        session,
        tuple(state or ()),
        ApplicationFilters(scheme=scheme, q=q),
        sort=sort,
        cursor=cursor,
        limit=limit,
    )
    link_next(request, response, page)
    return ClaimList(
        items=[
            ClaimLine(
                id=c.id,
                application_id=c.application_id,
                reference=c.reference,
                state=c.state,
                amount=shown(c.amount_cents),
                submitted_on=c.submitted_on,
            )
            for c in page.items
        ],
        total=page.total,
        total_capped=page.capped,
        next_cursor=page.next_cursor,
    )


@router.get("/enquiries", response_model=EnquiryList)
def enquiries(
    request: Request,
    response: Response,
    _desk: Desk,
    session: UnitOfWork,
    state: str | None = None,
    centre: str | None = None,
    channel: str | None = None,
    received_from: date | None = None,
    received_to: date | None = None,
    q: Search = None,
    sort: Annotated[str, ordered(ENQUIRY_SORTS, "-received")] = "-received",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> EnquiryList:
    """Enquiries, newest first unless sorted, a page at a time: by state, centre, channel,
    dates; search."""
    filters = EnquiryFilters(state, centre, channel, received_from, received_to, q)
    page = list_enquiries(session, filters, sort=sort, cursor=cursor, limit=limit)
    link_next(request, response, page)
    return EnquiryList(
        items=[
            EnquiryLine(
                id=e.id,
                received_at=e.received_at.isoformat(),
                channel=e.channel,
                centre=e.centre,
                state=e.state,
                question=e.question,
            )
            for e in page.items
        ],
        total=page.total,
        total_capped=page.capped,
        next_cursor=page.next_cursor,
    )


@router.get("/enterprises", response_model=EnterpriseList)
def enterprises(
    request: Request,
    response: Response,
    _staff: Staff,
    session: UnitOfWork,
    industry: str | None = None,
    q: Search = None,
    sort: Annotated[str, ordered(ENTERPRISE_SORTS, "br_number")] = "br_number",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> EnterpriseList:
    """The register in BR-number order unless sorted, a page at a time; search by BR number
    or name."""
    page = list_enterprises(session, q=q, industry=industry, sort=sort, cursor=cursor, limit=limit)
    link_next(request, response, page)
    return EnterpriseList(
        items=[EnterpriseLine.model_validate(e) for e in page.items],
        total=page.total,
        total_capped=page.capped,
        next_cursor=page.next_cursor,
    )


@router.get("/audit/events", response_model=AuditList)
def audit_events(
    request: Request,
    response: Response,
    _auditor: Auditor,
    session: UnitOfWork,
    kind: str | None = None,
    actor: Annotated[
        str | None,
        Query(
            max_length=254,
            description="Who did it: a person's e-mail (any case) or exact display name, "
            "'system' for the system's own work, or an actor id; 404 when it names nobody.",
        ),
    ] = None,
    subject_id: Annotated[
        str | None,
        Query(
            max_length=64,
            description="What the events are about: an application's reference (the case and "
            "its claims), an enterprise's BR number, or a record's id; 404 when it names none.",
        ),
    ] = None,
    recorded_from: date | None = None,
    recorded_to: date | None = None,
    sort: Annotated[str, ordered(AUDIT_SORTS, "-seq")] = "-seq",
    cursor: Cursor = None,
    limit: Limit = 50,
) -> AuditList:
    """The audit log, newest first unless sorted, a page at a time: by kind, actor, subject
    and date."""
    subjects = subject_ids(session, subject_id) if subject_id and subject_id.strip() else ()
    actors = actor_ids(session, actor) if actor and actor.strip() else ()
    filters = AuditFilters(kind, actors, subjects, recorded_from, recorded_to)
    page = list_audit_events(session, filters, sort=sort, cursor=cursor, limit=limit)
    link_next(request, response, page)
    return AuditList(
        items=[
            AuditLine(
                seq=e.seq,
                recorded_at=e.recorded_at,
                actor=e.actor,
                role=e.role,
                kind=e.kind,
                subject_type=e.subject_type,
                subject_id=e.subject_id,
            )
            for e in page.items
        ],
        total=page.total,
        total_capped=page.capped,
        next_cursor=page.next_cursor,
    )
