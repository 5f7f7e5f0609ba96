"""Which schemes fit an enterprise, judged by each scheme's own rules: the one answer.

The applicant's "Schemes for you", the enquiry desk's answer and the demo's
seeded answers all call ``judge_schemes`` (or ``schemes_that_fit``), so they
can never disagree.

The rules decide a *case*: most schemes need a project's amounts before they
will run. Before there is a project, each scheme is run on what is known of
the enterprise (incorporation, business registration, size, manufacturing,
listing) with its required amounts set to a nominal project size and its
required dates set to the day asked about. The outcome and reasons say
whether the *enterprise* fits; the amount is left out, since it is worked out
from the real budget. A scheme that needs anything else to judge (a
university, a year of assessment ...) is "unknown"; a scheme for another kind
of applicant (a venture-capital partner, an ITF project holder, a university
start-up: ``Scheme.applicant``) is "other_applicant" and never offered.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from reind.core.errors import InvalidInputError, RuleError
from reind.rules.decision import Outcome
from reind.rules.engine import Engine

NOMINAL_AMOUNTS = ("1000000", "500000000")
"""Project sizes (HK$1 million, then HK$500 million) used to run a scheme's rules before
there is a budget: a scheme that refuses the small one only for its size is tried with
the large one, so a minimum project cost does not read as the enterprise not fitting."""

FITTING = frozenset({Outcome.ELIGIBLE.value, Outcome.TENTATIVE.value})
"""Outcomes that count as "may fit"."""


@dataclass(frozen=True, slots=True)
class SchemeFit:
    """One scheme as it looks for one enterprise: the rules' outcome and first reasons.

    ``outcome`` is eligible, tentative, ineligible, unknown (the rules need a
    project's details) or other_applicant (the scheme is for another kind of
    applicant).
    """

    scheme: str
    label: str
    outcome: str
    reasons_en: tuple[str, ...]
    reasons_zh: tuple[str, ...]

    @property
    def fits(self) -> bool:
        """True when the enterprise may qualify."""
        return self.outcome in FITTING

    def reasons(self, lang: str) -> tuple[str, ...]:
        """The reasons in ``lang``."""
        return self.reasons_zh if lang == "zh-Hant" else self.reasons_en


class RegisteredEnterprise(Protocol):
    """What the register knows of an enterprise (an ``EnterpriseView`` or row)."""

    @property
    def br_number(self) -> str: ...
    @property
    def incorporation(self) -> str: ...
    @property
    def employees(self) -> int: ...
    @property
    def manufacturing(self) -> bool: ...
    @property
    def listed(self) -> bool: ...


def profile_of(enterprise: RegisteredEnterprise) -> dict[str, Any]:
    """The register's facts as rules inputs.

    An enterprise on the register has a Business Registration number, so it is
    registered under the Business Registration Ordinance (Cap. 310): the rules
    must not ask for that again. Its staff are counted in Hong Kong.
    """
    return {
        "incorporated_under": enterprise.incorporation,
        "business_registration": bool(enterprise.br_number),
        "employees": enterprise.employees,
        "employees_in_hk": enterprise.employees,
        "manufacturing": enterprise.manufacturing,
        "listed": enterprise.listed,
    }


def judge_schemes(profile: dict[str, Any], day: date, engine: Engine) -> list[SchemeFit]:
    """Every scheme in catalogue order, judged for ``profile`` on ``day``."""
    return [_judge(engine, scheme.code, profile, day) for scheme in engine.schemes]


def schemes_that_fit(profile: dict[str, Any], day: date, engine: Engine) -> list[SchemeFit]:
    """The schemes whose rules find ``profile`` eligible or possibly eligible on ``day``."""
    return [fit for fit in judge_schemes(profile, day, engine) if fit.fits]


def _unwrap(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            annotation = args[0]
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _probe(annotation: Any, day: date, amount: str) -> str | None:
    inner = _unwrap(annotation)
    if inner is date:
        return day.isoformat()
    if inner is Decimal:
        return amount
    if inner is int:
        return "1"
    return None


def _judge(engine: Engine, code: str, profile: dict[str, Any], day: date) -> SchemeFit:
    scheme = engine.scheme(code)
    if scheme.applicant != "enterprise":
        return SchemeFit(scheme.code, scheme.label, "other_applicant", (), ())
    fields = scheme.inputs.model_fields
    decision = None
    for amount in NOMINAL_AMOUNTS:
        inputs: dict[str, Any] = {k: v for k, v in profile.items() if k in fields}
        for name, info in fields.items():
            if info.is_required() and name not in inputs:
                value = _probe(info.annotation, day, amount)
                if value is None:
                    return SchemeFit(scheme.code, scheme.label, "unknown", (), ())
                inputs[name] = value
        try:
            decision = engine.decide(scheme.code, inputs)
        except (InvalidInputError, RuleError):
            return SchemeFit(scheme.code, scheme.label, "unknown", (), ())
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
    return SchemeFit(
        scheme.code,
        scheme.label,
        decision.outcome.value,
        tuple(r.en for r in reasons),
        tuple(r.zh for r in reasons),
    )
