"""Applicant portal, part one: my applications, schemes for me, the application form.

The form is generated from the scheme itself: one budget line per cost
category the scheme funds (its ``eligible_cost_categories`` parameter in
force today) and one question per input of the scheme's formula that the
register does not already know (``case_inputs`` fills the date, the total
cost and the enterprise's profile). Saving makes a draft; it is submitted
from the application's own page, after documents are attached.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.core.errors import InvalidInputError
from reind.core.money import Money
from reind.programme.actors import Actor
from reind.programme.applications import views
from reind.programme.applications.drafts import edit_draft
from reind.programme.applications.services import (
    ApplicationDraft,
    CostLine,
    create_application,
    optional_parameter,
)
from reind.programme.applications.workflow import workflow_for
from reind.programme.enterprises import views as register
from reind.programme.enterprises.fits import judge_schemes, profile_of
from reind.programme.permissions import Action
from reind.rules.engine import Engine
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.forms import FormField, form_fields, parse_form
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.words import category_label, words_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)

KNOWN_FROM_RECORDS = frozenset(
    {
        "received",
        "total_cost",
        "amount_requested",
        "incorporated_under",
        "employees",
        "manufacturing",
        "listed",
        "prior_approvals",
        "business_registration",
        "employees_in_hk",
    }
)
"""Inputs the programme fills from the application, its budget and the register."""


def parse_money(form: Form, name: str, *, required: bool = True) -> Money | None:
    """A HK$ amount typed as "1,200,000" or "HK$1,200,000.50"; errors noted on ``name``."""
    text = form.values.get(name, "").strip().replace(",", "").replace("HK$", "").replace("$", "")
    if not text:
        if required:
            form.fail(name, "Please fill this in.")
        return None
    try:
        amount = Money.of(text)
    except (InvalidInputError, ArithmeticError, ValueError):
        form.fail(name, "Enter an amount in Hong Kong dollars, like 1,200,000.")
        return None
    if amount.is_negative():
        form.fail(name, "The amount cannot be negative.")
        return None
    return amount


def cost_categories(engine: Engine, scheme: str, day: date) -> tuple[str, ...]:
    """The categories the scheme funds on ``day`` (one "other" line when it names none)."""
    parameter = optional_parameter(engine, scheme, "eligible_cost_categories")
    value = parameter.at(day) if parameter is not None else None
    if value is None or not isinstance(value.value, tuple):
        return ("other_direct_costs",)
    return tuple(str(v) for v in value.value)


def questions(engine: Engine, scheme: str) -> list[FormField]:
    """The scheme's inputs the applicant answers (those the records do not give)."""
    model = engine.scheme(scheme).inputs
    return [f for f in form_fields(model) if f.name not in KNOWN_FROM_RECORDS and f.kind != "json"]


@router.get("/portal", dependencies=[Depends(needs(Action.USE_PORTAL))])
def my_applications(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The enterprise's applications and where each stands (the applicant's labels)."""
    actor = need(user, Action.USE_PORTAL)
    enterprise = register.own_enterprise(session, actor)
    rows = views.of_enterprise(session, enterprise.id)
    engine = engine_of(request)
    apps = [(row, engine.scheme(row.scheme), workflow_for(row.scheme)) for row in rows]
    return page(request, "portal/home.html", user, enterprise=enterprise, apps=apps)


@router.get("/portal/schemes", dependencies=[Depends(needs(Action.USE_PORTAL))])
def schemes_for_me(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The catalogue as the rules see this enterprise: fits first.

    Schemes for another kind of applicant (venture-capital partners, ITF
    project holders, university start-ups) are listed apart, never offered.
    """
    actor = need(user, Action.USE_PORTAL)
    enterprise = register.own_enterprise(session, actor)
    day = hk_today()
    engine = engine_of(request)
    fits = judge_schemes(profile_of(enterprise), day, engine)
    groups = {
        key: [(f, engine.scheme(f.scheme)) for f in fits if f.outcome in outcomes]
        for key, outcomes in (
            ("fit", {"eligible", "tentative"}),
            ("unknown", {"unknown"}),
            ("no", {"ineligible"}),
            ("other", {"other_applicant"}),
        )
    }
    return page(
        request,
        "portal/schemes.html",
        user,
        status_code=200,
        enterprise=enterprise,
        groups=groups,
        day=day,
        **words_for(engine, negotiate(request)),
    )


def _apply_page(
    request: Request,
    user: Any,
    scheme: str,
    form: Form,
    status_code: int = 200,
    editing: views.ApplicationView | None = None,
) -> Response:
    engine = engine_of(request)
    return page(
        request,
        "portal/apply.html",
        user,
        status_code=status_code,
        scheme=engine.scheme(scheme),
        categories=[(c, category_label(c)) for c in cost_categories(engine, scheme, hk_today())],
        questions=questions(engine, scheme),
        values=form.values,
        errors=form.errors,
        editing=editing,
    )


@router.get("/portal/apply/{scheme}", dependencies=[Depends(needs(Action.USE_PORTAL))])
def application_form(request: Request, scheme: str, user: CurrentUser) -> Response:
    """A blank application form for the scheme."""
    need(user, Action.USE_PORTAL)
    code = engine_of(request).scheme(scheme).code
    return _apply_page(request, user, code, Form())


def _cost_lines(form: Form, categories: tuple[str, ...]) -> list[CostLine]:
    lines = []
    for category in categories:
        amount = parse_money(form, f"cost_{category}", required=False)
        if amount is None or amount.cents == 0:
            continue
        # left blank, it stays blank: the kind of cost beside it already says it in the reader's
        # language (an English label stored here read as typed data on Chinese pages)
        description = form.values.get(f"desc_{category}", "").strip()
        lines.append(CostLine(category, description, amount))
    return lines


def _answers(form: Form, engine: Engine, scheme: str) -> dict[str, Any]:
    fields = questions(engine, scheme)
    parsed, problems = parse_form(fields, form.values)
    for problem in problems:
        form.fail(problem.split(":", 1)[0], problem)
    model = engine.scheme(scheme).inputs.model_fields
    for name, value in parsed.items():
        try:
            TypeAdapter[Any](model[name].annotation or Any).validate_python(value)
        except ValidationError as exc:
            form.fail(name, exc.errors()[0]["msg"])
    return parsed


def _read_draft(
    form: Form, session: Session, actor: Actor, engine: Engine, code: str
) -> ApplicationDraft | None:
    """The draft the form describes, or None with the problems noted on ``form``."""
    title = form.text("title")
    requested = parse_money(form, "amount_requested")
    lines = _cost_lines(form, cost_categories(engine, code, hk_today()))
    if form.ok and not lines:
        form.fail("", "Add at least one line to the budget.")
    facts = _answers(form, engine, code)
    if not form.ok or requested is None:
        return None
    return ApplicationDraft(
        scheme=code,
        enterprise_id=register.own_enterprise(session, actor).id,
        title=title,
        amount_requested=requested,
        cost_lines=tuple(lines),
        facts=facts,
    )


@router.post("/portal/apply/{scheme}", dependencies=[Depends(needs(Action.USE_PORTAL))])
async def save_draft(
    request: Request, scheme: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Save the application as a draft; on any problem the form comes back as typed."""
    actor = need(user, Action.USE_PORTAL)
    engine = engine_of(request)
    code = engine.scheme(scheme).code
    form = await read_form(request)
    draft = _read_draft(form, session, actor, engine, code)
    if draft is not None:
        created: list[str] = []
        with attempt(session, form):
            created.append(create_application(session, draft, actor, engine=engine).id)
        if created:
            return back_to(f"/portal/applications/{created[0]}?saved=1")
    return _apply_page(request, user, code, form, status_code=400)


def _typed_back(app: views.ApplicationView, lines: list[views.CostLineView]) -> dict[str, str]:
    """A saved draft as the form's text, so Edit opens on what was saved."""
    values = {
        "title": app.title,
        "amount_requested": f"{Money(app.amount_requested_cents).amount:,.2f}",
    }
    for line in lines:
        key = f"cost_{line.category}"
        earlier = Money.of(values[key].replace(",", "")) if key in values else Money.zero()
        values[key] = f"{(earlier + Money(line.amount_cents)).amount:,.2f}"
        values.setdefault(f"desc_{line.category}", line.description)
    for name, value in app.answers().items():
        if isinstance(value, bool):
            values[name] = "yes" if value else "no"
        elif value is not None:
            values[name] = str(value)
    return values


@router.get(
    "/portal/applications/{application_id}/edit", dependencies=[Depends(needs(Action.USE_PORTAL))]
)
def edit_form(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """The application form, filled in with the saved draft."""
    actor = need(user, Action.USE_PORTAL)
    app = views.application(session, application_id, actor)
    form = Form(values=_typed_back(app, views.cost_lines(session, app)))
    return _apply_page(request, user, app.scheme, form, editing=app)


@router.post(
    "/portal/applications/{application_id}/edit", dependencies=[Depends(needs(Action.USE_PORTAL))]
)
async def save_edit(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Save the changed draft; on any problem the form comes back as typed."""
    actor = need(user, Action.USE_PORTAL)
    engine = engine_of(request)
    app = views.application(session, application_id, actor)
    form = await read_form(request)
    draft = _read_draft(form, session, actor, engine, app.scheme)
    if draft is not None:
        with attempt(session, form):
            edit_draft(session, app.id, draft, actor, engine=engine)
        if form.ok:
            return back_to(f"/portal/applications/{app.id}?saved=1")
    return _apply_page(request, user, app.scheme, form, status_code=400, editing=app)
