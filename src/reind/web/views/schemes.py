"""Pages: the scheme catalogue, a scheme's parameters, the grant calculator."""

from __future__ import annotations

import re
from datetime import date

from fastapi import APIRouter, Request
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.core.errors import ReindError
from reind.core.periods import parse_date
from reind.schemes.intake import decide_case
from reind.web.deps import engine_of
from reind.web.i18n import negotiate
from reind.web.templating import render
from reind.web.views.forms import form_fields, parse_form
from reind.web.views.words import words_for

router = APIRouter()


@router.get("/")
def home(request: Request) -> Response:
    """The front page."""
    return render(request, "home.html", schemes=engine_of(request).schemes)


@router.get("/schemes")
def catalogue(request: Request) -> Response:
    """Every scheme."""
    engine = engine_of(request)
    return render(request, "schemes.html", schemes=engine.schemes, version=engine.rules_version)


OFFICIAL = re.compile(
    r"^(?:[\w-]+\.)*(?:gov\.hk|hkpc\.org|vtc\.edu\.hk)\b"  # a government or its bodies' site
    r"|^LCQ\d*\b|^Inland Revenue \(Amendment\)|^Easy BUD Guidance Notes"  # LegCo, law, guides
)
"""How an official part of a parameter's source begins (its sources are ``;``-separated)."""
_RELAYED = re.compile(r"\s*\((?:via |[^)]*reproducing)[^)]*\)")
"""Who relayed an official text to the team ("(via charlesmok.hk)"): not cited either."""


def public_source(confidence: str, source: str) -> str | None:
    """The official part of a value's source, the only part a public page cites; or None.

    A [C] value is unconfirmed whatever its source says ("to be confirmed"). A
    source names every place the team read, official or not ("bud.hkpc.org;
    techland.com.hk 14 Jan 2020"); the public is shown only the official ones
    (issue 16), and a value with none is "to be confirmed with the
    administering office". The YAML keeps the rest, for the team to know what
    to check.
    """
    if confidence == "C":
        return None
    parts = (_RELAYED.sub("", part).strip() for part in source.split(";"))
    cited = [part for part in parts if OFFICIAL.match(part)]
    return "; ".join(cited) or None


@router.get("/schemes/{code}")
def scheme_page(request: Request, code: str, as_of: str | None = None) -> Response:
    """A scheme's parameters in force on a date, with their sources."""
    engine = engine_of(request)
    scheme = engine.scheme(code)
    day: date = parse_date(as_of) if as_of else hk_today()
    return render(
        request,
        "scheme.html",
        status_code=200,
        scheme=scheme,
        day=day,
        rows=engine.in_force(scheme.code, day),
        public_source=public_source,
        **words_for(engine, negotiate(request)),
    )


@router.get("/schemes/{code}/calculate")
def calculator(request: Request, code: str) -> Response:
    """An empty calculator form for the scheme."""
    scheme = engine_of(request).scheme(code)
    return render(
        request,
        "calculate.html",
        status_code=200,
        scheme=scheme,
        fields=form_fields(scheme.inputs),
        values={},
        errors=[],
        decision=None,
        public_source=public_source,
        **words_for(engine_of(request), negotiate(request)),
    )


@router.post("/schemes/{code}/calculate")
async def calculate(request: Request, code: str) -> Response:
    """The decision for what was typed; on error the form comes back as typed."""
    engine = engine_of(request)
    scheme = engine.scheme(code)
    fields = form_fields(scheme.inputs)
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    inputs, errors = parse_form(fields, values)
    decision = None
    if not errors:
        try:
            decision = decide_case(
                engine, scheme.code, inputs, today=hk_today(), lang=negotiate(request)
            )
        except ReindError as exc:
            errors = [str(exc)]
    return render(
        request,
        "calculate.html",
        status_code=400 if errors else 200,
        scheme=scheme,
        fields=fields,
        values=values,
        errors=errors,
        decision=decision,
        public_source=public_source,
        **words_for(engine, negotiate(request)),
    )
