"""The queue's bulk actions: tick cases, choose one step, take it on all of them.

From a queue (every case in one state) the officer ticks cases and takes one
step on them: assign them to an officer, run the screening rules, or a step
of the workflow open from that state (pass or fail screening, refer to the
committee, withdraw lapsed drafts ...). All or none unless the officer asks
for each alone (``applications.bulk``); each refusal is named beside its case
in the reader's language.
"""

from __future__ import annotations

from functools import cache

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.programme.actors import Role
from reind.programme.applications.bulk import ONE_BY_ONE, take_step_on_many
from reind.programme.applications.workflow import ACTION_WORDS, all_workflows
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import RulesEngine, UnitOfWork
from reind.web.i18n import error_text
from reind.web.views.pages import PageRoute, back_to, need, page, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)

EXTRA_STEPS = {"assign": "Assign to the officer", "screen": "Run the screening rules"}
"""Steps a batch takes that are not workflow actions (msgids)."""


@cache
def bulk_steps(state: str, role: Role = Role.OFFICER) -> tuple[tuple[str, str], ...]:
    """The steps offered on a queue's ticked cases: (step, msgid of its label)."""
    actions = {
        t.action
        for w in all_workflows()
        if state in w.states
        for t in w.actions(state, role)
        if t.action not in ONE_BY_ONE
    }
    steps = [("assign", EXTRA_STEPS["assign"])]
    if state == "screening":
        steps.append(("screen", EXTRA_STEPS["screen"]))
    steps += [(a, ACTION_WORDS.get(a, a)) for a in sorted(actions)]
    return tuple(steps)


@router.post("/workbench/bulk", dependencies=[Depends(needs(Action.SCREEN))])
async def bulk(
    request: Request, user: CurrentUser, session: UnitOfWork, engine: RulesEngine
) -> Response:
    """Take the chosen step on every ticked case; back to the queue, or each case's result."""
    actor = need(user, Action.SCREEN)
    data = await request.form()
    form = await read_form(request)
    ids = [str(v) for v in data.getlist("application_id")]
    state = form.values.get("state", "")
    step = form.values.get("step", "")
    batch = take_step_on_many(
        session,
        ids,
        step,
        actor,
        note=form.values.get("note", "").strip(),
        to=form.values.get("officer", ""),
        engine=engine,
        all_or_none=form.values.get("each") != "on",
    )
    if batch.kept and not batch.refused:
        return back_to(f"/workbench?state={state}&done={len(batch.results)}")
    return page(
        request,
        "workbench/bulk.html",
        user,
        status_code=200 if batch.kept else 400,
        batch=batch,
        state=state,
        step_label=dict(bulk_steps(state)).get(step, step),
        reasons={
            r.application_id: error_text(r.refusal, form.lang) for r in batch.refused if r.refusal
        },
    )
