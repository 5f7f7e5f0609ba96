"""``/api/v1/enquiries`` and ``/api/v1/seminars``: the SME-centre enquiry desk."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response, status
from pydantic import Field

from reind.programme import desk
from reind.programme.actors import Actor
from reind.programme.desk import views
from reind.programme.permissions import Action
from reind.web.api.common import Count, IfMatch, Schema, expect_version, set_etag
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, Transact, UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["enquiry desk"])
Reader = Annotated[
    Actor,
    Depends(require(Action.READ_PROGRAMME_FIGURES)),
]


class EnquiryCreate(Schema):
    """An enquiry as it arrives; ``profile`` holds what is known of the enquirer."""

    question: str = Field(max_length=8000)
    channel: str = Field(default="phone", max_length=20)
    profile: dict[str, Any] = Field(default_factory=dict)
    enterprise_id: str | None = None
    received_at: datetime | None = None


class EnquiryPublic(Schema):
    """An enquiry and its answer."""

    id: str
    received_at: datetime
    channel: str
    centre: str | None
    state: str
    question: str
    answer_en: str
    answer_zh: str
    version: int


class Routing(Schema):
    """Which centre takes the enquiry."""

    centre: desk.Centre


class AnswerCreate(Schema):
    """A note to add to the computed answer."""

    note_en: str = Field(default="", max_length=4000)
    note_zh: str = Field(default="", max_length=4000)


class SchemeFitPublic(Schema):
    """A scheme the rules find fits the enquirer."""

    scheme: str
    label: str
    outcome: str
    reasons_en: list[str]
    reasons_zh: list[str]


class AnswerPublic(Schema):
    """The answered enquiry and the schemes that fit."""

    enquiry: EnquiryPublic
    schemes: list[SchemeFitPublic]


class SeminarCreate(Schema):
    """A seminar held by a centre."""

    centre: desk.Centre
    held_on: date
    title: str = Field(max_length=300)
    attendees: Count


def _enquiry(row: object, response: Response | None = None) -> EnquiryPublic:
    view = views.enquiry_view(row)
    if response is not None:
        set_etag(response, view.version)
    return EnquiryPublic.model_validate(view)


@router.post(
    "/enquiries",
    response_model=EnquiryPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_ENQUIRIES))],
)
async def record_enquiry(
    body: EnquiryCreate, actor: CurrentActor, transact: Transact, response: Response
) -> EnquiryPublic:
    """Record an enquiry (desk officers)."""
    fields = body.model_dump()
    return await transact(
        lambda session: _enquiry(desk.record_enquiry(session, actor, **fields), response)
    )


@router.post(
    "/enquiries/{enquiry_id}/routing",
    response_model=EnquiryPublic,
    dependencies=[Depends(require(Action.RECORD_ENQUIRIES))],
)
def route(
    enquiry_id: str,
    body: Routing,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> EnquiryPublic:
    """Send the enquiry to one of the four centres."""
    current = views.find(session, enquiry_id)
    if current is not None:
        expect_version(current.version, if_match, f"enquiry {enquiry_id}")
    return _enquiry(desk.route_enquiry(session, enquiry_id, body.centre, actor), response)


@router.post(
    "/enquiries/{enquiry_id}/answer",
    response_model=AnswerPublic,
    dependencies=[Depends(require(Action.RECORD_ENQUIRIES))],
)
def answer(
    enquiry_id: str,
    body: AnswerCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
    if_match: IfMatch = None,
) -> AnswerPublic:
    """Answer with the schemes whose rules find the enquirer eligible or possibly so."""
    current = views.find(session, enquiry_id)
    if current is not None:
        expect_version(current.version, if_match, f"enquiry {enquiry_id}")
    row, fits = desk.answer_enquiry(
        session, enquiry_id, actor, note_en=body.note_en, note_zh=body.note_zh, engine=engine
    )
    return AnswerPublic(
        enquiry=_enquiry(row),
        schemes=[
            SchemeFitPublic(
                scheme=f.scheme,
                label=f.label,
                outcome=f.outcome,
                reasons_en=list(f.reasons_en),
                reasons_zh=list(f.reasons_zh),
            )
            for f in fits
        ],
    )


@router.post(
    "/seminars",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_ENQUIRIES))],
)
def record_seminar(body: SeminarCreate, actor: CurrentActor, session: UnitOfWork) -> dict[str, int]:
    """Record a seminar held by a centre."""
    row = desk.record_seminar(session, body.centre, body.held_on, body.title, body.attendees, actor)
    return {"id": row.id}


@router.get("/enquiries/counts")
def counts(start: date, end: date, _reader: Reader, session: UnitOfWork) -> dict[str, Any]:
    """Enquiries per centre and seminars (count, attendees) per centre in a period."""
    return {
        "enquiries": desk.count_enquiries(session, start, end),
        "seminars": {
            centre: {"seminars": n, "attendees": people}
            for centre, (n, people) in desk.count_seminars(session, start, end).items()
        },
    }
