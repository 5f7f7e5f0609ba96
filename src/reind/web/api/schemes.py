"""``/api/v1/schemes``: the catalogue, parameters in force, and decisions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field, create_model

from reind.core.clock import hk_today
from reind.core.errors import NotFoundError, RuleError
from reind.rules.engine import Engine, Scheme
from reind.schemes.catalogue import all_schemes
from reind.schemes.intake import decide_case
from reind.web.deps import RulesEngine
from reind.web.i18n import negotiate

router = APIRouter(prefix="/api/v1/schemes", tags=["schemes"])


class SchemePublic(BaseModel):
    """A scheme as the catalogue lists it."""

    code: str
    label: str
    aliases: list[str]
    title: dict[str, str]
    administrator: dict[str, str]
    summary: dict[str, str]


class ParameterPublic(BaseModel):
    """A parameter and the value in force on the date asked."""

    parameter: str
    unit: str
    description: dict[str, str]
    value: str | None
    effective_from: date | None
    source: str | None
    confidence: str | None


class DecisionRequest(BaseModel):
    """Inputs for one case; ``as_of`` overrides the governing date (what-if)."""

    inputs: dict[str, Any]
    as_of: date | None = Field(default=None, description="Evaluate as at this date instead.")


@router.get("", response_model=list[SchemePublic])
def list_schemes(engine: RulesEngine) -> list[SchemePublic]:
    """Every scheme reind encodes."""
    return [
        SchemePublic(
            code=s.code,
            label=s.label,
            aliases=list(s.aliases),
            title={"en": s.title_en, "zh-Hant": s.title_zh},
            administrator={"en": s.administrator_en, "zh-Hant": s.administrator_zh},
            summary={"en": s.summary_en, "zh-Hant": s.summary_zh},
        )
        for s in engine.schemes
    ]


@router.get("/{code}/parameters", response_model=list[ParameterPublic])
def parameters(code: str, engine: RulesEngine, as_of: date | None = None) -> list[ParameterPublic]:
    """The scheme's parameters in force on ``as_of`` (default: today in Hong Kong)."""
    _known(engine, code)
    day = as_of or hk_today()
    return [
        ParameterPublic(
            parameter=p.key,
            unit=p.unit,
            description={"en": p.description_en, "zh-Hant": p.description_zh},
            value=None if v is None else v.shown,
            effective_from=None if v is None else v.effective_from,
            source=None if v is None else v.source,
            confidence=None if v is None else v.confidence,
        )
        for p, v in engine.in_force(code, day)
    ]


def _decide(
    engine: Engine, code: str, inputs: Mapping[str, Any] | BaseModel, as_of: date | None, lang: str
) -> dict[str, Any]:
    """The one way in for a case, shared with ``reind grant`` and the calculator."""
    return decide_case(engine, code, inputs, today=hk_today(), as_of=as_of, lang=lang).to_json()


def _scheme_route(scheme: Scheme[Any]) -> None:
    """``POST /api/v1/schemes/<code>/decisions`` with the scheme's own input schema."""
    model = create_model(
        f"{scheme.inputs.__name__.removesuffix('Inputs')}DecisionRequest",
        __doc__=f"One {scheme.label} case; as_of decides it as at that date (planning, what-if).",
        inputs=(scheme.inputs, ...),
        as_of=(date | None, Field(default=None, description="Evaluate as at this date instead.")),
    )

    def decide_scheme(request: Request, body: BaseModel, engine: RulesEngine) -> dict[str, Any]:
        inputs: BaseModel = getattr(body, "inputs")  # noqa: B009 - the model is made above
        as_of: date | None = getattr(body, "as_of")  # noqa: B009
        return _decide(engine, scheme.code, inputs, as_of, negotiate(request))

    decide_scheme.__annotations__["body"] = model  # FastAPI reads the body's schema from here

    decide_scheme.__doc__ = (
        f"Decide one {scheme.label} case ({scheme.title_en}): outcome, amount, reasons, the "
        "trace, and whether it is provisional (rests on an unverified [C] fact)."
    )
    router.add_api_route(
        f"/{scheme.code}/decisions",
        decide_scheme,
        methods=["POST"],
        name=f"decide_{scheme.code}",
        summary=f"Decide a {scheme.label} case",
    )


for _scheme in all_schemes():  # registered before /{code}/decisions, so matched first
    _scheme_route(_scheme)


@router.post("/{code}/decisions")
def decide(
    request: Request, code: str, body: DecisionRequest, engine: RulesEngine
) -> dict[str, Any]:
    """Decide one case of the scheme named by code, label or alias (raw inputs).

    Each scheme also has its own route with its input schema
    (``/api/v1/schemes/rfs/decisions`` ...); both decide the same way.
    """
    _known(engine, code)
    return _decide(engine, code, body.inputs, body.as_of, negotiate(request))


def _known(engine: Engine, code: str) -> None:
    """NotFoundError for a scheme the engine does not know: the resource is missing (404)."""
    try:
        engine.scheme(code)
    except RuleError as exc:
        raise NotFoundError(exc.template, zh=exc.message_zh, **exc.fields) from exc
