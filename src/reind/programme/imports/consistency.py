"""What an application's state says about its money, read from the scheme's workflow.

A state reached only before approval (screening, rejected, not supported ...)
has no approved grant; a state after approval has one; a state after the
agreement is signed has a commitment, and one before it has none. Withdrawn
applications may have been withdrawn at any point, so they are not checked.
The sets are derived from the workflow file, so a new scheme's workflow is
checked without code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from reind.programme.applications.workflow import Transition, workflow_for

WITHDRAW = "withdraw"


@dataclass(frozen=True, slots=True)
class MoneyStates:
    """The states of one workflow by what money they imply."""

    unapproved: frozenset[str]
    approved: frozenset[str]
    committed: frozenset[str]

    def grant_expected(self, state: str) -> bool | None:
        """True if ``state`` has an approved grant, False if it cannot, None if either."""
        if state in self.approved:
            return True
        return False if state in self.unapproved else None

    def commitment_expected(self, state: str) -> bool | None:
        """True if ``state`` has a commitment, False if it cannot, None if either."""
        if state in self.committed:
            return True
        if state in self.unapproved or state in self.approved:
            return False
        return None


@cache
def money_states(scheme: str) -> MoneyStates:
    """The ``MoneyStates`` of ``scheme``'s workflow."""
    flow = workflow_for(scheme)
    moves = [t for t in flow.transitions.values() if t.action != WITHDRAW]
    approvals = [t for t in moves if _approves(t, flow.states[t.target].final)]
    agreements = [t for t in moves if "agreement" in t.requires]
    approved = _reachable({t.target for t in approvals}, moves)
    before = _reachable({flow.initial}, [t for t in moves if t not in approvals])
    committed = _reachable({t.target for t in agreements}, moves)
    return MoneyStates(frozenset(before - approved), frozenset(approved), frozenset(committed))


def _approves(move: Transition, final: bool) -> bool:
    return move.action == "approve" or ("committee_decision" in move.requires and not final)


def _reachable(start: set[str], moves: Iterable[Transition]) -> set[str]:
    moves = list(moves)
    found = set(start)
    frontier = list(start)
    while frontier:
        state = frontier.pop()
        for move in moves:
            if move.source == state and move.target not in found:
                found.add(move.target)
                frontier.append(move.target)
    return found
