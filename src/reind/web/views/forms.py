"""Forms generated from a scheme's inputs model, so adding a scheme adds its form.

Each field becomes a widget by its type; what the user typed is kept and
sent back with the errors when validation fails.
"""

from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reind.web.views.input_words import choice_label, input_label
from reind.web.views.words import CODE_WORDS

CODED_TEXT = {
    "industry": (
        "life_health_technology",
        "ai_data_science",
        "advanced_manufacturing_new_energy",
        "other",
    ),
    "university": ("hku", "cuhk", "cityu", "hkust", "hkbu", "polyu"),
    "activity": (
        "exhibition_outside_hk",
        "exhibition_in_hk_for_outside_markets",
        "business_mission",
        "online_business_mission",
        "trade_publication_advertisement",
        "eplatform_promotion",
        "corporate_website_or_app",
        "exhibition_in_hk_local_market",
        "online_exhibition",
    ),
    "project_type": ("itf_project", "partnership_with_designated_institute"),
    "applicant_status": (
        "hkstp_incubatee",
        "hkstp_graduate",
        "cyberport_incubatee",
        "cyberport_graduate",
        "other",
    ),
}
"""Text inputs that take a code: offered as a choice of words, so no one types a code."""


@dataclass(frozen=True)
class FormField:
    """One widget of a generated form."""

    name: str
    kind: str  # date | money | number | choice | flag | text | json
    label: str
    help: str
    required: bool
    choices: tuple[str, ...] = ()

    def choice_items(self) -> list[tuple[str, str]]:
        """Each choice as (code, the msgid naming it), for a select's options."""
        return [(code, CODE_WORDS.get(code) or choice_label(code)) for code in self.choices]


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``| None``, and whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    inner, _optional = _unwrap(annotation)
    if inner is date:
        return "date", ()
    if inner is Decimal or typing.get_origin(inner) is typing.Annotated:
        base = typing.get_args(inner)[0] if typing.get_origin(inner) is typing.Annotated else inner
        if base is Decimal:
            return "money", ()
    if inner is bool:
        return "flag", ()
    if inner is int:
        return "number", ()
    if typing.get_origin(inner) is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(inner))
    if inner is str:
        return "text", ()
    return "json", ()


def form_fields(model: type[BaseModel]) -> list[FormField]:
    """The widgets for ``model``'s fields, in declaration order."""
    out = []
    for name, info in model.model_fields.items():
        kind, choices = _kind(info.annotation)
        if kind == "text" and name in CODED_TEXT:
            kind, choices = "choice", CODED_TEXT[name]
        out.append(
            FormField(
                name=name,
                kind=kind,
                label=input_label(name),
                help=_help(info),
                required=info.is_required(),
                choices=choices,
            )
        )
    return out


def _help(info: FieldInfo) -> str:
    return info.description or ""


def parse_form(fields: list[FormField], raw: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Inputs for the engine from submitted text; blank optional fields are left out."""
    inputs: dict[str, Any] = {}
    problems: list[str] = []
    for field in fields:
        text = raw.get(field.name, "").strip()
        if not text:
            continue
        if field.kind == "flag":
            if text in ("yes", "no"):
                inputs[field.name] = text == "yes"
            continue
        if field.kind == "money":
            inputs[field.name] = text.replace(",", "").replace("HK$", "").replace("$", "")
            continue
        if field.kind == "json":
            try:
                inputs[field.name] = json.loads(text)
            except json.JSONDecodeError as exc:
                problems.append(f"{field.name}: not valid JSON ({exc.msg})")
            continue
        inputs[field.name] = text
    return inputs, problems
