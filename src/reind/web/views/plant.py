"""The plant dashboard: live state, trends, alarms and recipe setpoints per line.

Pages read the ``PlantLink`` of the app's ``Platform`` (``reind demo``,
``reind serve`` with a broker); writes go out as Sparkplug DCMDs, alarm actions through
the ISA-18.2 lifecycle with the signed-in user as the actor.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from reind.core.clock import utcnow
from reind.core.errors import ConflictError, InvalidInputError, NotFoundError, ReindError
from reind.factory.commands import PlantCommand, record_command
from reind.programme.actors import Actor
from reind.programme.permissions import Action, ensure, may
from reind.web.auth import current_actor
from reind.web.deps import database_of, platform_of
from reind.web.i18n import negotiate, translations
from reind.web.plant_commands import COMMANDS, in_language, send_command
from reind.web.plant_format import number_text, unit_text
from reind.web.plant_lines import LineSpec
from reind.web.plant_link import PlantLink
from reind.web.plant_screen import ABNORMAL_STATES, board_of, screen
from reind.web.plant_trends import LIVE_RANGE, range_start, resolution_of, rollup_points
from reind.web.plant_words import priority_text, rule_text, tag_text, unit_name
from reind.web.templating import render, render_fragment
from reind.web.views.pages import PageRoute

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/plant", route_class=PageRoute)

SHELVE_MINUTES = (15, 60, 480)
ALARM_REDRAW_S = 5
"""Seconds between re-drawing the alarm banner when nothing changed (durations tick)."""
POLL_S = 0.1
"""Seconds between a stream's looks for new messages."""
HEARTBEAT_S = 1.0
"""Seconds after which a stream sends even when nothing arrived (the page's clock)."""
"""Seconds between re-drawing the alarm banner when nothing changed (durations tick)."""


def plant_actor(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """Plant engineers, officers, analysts and administrators may watch the dashboard."""
    ensure(actor, Action.WATCH_PLANT)
    return actor


plant_actor.reind_action = Action.WATCH_PLANT  # type: ignore[attr-defined]  # route census
PlantActor = Annotated[Actor, Depends(plant_actor)]


def plant_operator(actor: PlantActor) -> Actor:
    """Only the plant engineer operates a line: separation of duties (docs/roles.md)."""
    ensure(actor, Action.OPERATE_PLANT)
    return actor


plant_operator.reind_action = Action.OPERATE_PLANT  # type: ignore[attr-defined]  # route census


PlantOperator = Annotated[Actor, Depends(plant_operator)]


def _log(request: Request, actor: Actor, kind: str, line_id: str, **what: Any) -> None:
    """Record an operator's action in the plant's own command log: who, when, what, old, new.

    A racing operator took the same head: the log refuses the fork (a conflict)
    and this tries again on the new head, a few times.
    """
    command = PlantCommand(actor.id, actor.role.value, line_id, kind, **what)
    for attempt in range(1, 6):
        try:
            with database_of(request.app).unit_of_work() as session:
                record_command(session, command)
            return
        except ConflictError:
            logger.info("plant command log moved on; retrying (attempt %d)", attempt)
    raise ConflictError(
        "gave up after {attempts} attempts: too many concurrent changes", attempts=5
    )


def _link(request: Request) -> PlantLink:
    link = platform_of(request.app).plant
    if link is None:
        raise NotFoundError("no plant is connected to this server (start it with reind demo)")
    return link


@router.get("")
def plant_home(request: Request, actor: PlantActor) -> Response:
    """Every connected line with its state."""
    link = _link(request)
    lines = [(line, link.values(line)) for line in link.lines.values()]
    lang = negotiate(request)
    return render(
        request, "plant/index.html", lines=lines, actor=actor, abnormal_states=ABNORMAL_STATES,
        unit_name=lambda prefix: unit_name(prefix, lang),
    )  # fmt: skip


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
    lang = negotiate(request)
    _ = translations(lang).gettext
    return render(
        request,
        "plant/line.html",
        status_code=400 if error else 200,
        **screen(link, line, platform_of(request.app).telemetry, lang, _),
        commands=COMMANDS,
        can_command=may(actor, Action.OPERATE_PLANT),
        shelve_minutes=SHELVE_MINUTES,
        error=error,
        done=done,
        typed_tag=tag,
        typed=typed,
        actor=actor,
        csrf=request.session.get("csrf", ""),
    )


@router.get("/{line_id}/events")
async def events(request: Request, line_id: str, actor: PlantActor) -> StreamingResponse:
    """Server-sent events as values arrive (at most every ``POLL_S``, at least every
    ``HEARTBEAT_S``): values, new trend samples, and the alarm banner and list (re-drawn
    when an alarm changes, and every few seconds for durations).

    A fixed one-second tick added up to a second to every value's way to the screen, so
    a live value's p99 could not stay within the 1 s budget; waking on the link's message
    count costs one integer read per stream per poll."""
    link = _link(request)
    line = link.line(line_id)
    lang = negotiate(request)
    alarm_context = {
        "line": line,
        "csrf": request.session.get("csrf", ""),
        "can_command": may(actor, Action.OPERATE_PLANT),
        "shelve_minutes": SHELVE_MINUTES,
        "priority_word": lambda priority: priority_text(priority, lang),
    }

    async def stream() -> AsyncIterator[str]:
        since = dict.fromkeys(line.trends, 0)
        drawn: object = None
        seen, sent, redrawn = -1, -HEARTBEAT_S, -float(ALARM_REDRAW_S)
        while not await request.is_disconnected():
            now = time.monotonic()
            received = link.received()
            if received == seen and now - sent < HEARTBEAT_S:
                await asyncio.sleep(POLL_S)  # nothing new: a cheap look again soon
                continue
            seen, sent = received, now
            trends: dict[str, list[list[object]]] = {}
            for tag in line.trends:
                samples = link.history(line, tag, since[tag])
                if samples:
                    since[tag] = samples[-1].timestamp_ms
                trends[tag] = [[s.timestamp_ms, s.value] for s in samples]
            body: dict[str, object] = {
                "values": link.values(line),
                "trends": trends,
                "now_ms": link.now_ms(),
            }
            board = board_of(link, line, lang)
            if board.key() != drawn or now - redrawn >= ALARM_REDRAW_S:
                drawn, redrawn = board.key(), now
                context = {**alarm_context, "board": board}
                body["banner_html"] = render_fragment("plant/_alarm_banner.html", lang, **context)
                body["list_html"] = render_fragment("plant/_alarm_list.html", lang, **context)
            yield f"data: {json.dumps(body, default=str)}\n\n"
            await asyncio.sleep(POLL_S)

    return StreamingResponse(stream(), media_type="text/event-stream")


@router.get("/{line_id}/trend")
def trend(request: Request, line_id: str, _actor: PlantActor, range: str = "1h") -> Response:
    """Every chart's series over ``range``: live history for 15 min, minute rollups up to a
    day, hour rollups for a week or a month (``plant_trends``)."""
    link = _link(request)
    line = link.line(line_id)
    now = utcnow()
    start = range_start(range, now)
    store = platform_of(request.app).telemetry
    series: dict[str, list[list[float]]] = {}
    for tag in line.trends:
        if range == LIVE_RANGE or store is None:
            start_ms = int(start.timestamp() * 1000)
            series[tag] = [
                [float(s.timestamp_ms), float(s.value)]
                for s in link.history(line, tag, start_ms)
                if isinstance(s.value, int | float) and not isinstance(s.value, bool)
            ]
        else:
            resolution = resolution_of(range)
            series[tag] = rollup_points(store, line.series_prefix + tag, start, now, resolution)
    start_ms = int(start.timestamp() * 1000)
    return JSONResponse({"range": range, "start_ms": start_ms, "series": series})


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
    _log(request, actor, "setpoint", line_id, target=tag, action="set", before=old, after=number)
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
        _log(
            request,
            actor,
            "command",
            line_id,
            target=unit,
            action=command,
            before=outcome.before,
            after=outcome.after,
            outcome=f"refused: {outcome.refusal}" if outcome.refusal else "sent",
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
    _log(request, actor, "alarm", line_id, target=alarm_id, action=action)
    _ = translations(negotiate(request)).gettext
    series, _bar, rule = alarm_id.rpartition("|")
    tag = series[len(link.line(line_id).series_prefix) :]
    what = f"{tag_text(tag, negotiate(request))} — {rule_text(rule, negotiate(request))}"
    verb = _("Acknowledged") if action == "acknowledge" else _("Shelved")
    return _back(line_id, done=f"{verb}: {what}")


def _back(line_id: str, **message: str) -> Response:
    """Back to the dashboard (POST-redirect-GET), carrying the outcome and what was typed."""
    query = urlencode({k: v for k, v in message.items() if v})
    return RedirectResponse(f"/plant/{line_id}" + (f"?{query}" if query else ""), status_code=303)
