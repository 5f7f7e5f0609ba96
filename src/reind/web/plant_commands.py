"""Operator commands to a line's PackML units: checked first, sent, and answered.

A command the PackML state table forbids is refused here, with the reason in
the operator's language, and never sent. One it allows goes out as a DCMD in
the datatype the machine declared in its BIRTH (``PlantLink.write``); the
dashboard then waits briefly for the machine's answer: a new state, or a
refusal the twin publishes (``PackML/Refusal``, ``PackML/Refusals``) when its
own interlocks say no (a jammed filler, no empty fermenter).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from reind.factory.control.packml import TRANSITIONS, PackMLCommand, PackMLState
from reind.web.plant_lines import LineSpec
from reind.web.plant_link import PlantLink

COMMANDS = ("RESET", "START", "HOLD", "UNHOLD", "STOP", "ABORT", "CLEAR")
"""The commands an operator may send, in the order the buttons show them."""
REFUSAL = "PackML/Refusal"
REFUSALS = "PackML/Refusals"
STATE_NAME = "PackML/State Name"
ANSWER_SECONDS = 4.0
"""How long the dashboard waits for the machine's answer before saying it is pending."""

_BY_LABEL = {state.label: state for state in PackMLState}


def state_of(label: object) -> PackMLState | None:
    """The PackML state a ``State Name`` tag holds, or None if it is none."""
    return _BY_LABEL.get(str(label)) if label is not None else None


def allowed(label: object) -> frozenset[str]:
    """The operator commands the state named ``label`` accepts (none if unknown)."""
    state = state_of(label)
    if state is None:
        return frozenset()
    return frozenset(c.name for c in TRANSITIONS[state] if c.name in COMMANDS)


def in_language(message: str, lang: str) -> str:
    """The half of an "English / 中文" machine message that ``lang`` reads."""
    english, sep, chinese = message.partition(" / ")
    if not sep:
        return message
    return chinese.strip() if lang == "zh-Hant" else english.strip()


@dataclass(frozen=True)
class CommandOutcome:
    """What became of one command."""

    sent: bool
    """False: refused before sending (the state table forbids it)."""
    before: str
    """The unit's state name when the command was given."""
    after: str | None = None
    """The state name the unit moved to, if it answered in time."""
    refusal: str = ""
    """The machine's own reason ("English / 中文") if it refused."""
    allowed_now: tuple[str, ...] = ()
    """Commands the state would have taken (for a refusal before sending)."""


def send_command(link: PlantLink, line: LineSpec, unit: str, command: str) -> CommandOutcome:
    """Check ``command`` against ``unit``'s state, send it, wait for the answer."""
    values = link.values(line)
    before = str(values.get(f"{unit}{STATE_NAME}", ""))
    permitted = allowed(before)
    if command not in permitted:
        order = tuple(c for c in COMMANDS if c in permitted)
        return CommandOutcome(sent=False, before=before, allowed_now=order)
    refusals = values.get(f"{unit}{REFUSALS}", 0)
    link.write(line, f"{unit}PackML/Command", int(PackMLCommand[command]))
    deadline = time.monotonic() + ANSWER_SECONDS
    while time.monotonic() < deadline:
        now = link.values(line)
        if now.get(f"{unit}{REFUSALS}", 0) != refusals:
            return CommandOutcome(True, before, refusal=str(now.get(f"{unit}{REFUSAL}", "")))
        state = str(now.get(f"{unit}{STATE_NAME}", ""))
        if state != before:
            return CommandOutcome(True, before, after=state)
        time.sleep(0.05)
    return CommandOutcome(True, before)
