"""The request and response bodies of ``/api/v1/enterprises`` and ``/api/v1/applications``.

Kept apart from the handlers so the hot path (``web.hot_path``) and the
committee's API answer with the very same models and translations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from reind.programme import applications as service
from reind.programme.actors import Actor, Role
from reind.programme.applications import views
from reind.programme.applications.workflow import workflow_for
from reind.programme.enterprises import views as register
from reind.programme.enterprises.profile import Incorporation, Industry
from reind.web.api.common import RECEIVED_IS_THE_SYSTEMS, Amount, Count, Schema, money, shown


class EnterpriseCreate(Schema):
    """An enterprise to register."""

    br_number: str = Field(pattern=r"^[0-9]{8}$", examples=["12345678"])
    name_en: str = Field(max_length=200, pattern=r"\S")
    name_zh: str = Field(default="", max_length=200)
    incorporation: Incorporation
    employees: Count
    manufacturing: bool
    industry: Industry
    listed: bool = False


class EnterprisePublic(Schema):
    """An enterprise on the register."""

    id: str
    br_number: str
    name_en: str
    name_zh: str
    incorporation: str
    listed: bool
    employees: int
    manufacturing: bool
    industry: str
    version: int


class ContactCreate(Schema):
    """A contact person."""

    name: str = Field(max_length=200)
    position: str = Field(default="", max_length=100)
    email: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)


class ContactPublic(ContactCreate):
    """A contact person on the register."""

    id: int


class CostLineCreate(Schema):
    """One budget line in one of the scheme's cost categories."""

    category: str = Field(max_length=60)
    description: str = Field(max_length=300)
    amount: Amount


class CostLinePublic(CostLineCreate):
    """A stored budget line."""

    id: int


class ApplicationCreate(Schema):
    """A new draft application."""

    scheme: str = Field(max_length=32, examples=["rfs"])
    enterprise_id: str
    title: str = Field(max_length=300)
    amount_requested: Amount
    cost_lines: list[CostLineCreate] = Field(default_factory=list, max_length=200)
    facts: dict[str, Any] = Field(default_factory=dict)

    system_owned: ClassVar[dict[str, tuple[str, str]]] = {"received": RECEIVED_IS_THE_SYSTEMS}


class ApplicationPublic(Schema):
    """An application and where it stands (the label is the one your role sees)."""

    id: str
    reference: str
    scheme: str
    enterprise_id: str
    title: str
    state: str
    state_label: dict[str, str]
    received: date | None
    amount_requested: str
    screening_decision_id: str | None
    created_at: datetime
    version: int
    assigned_officer: str | None = Field(
        default=None, description="The actor id of the officer the case is assigned to."
    )


class TransitionCreate(Schema):
    """An action to take in the application's workflow."""

    action: str = Field(pattern=r"^[a-z][a-z_]*$", examples=["submit"])
    note: str = Field(default="", max_length=2000)
    version: int | None = Field(default=None, description="The version you last read.")

    system_owned: ClassVar[dict[str, tuple[str, str]]] = {"received": RECEIVED_IS_THE_SYSTEMS}


class ReceivedCorrection(Schema):
    """An officer's correction of a received date, and why."""

    received: date
    reason: str = Field(max_length=2000)


class DocumentPublic(Schema):
    """A supporting document (its content is not echoed back)."""

    id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


def enterprise_public(view: register.EnterpriseView) -> EnterprisePublic:
    """An enterprise on the register as the API shows it."""
    return EnterprisePublic.model_validate(view)


def application_public(
    row: views.ApplicationView | service.NewApplication, actor: Actor
) -> ApplicationPublic:
    """An application as ``actor`` sees it (applicants get the applicant's labels)."""
    flow = workflow_for(row.scheme)
    audience: Literal["staff", "applicant"] = (
        "applicant" if actor.role is Role.APPLICANT else "staff"
    )
    return ApplicationPublic(
        id=row.id,
        reference=row.reference,
        scheme=row.scheme,
        enterprise_id=row.enterprise_id,
        title=row.title,
        state=row.state,
        state_label={lang: flow.label(row.state, audience, lang) for lang in ("en", "zh-Hant")},
        received=row.received,
        amount_requested=shown(row.amount_requested_cents),
        screening_decision_id=row.screening_decision_id,
        created_at=row.created_at,
        version=row.version,
        assigned_officer=getattr(row, "assigned_officer", None),
    )


def draft_of(body: ApplicationCreate) -> service.ApplicationDraft:
    """The service's draft from the API's request body."""
    return service.ApplicationDraft(
        scheme=body.scheme,
        enterprise_id=body.enterprise_id,
        title=body.title,
        amount_requested=money(body.amount_requested),
        cost_lines=tuple(
            service.CostLine(c.category, c.description, money(c.amount)) for c in body.cost_lines
        ),
        facts=body.facts,
    )


def cost_line_public(line: views.CostLineView) -> CostLinePublic:
    """A stored budget line as the API shows it."""
    return CostLinePublic(
        id=line.id,
        category=line.category,
        description=line.description,
        amount=shown(line.amount_cents),
    )
