"""The plant dashboard: live state, trends, alarms and recipe setpoints per line.

Pages read the ``PlantLink`` of the app's ``Platform`` (``reind demo``,
``reind serve`` with a broker); writes go out as Sparkplug DCMDs, alarm actions through
the ISA-18.2 lifecycle with the signed-in user as the actor.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response, StreamingResponse

from reind.core.clock import HONG_KONG, utcnow
from reind.core.errors import InvalidInputError, NotFoundError, ReindError
from reind.factory.control.packml import PackMLState
from reind.factory.kpi import Kpi, WorkUnit, kpi_report
from reind.factory.kpi.rollups import elements_total
from reind.programme.actors import Actor
from reind.programme.audit.chain import record_at_commit
from reind.programme.permissions import PERMISSIONS, Action, ensure
from reind.web.auth import current_actor
from reind.web.deps import database_of, platform_of
from reind.web.i18n import negotiate, translations
from reind.web.plant_commands import COMMANDS, allowed, in_language, send_command
from reind.web.plant_format import number_text, unit_text
from reind.web.plant_lines import LineSpec
from reind.web.plant_link import PlantLink
from reind.web.templating import render
from reind.web.views.pages import PageRoute

router = APIRouter(prefix="/plant", route_class=PageRoute)

PLANT_ROLES = PERMISSIONS[Action.WATCH_PLANT]
OPERATOR_ROLES = PERMISSIONS[Action.OPERATE_PLANT]
"""Who may command a line, change its setpoints or act on its alarms (the others only watch)."""
SHELVE_MINUTES = (15, 60, 480)


def plant_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """Plant engineers, officers, analysts and administrators may watch the dashboard."""
    ensure(actor, Action.WATCH_PLANT)
    return actor


PlantActor = Annotated[Actor, Depends(plant_actor)]


def plant_operator(actor: PlantActor) -> Actor:
    """Only the plant engineer operates a line: separation of duties (docs/roles.md)."""
    ensure(actor, Action.OPERATE_PLANT)
    return actor


PlantOperator = Annotated[Actor, Depends(plant_operator)]


def _audit(
    request: Request, actor: Actor, kind: str, line_id: str, payload: dict[str, Any]
) -> None:
    """Record an operator's action in the append-only audit chain: who, when, what, old, new."""
    with database_of(request.app).unit_of_work() as session:
        record_at_commit(session, actor, kind, "plant_line", line_id, payload)


def _link(request: Request) -> PlantLink:
    link = platform_of(request.app).plant
    if link is None:
        raise NotFoundError("no plant is connected to this server (start it with reind demo)")
    return link


def _alarms(link: PlantLink, line: LineSpec | None) -> list[dict[str, Any]]:
    if link.alarms is None:
        return []
    out = []
    for alarm in link.alarms.alarms():
        if line is not None and not alarm.series.startswith(line.series_prefix):
            continue
        if alarm.state.value == "normal":
            continue
        last = alarm.history[-1] if alarm.history else None
        out.append(
            {
                "id": alarm.alarm_id,
                "series": alarm.series.split("/", 3)[-1],
                "rule": alarm.rule,
                "state": alarm.state.value,
                "active": alarm.active,
                "since_ms": last.at_ms if last else None,
                "by": last.actor if last else "",
                "value": last.value if last else None,
            }
        )
    return sorted(out, key=lambda a: (not a["active"], a["series"]))


SHOWN_KPIS = ("oee", "availability", "effectiveness", "quality_ratio", "throughput_rate")


def _kpis(request: Request, line: LineSpec) -> list[Kpi]:
    """Today's ISO 22400 KPIs (Hong Kong day so far) from the hour rollups."""
    store = platform_of(request.app).telemetry
    if store is None or not line.kpi_units:
        return []
    units = [
        WorkUnit(f"{line.line_id}/{prefix}", f"{line.series_prefix}{prefix}", pru)
        for prefix, pru in line.kpi_units
    ]
    now = utcnow()
    start = datetime.combine(now.astimezone(HONG_KONG).date(), time(0), HONG_KONG)
    report = kpi_report(elements_total(store, units, start, now))
    return [report[name] for name in SHOWN_KPIS if name in report]


def _parameters(line: LineSpec, values: dict[str, object]) -> list[dict[str, Any]]:
    rows = []
    for tag in sorted(values, key=line.order):
        spec = line.spec(tag)
        if spec is None:
            continue
        phase = tag.split("Recipe/", 1)[1].split("/", 1)[0]
        rows.append(
            {
                "tag": tag,
                "unit_prefix": tag.split("Recipe/", 1)[0],
                "phase": phase,
                "spec": spec,
                "value": values[tag],
            }
        )
    return rows


@router.get("")
def plant_home(request: Request, actor: PlantActor) -> Response:
    """Every connected line with its state."""
    link = _link(request)
    lines = [(line, link.values(line)) for line in link.lines.values()]
    return render(request, "plant/index.html", lines=lines, actor=actor)


@router.get("/{line_id}")
def dashboard(
    request: Request,
    line_id: str,
    actor: PlantActor,
    error: str = "",
    done: str = "",
    tag: str = "",
    typed: str = "",
) -> Response:
    """The live dashboard of one line."""
    link = _link(request)
    line = link.line(line_id)
    values = link.values(line)
    _ = translations(negotiate(request)).gettext
    words = {
        "states": {state.label: _(state.label) for state in PackMLState},
        "allowed": {state.label: sorted(allowed(state.label)) for state in PackMLState},
    }
    return render(
        request,
        "plant/line.html",
        status_code=400 if error else 200,
        line=line,
        values=values,
        parameters=_parameters(line, values),
        kpis=_kpis(request, line),
        alarms=_alarms(link, line),
        commands=COMMANDS,
        allowed=allowed,
        can_command=actor.role in OPERATOR_ROLES,
        words=words,
        num=number_text,
        unit_word=lambda unit: unit_text(unit, _),
        shelve_minutes=SHELVE_MINUTES,
        error=error,
        done=done,
        typed_tag=tag,
        typed=typed,
        actor=actor,
        csrf=request.session.get("csrf", ""),
    )


@router.get("/{line_id}/events")
async def events(request: Request, line_id: str, _actor: PlantActor) -> StreamingResponse:
    """Server-sent events: values, new trend samples and alarms, once a second."""
    link = _link(request)
    line = link.line(line_id)

    async def stream() -> AsyncIterator[str]:
        since = dict.fromkeys(line.trends, 0)
        while not await request.is_disconnected():
            trends: dict[str, list[list[object]]] = {}
            for tag in line.trends:
                samples = link.history(line, tag, since[tag])
                if samples:
                    since[tag] = samples[-1].timestamp_ms
                trends[tag] = [[s.timestamp_ms, s.value] for s in samples]
            body = {
                "values": link.values(line),
                "trends": trends,
                "alarms": _alarms(link, line),
                "now_ms": link.now_ms(),
            }
            yield f"data: {json.dumps(body, default=str)}\n\n"
            await asyncio.sleep(1.0)

    return StreamingResponse(stream(), media_type="text/event-stream")


@router.post("/{line_id}/parameter")
def change_parameter(
    request: Request,
    line_id: str,
    actor: PlantOperator,
    tag: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
) -> Response:
    """Write one recipe parameter (within its limits) as a DCMD."""
    link = _link(request)
    line = link.line(line_id)
    _ = translations(negotiate(request)).gettext
    spec = line.spec(tag)
    name = _parameter_name(line, tag, negotiate(request))
    try:
        number = float(value.replace(",", "").strip())
    except ValueError:
        error = _("%(name)s: “%(value)s” is not a number.") % {"name": name, "value": value}
        return _back(line_id, error=error, tag=tag, typed=value)
    old = link.values(line).get(tag)
    try:
        link.write(line, tag, number)
    except InvalidInputError as exc:
        if spec is not None and "low" in exc.fields:
            error = _(
                "%(name)s must be between %(low)s and %(high)s %(unit)s; "
                "%(value)s %(unit)s was not sent."
            ) % {
                "name": name,
                "low": number_text(spec.low),
                "high": number_text(spec.high),
                "unit": unit_text(spec.unit, _),
                "value": value.strip(),
            }
        else:
            error = str(exc)
        return _back(line_id, error=error, tag=tag, typed=value)
    except ReindError as exc:
        return _back(line_id, error=str(exc), tag=tag, typed=value)
    _audit(
        request, actor, "plant.setpoint_changed", line_id, {"tag": tag, "old": old, "new": number}
    )
    unit = unit_text(spec.unit, _) if spec is not None else ""
    return _back(line_id, done=f"{name} → {number_text(number)} {unit}".strip())


@router.post("/{line_id}/command")
def command(
    request: Request,
    line_id: str,
    actor: PlantOperator,
    command: Annotated[str, Form()],
    unit: Annotated[str, Form()] = "",
) -> Response:
    """Send a PackML command to one unit of the line ("" is a one-unit machine)."""
    link = _link(request)
    line = link.line(line_id)
    lang = negotiate(request)
    _ = translations(lang).gettext
    if unit not in line.units or command not in COMMANDS:
        error = _("There is no unit %(unit)s or command %(command)s on this line.") % {
            "unit": repr(unit),
            "command": repr(command),
        }
        return _back(line_id, error=error)
    words = {"unit": _unit_name(unit, _), "command": _(command.title())}
    try:
        outcome = send_command(link, line, unit, command)
    except ReindError as exc:
        return _back(line_id, error=f"{words['unit']}: {exc}")
    if outcome.sent:
        _audit(
            request,
            actor,
            "plant.command_sent",
            line_id,
            {
                "unit": unit,
                "command": command,
                "old": outcome.before,
                "new": outcome.after,
                "refusal": outcome.refusal,
            },
        )
    if not outcome.sent and not outcome.before:
        error = _("%(unit)s has not reported its state yet; %(command)s was not sent.") % words
        return _back(line_id, error=error)
    if not outcome.sent:
        possible = ", ".join(_(c.title()) for c in outcome.allowed_now) or _("none")
        error = _(
            "%(unit)s is in %(state)s, where %(command)s is not possible; nothing was sent. "
            "Possible now: %(possible)s."
        ) % {**words, "state": _(outcome.before), "possible": possible}
        return _back(line_id, error=error)
    if outcome.refusal:
        error = _("%(unit)s refused %(command)s: %(reason)s") % {
            **words,
            "reason": in_language(outcome.refusal, lang),
        }
        return _back(line_id, error=error)
    if outcome.after:
        done = _("%(unit)s took %(command)s and is now in %(state)s.") % {
            **words,
            "state": _(outcome.after),
        }
        return _back(line_id, done=done)
    return _back(line_id, done=_("%(unit)s: %(command)s sent; no answer yet.") % words)


def _unit_name(unit: str, _: Callable[[str], str]) -> str:
    return _(unit.rstrip("/")) if unit else _("Machine")


def _parameter_name(line: LineSpec, tag: str, lang: str) -> str:
    spec = line.spec(tag)
    if spec is None:
        return tag
    if lang == "zh-Hant" and spec.description_zh:
        return spec.description_zh
    return spec.description_en or spec.name


@router.post("/{line_id}/alarm")
def alarm_action(
    request: Request,
    line_id: str,
    actor: PlantOperator,
    alarm_id: Annotated[str, Form()],
    action: Annotated[str, Form()],
    minutes: Annotated[int, Form()] = 60,
) -> Response:
    """Acknowledge or shelve an alarm, recording who did it."""
    link = _link(request)
    if link.alarms is None:
        return _back(line_id, error="no alarm engine is connected")
    now = link.now_ms()
    who = actor.id
    try:
        if action == "acknowledge":
            link.alarms.act(alarm_id, lambda alarm, at: alarm.acknowledge(who, at))
        elif action == "shelve":
            until = now + minutes * 60_000
            link.alarms.act(alarm_id, lambda alarm, at: alarm.shelve(who, at, until))
        else:
            return _back(line_id, error=f"unknown alarm action {action!r}")
    except ReindError as exc:
        return _back(line_id, error=str(exc))
    _audit(request, actor, f"plant.alarm_{action}", line_id, {"alarm": alarm_id})
    return _back(line_id, done=f"{action}: {alarm_id.split('|')[-1]}")


def _back(line_id: str, **message: str) -> Response:
    """Back to the dashboard (POST-redirect-GET), carrying the outcome and what was typed."""
    query = urlencode({k: v for k, v in message.items() if v})
    return RedirectResponse(f"/plant/{line_id}" + (f"?{query}" if query else ""), status_code=303)
