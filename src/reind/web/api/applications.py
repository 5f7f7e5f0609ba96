"""``/api/v1/enterprises`` and ``/api/v1/applications``: drafts to screening.

Each handler translates the request into one service call; the services
decide who may do what (an applicant only reaches its own enterprise, a
conflicted committee member never sees the application).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Response, UploadFile, status
from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme import applications as service
from reind.programme.applications import views
from reind.programme.applications.access import ensure_may_see_enterprise
from reind.programme.applications.transitions import (
    correct_received_date,
    screen_application,
    transition_application,
)
from reind.programme.enterprises import registry
from reind.programme.enterprises import views as register
from reind.programme.enterprises.profile import EnterpriseProfile
from reind.programme.permissions import Action
from reind.web.api.application_schemas import (
    ApplicationCreate,
    ApplicationPublic,
    ContactCreate,
    ContactPublic,
    CostLineCreate,
    CostLinePublic,
    DocumentPublic,
    EnterpriseCreate,
    EnterprisePublic,
    ReceivedCorrection,
    TransitionCreate,
    application_public,
    cost_line_public,
    draft_of,
    enterprise_public,
)
from reind.web.api.common import (
    IdempotencyKey,
    IfMatch,
    expect_version,
    money,
    set_etag,
)
from reind.web.api.evidence import read_upload
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, Transact, UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["applications"])


@router.post(
    "/enterprises",
    response_model=EnterprisePublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.REGISTER_ENTERPRISES))],
)
def register_enterprise(
    body: EnterpriseCreate, actor: CurrentActor, session: UnitOfWork
) -> EnterprisePublic:
    """Register an enterprise (officers)."""
    profile = EnterpriseProfile(**body.model_dump())
    return enterprise_public(
        register.enterprise_view(registry.register_enterprise(session, profile, actor))
    )


@router.get(
    "/enterprises/{enterprise_id}",
    response_model=EnterprisePublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
async def get_enterprise(
    enterprise_id: str, actor: CurrentActor, transact: Transact, response: Response
) -> EnterprisePublic:
    """An enterprise (applicants: only their own)."""

    def read(session: Session) -> EnterprisePublic:
        ensure_may_see_enterprise(session, actor, enterprise_id)
        view = register.enterprise(session, enterprise_id, actor)
        set_etag(response, view.version)
        return enterprise_public(view)

    return await transact(read)


@router.post(
    "/enterprises/{enterprise_id}/contacts",
    response_model=ContactPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.EDIT_CONTACTS))],
)
def add_contact(
    enterprise_id: str, body: ContactCreate, actor: CurrentActor, session: UnitOfWork
) -> ContactPublic:
    """Add a contact person to an enterprise (the applicant its own, or the office)."""
    ensure_may_see_enterprise(session, actor, enterprise_id)
    row = registry.add_contact(session, enterprise_id, actor, **body.model_dump())
    return ContactPublic.model_validate(register.contact_view(row))


@router.get(
    "/enterprises/{enterprise_id}/contacts",
    response_model=list[ContactPublic],
    dependencies=[Depends(require(Action.READ_CASES))],
)
def list_contacts(
    enterprise_id: str, actor: CurrentActor, session: UnitOfWork
) -> list[ContactPublic]:
    """The enterprise's contact people (not for a member conflicted with its application)."""
    ensure_may_see_enterprise(session, actor, enterprise_id)
    return [
        ContactPublic.model_validate(c) for c in register.contacts(session, enterprise_id, actor)
    ]


@router.post(
    "/applications",
    response_model=ApplicationPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.WRITE_DRAFTS))],
)
async def create_application(
    body: ApplicationCreate,
    actor: CurrentActor,
    transact: Transact,
    engine: RulesEngine,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ApplicationPublic:
    """Create a draft; retrying with the same ``Idempotency-Key`` returns the same draft."""
    draft = draft_of(body)

    def create(session: Session) -> ApplicationPublic:
        row = service.create_application(
            session, draft, actor, idempotency_key=idempotency_key, engine=engine
        )
        response.headers["Location"] = f"/api/v1/applications/{row.id}"
        set_etag(response, row.version)
        return application_public(views.application_view(row), actor)

    return await transact(create)


@router.get(
    "/applications/{application_id}",
    response_model=ApplicationPublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
async def get_application(
    application_id: str, actor: CurrentActor, transact: Transact, response: Response
) -> ApplicationPublic:
    """An application, if you may see it."""

    def read(session: Session) -> ApplicationPublic:
        view = views.application(session, application_id, actor)
        set_etag(response, view.version)
        return application_public(view, actor)

    return await transact(read)


@router.get(
    "/applications/{application_id}/cost-lines",
    response_model=list[CostLinePublic],
    dependencies=[Depends(require(Action.READ_CASES))],
)
async def list_cost_lines(
    application_id: str, actor: CurrentActor, transact: Transact
) -> list[CostLinePublic]:
    """The application's budget."""

    def read(session: Session) -> list[CostLinePublic]:
        app = views.application(session, application_id, actor)
        return [cost_line_public(c) for c in views.cost_lines(session, app)]

    return await transact(read)


@router.post(
    "/applications/{application_id}/cost-lines",
    response_model=CostLinePublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.WRITE_DRAFTS))],
)
def add_cost_line(
    application_id: str,
    body: CostLineCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
) -> CostLinePublic:
    """Add a budget line to a draft (ineligible categories are refused with the reason)."""
    line = service.CostLine(body.category, body.description, money(body.amount))
    row = service.add_cost_line(session, application_id, line, actor, engine)
    return CostLinePublic(
        id=row.id, category=row.category, description=row.description, amount=body.amount
    )


@router.post(
    "/applications/{application_id}/documents",
    response_model=DocumentPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.WRITE_DRAFTS))],
)
def attach_document(
    application_id: str,
    file: UploadFile,
    actor: CurrentActor,
    session: UnitOfWork,
) -> DocumentPublic:
    """Upload a supporting document (PDF, PNG, JPEG, CSV, XLSX, DOCX; at most 20 MiB)."""
    content = read_upload(file)
    row = service.attach_document(
        session,
        application_id,
        actor,
        filename=file.filename or "",
        media_type=file.content_type or "",
        content=content,
    )
    return DocumentPublic.model_validate(views.document_view(row))


@router.post(
    "/applications/{application_id}/transitions",
    response_model=ApplicationPublic,
    dependencies=[Depends(require(Action.MOVE_CASES))],
)
def transition(
    application_id: str,
    body: TransitionCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationPublic:
    """Take a workflow action (submit, start_screening, withdraw ...) if your role may."""
    current = views.application(session, application_id, actor)
    expect_version(current.version, if_match, f"application {current.reference}", body.version)
    row = transition_application(session, application_id, body.action, actor, note=body.note)
    set_etag(response, row.version)
    return application_public(views.application_view(row), actor)


@router.post(
    "/applications/{application_id}/received-date",
    response_model=ApplicationPublic,
    dependencies=[Depends(require(Action.CORRECT_RECEIVED_DATES))],
)
def correct_received(
    application_id: str,
    body: ReceivedCorrection,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> ApplicationPublic:
    """Correct the received date the server gave at submission (officers; reason required)."""
    current = views.application(session, application_id, actor)
    expect_version(current.version, if_match, f"application {current.reference}")
    row = correct_received_date(session, application_id, body.received, body.reason, actor)
    set_etag(response, row.version)
    return application_public(views.application_view(row), actor)


@router.post(
    "/applications/{application_id}/screening", dependencies=[Depends(require(Action.SCREEN))]
)
def screen(
    application_id: str,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Run the scheme's rules on the application: outcome, amount, reasons and trace."""
    current = views.application(session, application_id, actor)
    expect_version(current.version, if_match, f"application {current.reference}")
    decision = screen_application(session, application_id, actor, engine=engine)
    screened = views.application(session, application_id, actor)
    return {"decision_id": screened.screening_decision_id, **decision.to_json()}


@router.get(
    "/applications/{application_id}/screening", dependencies=[Depends(require(Action.READ_CASES))]
)
def screening_result(
    application_id: str, actor: CurrentActor, session: UnitOfWork
) -> dict[str, Any]:
    """The stored screening decision with its trace and rules version."""
    app = views.application(session, application_id, actor)
    stored = views.screening_decision(session, app)
    if stored is None:
        raise NotFoundError("{reference} has not been screened yet", reference=app.reference)
    return {"decision_id": app.screening_decision_id, **stored.document}
