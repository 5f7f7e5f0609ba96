"""Assessment criteria and weights per scheme, read from ``criteria/<scheme>.yaml``.

Weights are whole percentages that must add up to 100; scores are 0-5. The
weighted score of an application is the sum over criteria of weight x the
members' mean score / 5, an exact fraction shown as a percentage.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reind.core.errors import InvalidInputError, ParameterFileError

CRITERIA = Path(__file__).resolve().parent / "criteria"
MAX_SCORE = 5


class Criterion(BaseModel):
    """One criterion with its weight (percent) and bilingual name."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    weight: int = Field(gt=0, le=100)
    en: str = Field(min_length=1)
    zh: str = Field(min_length=1, alias="zh-Hant")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    scheme: str
    criteria: list[Criterion] = Field(min_length=1)
    pass_mark: int = Field(ge=0, le=100)


@dataclass(frozen=True, slots=True)
class Criteria:
    """A scheme's assessment criteria and the mark an application needs."""

    scheme: str
    items: tuple[Criterion, ...]
    pass_mark: int

    def get(self, code: str) -> Criterion:
        """The criterion ``code``, or InvalidInputError listing the codes."""
        for item in self.items:
            if item.code == code:
                return item
        codes = ", ".join(i.code for i in self.items)
        raise InvalidInputError(
            "{scheme}: no criterion “{code}” (criteria: {codes})",
            scheme=self.scheme.upper(),
            code=code,
            codes=codes,
        )

    def weighted(self, scores: Mapping[str, Sequence[int]]) -> Fraction:
        """The weighted score (0-100) from each criterion's scores; unscored counts 0."""
        total = Fraction(0)
        for item in self.items:
            given = scores.get(item.code, ())
            if given:
                mean = Fraction(sum(given), len(given))
                total += item.weight * mean / MAX_SCORE
        return total


def parse_criteria(text: str, where: str) -> Criteria:
    """Validate a criteria file."""
    try:
        spec = _File.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise ParameterFileError(where, None, str(exc).splitlines()[0]) from None
    if sum(c.weight for c in spec.criteria) != 100:
        raise ParameterFileError(where, None, "the weights must add up to 100")
    if len({c.code for c in spec.criteria}) != len(spec.criteria):
        raise ParameterFileError(where, None, "a criterion is listed twice")
    return Criteria(spec.scheme, tuple(spec.criteria), spec.pass_mark)


@cache
def criteria_for(scheme: str) -> Criteria:
    """The scheme's criteria file, else ``default.yaml``."""
    path = CRITERIA / f"{scheme}.yaml"
    if not path.exists():
        path = CRITERIA / "default.yaml"
    return parse_criteria(path.read_text(encoding="utf-8"), path.name)


def all_criteria_files() -> list[Criteria]:
    """Every packaged criteria file, validated."""
    return [
        parse_criteria(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(CRITERIA.glob("*.yaml"))
    ]
