"""The enquiries desk: record an enquiry, route it to a centre, answer with schemes that fit.

The answer names the schemes whose own rules find the enquirer eligible or
possibly eligible (``desk.answer_enquiry``). The rules need a project size
for most schemes, so the form asks for one (optional) beside the profile.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from markupsafe import Markup, escape
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.money import Money
from reind.programme.actors import Actor
from reind.programme.desk import views
from reind.programme.desk.lists import EnquiryFilters, list_enquiries
from reind.programme.desk.services import (
    CENTRE_NAMES,
    Centre,
    answer_enquiry,
    record_enquiry,
    route_enquiry,
    scheme_names,
)
from reind.programme.permissions import Action
from reind.rules.engine import Engine
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, UnitOfWork, engine_of
from reind.web.i18n import negotiate, translations
from reind.web.views.lists import base_url, day, sort_of
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.portal import parse_money
from reind.web.views.words import value_words


def _linked_answer(text: str, engine: Engine, codes: list[Any], lang: str) -> Markup:
    """The answer as given, each scheme it names linked to its page where first named.

    The schemes were listed a second time under the answer; now they appear once. A scheme
    is found by the name the answer gives it in ``lang`` (``scheme_names``: its Chinese
    title on a Chinese page), or by its short name, as Chinese answers written before they
    named schemes in Chinese still do.
    """
    known = {s.code for s in engine.schemes}
    wanted = [str(c) for c in codes if str(c) in known]
    shown = str(escape(text))
    shorts = dict(scheme_names(engine, wanted, "en"))
    for code, name in scheme_names(engine, wanted, lang):
        for words in dict.fromkeys((name, shorts[code])):
            found = re.search(rf"(?<![\w-]){re.escape(str(escape(words)))}(?![\w-])", shown)
            if found:
                link = Markup('<a href="/schemes/{}">{}</a>').format(code, words)
                shown = f"{shown[: found.start()]}{link}{shown[found.end() :]}"
                break
    return Markup(shown)  # noqa: S704 - every piece was escaped above


router = APIRouter(route_class=PageRoute, include_in_schema=False)

CHANNELS = {"phone": "Phone", "email": "E-mail", "walk_in": "Walk-in", "web": "Website"}
ENQUIRY_STATES = {
    "received": "Received, not yet routed",
    "routed": "Routed to a centre",
    "answered": "Answered",
}
PROFILE_LABELS = {
    "incorporated_under": "Incorporated under",
    "employees": "Employees in Hong Kong",
    "employees_in_hk": "Employees in Hong Kong",
    "manufacturing": "Manufacturing business?",
    "listed": "Listed company?",
    "total_cost": "Rough project cost (HK$)",
}
"""What the enquirer said about the enterprise, each fact by its question (msgids)."""


def _profile_lines(profile: dict[str, Any], gettext: Any) -> list[tuple[str, str]]:
    """The profile as (question, answer) in the reader's language: no codes, no True/False."""
    lines = []
    for key, value in profile.items():
        label = gettext(PROFILE_LABELS.get(key, key.replace("_", " ").capitalize()))
        if isinstance(value, bool):
            shown = gettext("Yes") if value else gettext("No")
        elif key == "total_cost":
            shown = str(Money.of(str(value)))
        else:
            shown = value_words(value, gettext)
        lines.append((label, shown))
    return lines


def _profile(form: Form) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    if form.values.get("incorporated_under"):
        profile["incorporated_under"] = form.values["incorporated_under"]
    employees = form.values.get("employees", "").strip()
    if employees:
        if employees.isdigit():
            profile["employees"] = int(employees)
        else:
            form.fail("employees", "Give the number of employees as a whole number.")
    for flag in ("manufacturing", "listed"):
        if form.values.get(flag) in ("yes", "no"):
            profile[flag] = form.values[flag] == "yes"
    cost = parse_money(form, "total_cost", required=False)
    if cost is not None:
        profile["total_cost"] = str(cost.amount)
    return profile


SORT_LABELS = {"-received": "Newest first", "received": "Oldest first"}
"""The enquiries' orderings (``desk.lists.SORTS``) in words (msgids of their translations)."""


def _desk_page(
    request: Request, user: Any, session: Session, form: Form | None = None, status: int = 200
) -> Response:
    params = request.query_params
    filters = EnquiryFilters(
        state=params.get("state") or None,
        centre=params.get("centre") or None,
        channel=params.get("via") or None,
        received_from=day(request, "from"),
        received_to=day(request, "to"),
        q=(params.get("q") or "").strip() or None,
    )
    sort = sort_of(request, "-received")
    rows = list_enquiries(session, filters, sort=sort, cursor=params.get("cursor"))
    form = form or Form()
    return page(
        request,
        "desk/index.html",
        user,
        status_code=status,
        enquiries=rows,
        filters=filters,
        sort=sort,
        sorts=SORT_LABELS,
        centres=CENTRE_NAMES,
        base=base_url(request),
        channels=CHANNELS,
        states=ENQUIRY_STATES,
        values=form.values,
        errors=form.errors,
    )


@router.get("/desk", dependencies=[Depends(needs(Action.RECORD_ENQUIRIES))])
def desk(request: Request, user: CurrentUser, session: ReadSide) -> Response:
    """Recent enquiries and the form to record a new one."""
    need(user, Action.RECORD_ENQUIRIES)
    return _desk_page(request, user, session)


@router.post("/desk/enquiries", dependencies=[Depends(needs(Action.RECORD_ENQUIRIES))])
async def record(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Record an enquiry as it arrives."""
    actor = need(user, Action.RECORD_ENQUIRIES)
    form = await read_form(request)
    question = form.text("question")
    channel = form.values.get("channel", "phone")
    if channel not in CHANNELS:
        form.fail("channel", "Choose how the enquiry came in.")
    profile = _profile(form)
    created: list[str] = []
    if form.ok:
        with attempt(session, form, "question"):
            row = record_enquiry(
                session,
                actor,
                question=question,
                channel=channel,
                profile=profile,
                enquirer_name=form.values.get("enquirer_name", ""),
                enquirer_contact=form.values.get("enquirer_contact", ""),
            )
            created.append(row.id)
    if created:
        return back_to(f"/desk/enquiries/{created[0]}")
    return _desk_page(request, user, session, form, 400)


def _enquiry_page(
    request: Request,
    user: Any,
    session: Session,
    enquiry_id: str,
    form: Form | None = None,
    status: int = 200,
) -> Response:
    row = views.enquiry(session, enquiry_id)
    form = form or Form(values={"centre": row.centre or ""})
    lang = negotiate(request)
    gettext = translations(lang).gettext
    return page(
        request,
        "desk/enquiry.html",
        user,
        status_code=status,
        enquiry=row,
        profile=_profile_lines(row.profile_facts(), gettext),
        answer=_linked_answer(
            row.answer_zh if lang == "zh-Hant" else row.answer_en,
            engine_of(request),
            row.suggested(),
            lang,
        ),
        centres=[(c.value, CENTRE_NAMES[c]) for c in Centre],
        centre_names={c.value: CENTRE_NAMES[c] for c in Centre},
        channels=CHANNELS,
        states=ENQUIRY_STATES,
        values=form.values,
        errors=form.errors,
    )


@router.get("/desk/enquiries/{enquiry_id}", dependencies=[Depends(needs(Action.RECORD_ENQUIRIES))])
def enquiry(request: Request, enquiry_id: str, user: CurrentUser, session: UnitOfWork) -> Response:
    """One enquiry: route it, answer it."""
    need(user, Action.RECORD_ENQUIRIES)
    return _enquiry_page(request, user, session, enquiry_id)


async def _act(
    request: Request, user: Any, session: Session, enquiry_id: str, act: str, actor: Actor
) -> Response:
    form = await read_form(request)
    if act == "route":
        centre = form.text("centre")
        if centre and centre not in {c.value for c in Centre}:
            form.fail("centre", "Choose one of the four centres.")
        if form.ok:
            with attempt(session, form, "centre"):
                route_enquiry(session, enquiry_id, Centre(centre), actor)
    else:
        with attempt(session, form, "note_en"):
            answer_enquiry(
                session,
                enquiry_id,
                actor,
                note_en=form.values.get("note_en", "").strip(),
                note_zh=form.values.get("note_zh", "").strip(),
                engine=engine_of(request),
            )
    if form.ok:
        return back_to(f"/desk/enquiries/{enquiry_id}?done={act}")
    return _enquiry_page(request, user, session, enquiry_id, form, 400)


@router.post(
    "/desk/enquiries/{enquiry_id}/routing", dependencies=[Depends(needs(Action.RECORD_ENQUIRIES))]
)
async def route(
    request: Request, enquiry_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Send the enquiry to one of the four SME centres."""
    actor = need(user, Action.RECORD_ENQUIRIES)
    return await _act(request, user, session, enquiry_id, "route", actor)


@router.post(
    "/desk/enquiries/{enquiry_id}/answer", dependencies=[Depends(needs(Action.RECORD_ENQUIRIES))]
)
async def answer(
    request: Request, enquiry_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Answer, pointing to the schemes the rules find fit the enquirer."""
    actor = need(user, Action.RECORD_ENQUIRIES)
    return await _act(request, user, session, enquiry_id, "answer", actor)
