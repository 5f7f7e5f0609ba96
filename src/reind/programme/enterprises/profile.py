"""Enterprises as the schemes see them: registration, incorporation, size, links.

Plain domain rules (no database): the Business Registration number format,
the Hong Kong SME definition, the industries the programme counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from reind.core.errors import InvalidInputError

_BR = re.compile(r"^(\d{8})(?:-(\d{3})-(\d{2})-(\d{2})-(\d))?$")


def normalise_br_number(text: str) -> str:
    """The 8-digit Business Registration number in ``text``, or InvalidInputError.

    Accepts the 8-digit BR number ("12345678") or the full number printed on
    a Business Registration Certificate ("12345678-000-08-21-6"), whose
    trailing parts identify the branch, month and year of expiry and a
    check character, and returns the first 8 digits.

    Only the *format* is validated. The Inland Revenue Department does not
    publish the check-digit algorithm of the BR number, and we could not
    confirm one from a reliable source, so no check digit is computed: a
    well-formed but non-existent number is accepted here and must be caught
    by verification against the BR register.
    """
    cleaned = re.sub(r"\s+", "", text or "")
    match = _BR.match(cleaned)
    if match is None:
        raise InvalidInputError(
            "not a Business Registration number (expected 8 digits, e.g. 12345678): “{text}”",
            text=text,
        )
    return match.group(1)


class Incorporation(StrEnum):
    """How a business is constituted in Hong Kong."""

    CAP622 = "cap622"
    """Incorporated under the Companies Ordinance (Cap. 622)."""
    CAP310 = "cap310"
    """Registered under the Business Registration Ordinance (Cap. 310) only."""
    OTHER = "other"


class Industry(StrEnum):
    """Industries the programme reports on (food manufacturing among the largest)."""

    FOOD_MANUFACTURING = "food_manufacturing"
    FOOD_PROCESSING = "food_processing"
    TEXTILES = "textiles"
    CONSTRUCTION_MATERIALS = "construction_materials"
    MEDICAL_DEVICES = "medical_devices"
    PHARMACEUTICALS = "pharmaceuticals"
    ELECTRONICS = "electronics"
    PRINTING = "printing"
    CHEMICALS = "chemicals"
    METALS = "metals"
    INFORMATION_TECHNOLOGY = "information_technology"
    TRADING = "trading"
    SERVICES = "services"
    OTHER = "other"


SME_MANUFACTURING_LIMIT = 100
"""A manufacturing business is an SME with fewer than 100 employees in Hong Kong."""
SME_OTHER_LIMIT = 50
"""Any other business is an SME with fewer than 50 employees in Hong Kong (TID definition)."""


def is_sme(employees: int, manufacturing: bool) -> bool:
    """The Hong Kong Government's SME definition (Trade and Industry Department)."""
    if employees < 0:
        raise InvalidInputError("employees cannot be negative: {employees}", employees=employees)
    return employees < (SME_MANUFACTURING_LIMIT if manufacturing else SME_OTHER_LIMIT)


@dataclass(frozen=True, slots=True)
class EnterpriseProfile:
    """What an enterprise says about itself when it registers."""

    br_number: str
    name_en: str
    incorporation: Incorporation
    employees: int
    manufacturing: bool
    industry: Industry
    listed: bool = False
    name_zh: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "br_number", normalise_br_number(self.br_number))
        if not self.name_en.strip():
            raise InvalidInputError("an enterprise needs an English name")
        if self.employees < 0:
            raise InvalidInputError(
                "employees cannot be negative: {employees}", employees=self.employees
            )

    @property
    def sme(self) -> bool:
        """True when the enterprise is an SME."""
        return is_sme(self.employees, self.manufacturing)


def parse_choice(kind: type[StrEnum], value: str, what: str) -> StrEnum:
    """A member of ``kind`` from its value, or InvalidInputError listing the choices."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        raise InvalidInputError(
            "{what} must be one of {choices}, not “{value}”",
            what=what,
            choices=", ".join(m.value for m in kind),
            value=value,
        ) from None
