"""Which schemes an enterprise qualifies for, judged by each scheme's own rules.

The rules decide a *case*: most schemes need a project's amounts before they
will run. On the catalogue an enterprise has no project yet, so each scheme
is run on the enterprise's profile (incorporation, size, manufacturing,
listing) with its required amounts set to a nominal project size and its
required dates set to today. The outcome and reasons say whether the
*enterprise* fits; the amount is left out, since it is worked out from the
real budget when the enterprise applies. A scheme that needs anything else
to judge (a university, a year of assessment ...) is listed as "needs your
project's details".
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reind.core.errors import InvalidInputError, RuleError
from reind.programme.enterprises.views import EnterpriseView
from reind.rules.decision import Outcome
from reind.rules.engine import Engine
from reind.web.views.forms import _unwrap

NOMINAL_AMOUNTS = ("1000000", "500000000")
"""Project sizes (HK$1 million, then HK$500 million) used to run a scheme's rules before
there is a budget: a scheme that refuses the small one only for its size is tried with
the large one, so a minimum project cost does not read as the enterprise not fitting."""


@dataclass(frozen=True, slots=True)
class Fit:
    """One scheme as it looks for one enterprise."""

    code: str
    label: str
    outcome: str  # eligible | tentative | ineligible | unknown
    reasons_en: tuple[str, ...]
    reasons_zh: tuple[str, ...]

    def reasons(self, lang: str) -> tuple[str, ...]:
        """The reasons in ``lang``."""
        return self.reasons_zh if lang == "zh-Hant" else self.reasons_en


def profile_of(enterprise: EnterpriseView) -> dict[str, Any]:
    """What the register knows about the enterprise, as rules inputs."""
    return {
        "incorporated_under": enterprise.incorporation,
        "employees": enterprise.employees,
        "manufacturing": enterprise.manufacturing,
        "listed": enterprise.listed,
    }


def _probe(annotation: Any, day: date, amount: str) -> str | None:
    inner, _ = _unwrap(annotation)
    if typing.get_origin(inner) is typing.Annotated:
        inner = typing.get_args(inner)[0]
    if inner is date:
        return day.isoformat()
    if inner is Decimal:
        return amount
    if inner is int:
        return "1"
    return None


def fits_for(enterprise: EnterpriseView, day: date, engine: Engine) -> list[Fit]:
    """Every scheme in catalogue order, judged for ``enterprise`` on ``day``."""
    profile = profile_of(enterprise)
    return [_judge(engine, scheme.code, profile, day) for scheme in engine.schemes]


def _judge(engine: Engine, code: str, profile: dict[str, Any], day: date) -> Fit:
    scheme = engine.scheme(code)
    fields = scheme.inputs.model_fields
    decision = None
    for amount in NOMINAL_AMOUNTS:
        inputs: dict[str, Any] = {k: v for k, v in profile.items() if k in fields}
        for name, info in fields.items():
            if info.is_required() and name not in inputs:
                value = _probe(info.annotation, day, amount)
                if value is None:
                    return Fit(scheme.code, scheme.label, "unknown", (), ())
                inputs[name] = value
        try:
            decision = engine.decide(scheme.code, inputs)
        except (InvalidInputError, RuleError):
            return Fit(scheme.code, scheme.label, "unknown", (), ())
        if decision.outcome is not Outcome.INELIGIBLE:
            break
    assert decision is not None
    about_size = [f"HK${int(a):,}.00" for a in NOMINAL_AMOUNTS]
    reasons = [
        r
        for r in decision.reasons
        if r.code != "grant" and not any(text in r.en for text in about_size)
    ]
    if decision.outcome is not Outcome.INELIGIBLE:
        reasons = [r for r in reasons if r.en.startswith(("Not yet shown", "Not given"))]
    reasons = reasons[:3]
    return Fit(
        scheme.code,
        scheme.label,
        decision.outcome.value,
        tuple(r.en for r in reasons),
        tuple(r.zh for r in reasons),
    )
