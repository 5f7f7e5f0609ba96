"""Workflows as data: one YAML file per scheme under ``workflows/``.

A workflow names its states (each with a label for staff and a separate
label for the applicant, in English and Traditional Chinese), its initial
state, the transitions with the roles allowed to take them and the
conditions (``requires``) a service must have met, and one ``withdraw``
transition that applies from every open (non-final) state. Files are
validated strictly when loaded: unknown keys, unknown states, unreachable
states, missing labels or exits from a final state are refused with the
file's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reind.core.errors import ForbiddenError, InvalidInputError, ParameterFileError, Words
from reind.programme.actors import Role

WORKFLOWS = Path(__file__).resolve().parent / "workflows"
DEFAULT = "default"

Guard = Literal["screening_decision", "committee_decision", "agreement", "milestones_achieved"]
"""Conditions a service checks before it may take a transition."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Label(_Strict):
    """A label in both languages."""

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1, alias="zh-Hant")


class StateSpec(_Strict):
    """One state of a workflow file."""

    staff: Label
    applicant: Label
    final: bool = False


class TransitionSpec(_Strict):
    """One transition of a workflow file."""

    action: str = Field(pattern=r"^[a-z][a-z_]*$")
    from_: list[str] = Field(alias="from", min_length=1)
    to: str
    roles: list[Role] = Field(min_length=1)
    requires: list[Guard] = Field(default_factory=list)


class WithdrawSpec(_Strict):
    """The transition allowed from every open state."""

    action: str = Field(pattern=r"^[a-z][a-z_]*$")
    to: str
    roles: list[Role] = Field(min_length=1)


class WorkflowFile(_Strict):
    """The whole file."""

    scheme: str
    initial: str
    states: dict[str, StateSpec] = Field(min_length=2)
    transitions: list[TransitionSpec] = Field(min_length=1)
    withdraw: WithdrawSpec | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """A move from one state to another that some roles may make."""

    action: str
    source: str
    target: str
    roles: frozenset[Role]
    requires: frozenset[str]


@dataclass(frozen=True, slots=True)
class Workflow:
    """A validated workflow: states, labels and transitions."""

    scheme: str
    initial: str
    states: dict[str, StateSpec]
    transitions: dict[tuple[str, str], Transition]

    def is_open(self, state: str) -> bool:
        """True unless ``state`` is final."""
        return not self._state(state).final

    def label(self, state: str, audience: Literal["staff", "applicant"], lang: str) -> str:
        """What ``audience`` sees for ``state`` in ``lang`` ("en" or "zh-Hant")."""
        spec = self._state(state)
        label = spec.staff if audience == "staff" else spec.applicant
        return label.zh if lang == "zh-Hant" else label.en

    def actions(self, state: str, role: Role | None = None) -> list[Transition]:
        """The transitions out of ``state`` (only those ``role`` may take, if given)."""
        self._state(state)
        return [
            t
            for (source, _), t in self.transitions.items()
            if source == state and (role is None or role in t.roles)
        ]

    def transition(self, state: str, action: str, role: Role) -> Transition:
        """The transition ``action`` from ``state`` if ``role`` may take it."""
        found = self.transitions.get((state, action))
        if found is None:
            raise InvalidInputError(
                "{scheme}: the step “{action}” cannot be taken on an application that is {state} "
                "(possible: {possible})",
                scheme=self.scheme.upper(),
                action=action_words(action),
                state=self.state_words(state),
                possible=[action_words(t.action) for t in self.actions(state)]
                or [Words("", "none", "沒有")],
            )
        if role not in found.roles:
            raise ForbiddenError(
                "{scheme}: the {role} role may not take the step “{action}” (allowed: {allowed})",
                scheme=self.scheme.upper(),
                role=role.as_words,
                action=action_words(action),
                allowed=[r.as_words for r in sorted(found.roles)],
            )
        return found

    def state_words(self, state: str) -> Words:
        """``state`` as the office reads it, in both languages, for a message's field."""
        if state not in self.states:
            return Words(state, state.replace("_", " "))
        return Words(state, self.label(state, "staff", "en"), self.label(state, "staff", "zh-Hant"))

    def _state(self, state: str) -> StateSpec:
        try:
            return self.states[state]
        except KeyError:
            raise InvalidInputError(
                "{scheme}: unknown state “{state}”", scheme=self.scheme.upper(), state=state
            ) from None


ACTION_WORDS = {
    "submit": "Submit",
    "start_screening": "Start screening",
    "return_for_information": "Ask the applicant for information",
    "resubmit": "Resubmit",
    "pass_screening": "Pass screening",
    "fail_screening": "Fail screening",
    "refer_to_committee": "Refer to the vetting committee",
    "support": "Support",
    "not_support": "Do not support",
    "sign_agreement": "Sign the agreement",
    "start_project": "Start the project",
    "complete": "Mark the project completed",
    "begin_monitoring": "Begin post-completion monitoring",
    "close": "Close",
    "withdraw": "Withdraw",
    "approve": "Approve",
    "reject": "Reject",
}
"""Each workflow action as its button reads (msgids of their translations)."""


def action_words(action: str) -> Words:
    """A workflow action in words (the catalogue gives its Chinese), for a message's field."""
    return Words(action, ACTION_WORDS.get(action, action.replace("_", " ")))


def state_words(scheme: str, state: str) -> Words:
    """An application's state as the office reads it, in both languages, for a message's field."""
    return workflow_for(scheme).state_words(state)


def parse_workflow(text: str, where: str) -> Workflow:
    """Validate a workflow file's text; errors name ``where``."""
    try:
        raw = yaml.safe_load(text)
        spec = WorkflowFile.model_validate(raw)
    except yaml.YAMLError as exc:
        raise ParameterFileError(where, None, f"not valid YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ParameterFileError(where, None, problems) from None
    return _build(spec, where)


def _build(spec: WorkflowFile, where: str) -> Workflow:
    def fail(problem: str) -> ParameterFileError:
        return ParameterFileError(where, None, problem)

    states = spec.states
    if spec.initial not in states:
        raise fail(f"initial state {spec.initial!r} is not among the states")
    table: dict[tuple[str, str], Transition] = {}
    for t in spec.transitions:
        for name in (*t.from_, t.to):
            if name not in states:
                raise fail(f"transition {t.action}: unknown state {name!r}")
        for source in t.from_:
            if states[source].final:
                raise fail(f"transition {t.action} leaves final state {source!r}")
            if (source, t.action) in table:
                raise fail(f"transition {t.action} from {source!r} is defined twice")
            table[(source, t.action)] = Transition(
                t.action, source, t.to, frozenset(t.roles), frozenset(t.requires)
            )
    if spec.withdraw is not None:
        w = spec.withdraw
        if w.to not in states or not states[w.to].final:
            raise fail(f"withdraw must lead to a final state, not {w.to!r}")
        for source, state in states.items():
            if not state.final and (source, w.action) not in table:
                table[(source, w.action)] = Transition(
                    w.action, source, w.to, frozenset(w.roles), frozenset()
                )
    unreachable = set(states) - _reachable(spec.initial, table.values())
    if unreachable:
        raise fail(f"states never reached from {spec.initial!r}: {', '.join(sorted(unreachable))}")
    return Workflow(spec.scheme, spec.initial, dict(states), table)


def _reachable(start: str, transitions: Iterable[Transition]) -> set[str]:
    edges: dict[str, set[str]] = {}
    for t in transitions:
        edges.setdefault(t.source, set()).add(t.target)
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


@cache
def workflow_for(scheme: str) -> Workflow:
    """The workflow of ``scheme`` (its own file, else ``default.yaml``)."""
    path = WORKFLOWS / f"{scheme}.yaml"
    if not path.exists():
        path = WORKFLOWS / f"{DEFAULT}.yaml"
    return parse_workflow(path.read_text(encoding="utf-8"), path.name)


@cache
def all_workflows() -> tuple[Workflow, ...]:
    """Every packaged workflow, validated, read once per process (the files are packaged:
    they do not change under it). Parsing them is 120 ms of YAML, which the first page
    listing every workflow's states paid (``web.warm_start`` reads them at start)."""
    return tuple(
        parse_workflow(path.read_text(encoding="utf-8"), path.name)
        for path in sorted(WORKFLOWS.glob("*.yaml"))
    )
