"""``/api/v1/schemes``: the catalogue, parameters in force, and decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from reind.core.clock import hk_today
from reind.web.deps import RulesEngine

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


@router.post("/{code}/decisions")
def decide(code: str, request: DecisionRequest, engine: RulesEngine) -> dict[str, Any]:
    """Decide one case: outcome, amount, reasons and the full trace."""
    return engine.decide(code, request.inputs, request.as_of).to_json()
