"""Doing the same to many cases: one step taken on each ticked case, all or none, or each alone.

Issue 16: officers do the same to many cases (assign a week's intake, start
screening, pass or refer the screened, withdraw lapsed drafts). Each case
goes through the one service for that step (``assign_case``,
``screen_application``, ``transition_application``), in its own savepoint,
so each keeps its checks, its audit event and its notice; a refusal is kept
with the case it refused. All or none (the default, as the agenda screen
does): one refusal rolls every case of the batch back. Each alone: the cases
that could go are kept and the refused ones named.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    ReindError,
)
from reind.programme.actors import Actor
from reind.programme.applications.assignment import assign_case
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.applications.workflow import action_words
from reind.programme.permissions import Action, ensure
from reind.rules.engine import Engine

REFUSALS = (InvalidInputError, ConflictError, NotFoundError, ForbiddenError)
"""What a step refuses one case with: kept with that case, never an error for the batch."""
ONE_BY_ONE = frozenset({"sign_agreement", "support", "not_support"})
"""Steps taken on their own forms (the agreement, the committee's decision), never in a batch."""
MAX_CASES = 500
"""The most cases one batch takes: a page of a queue is at most 200."""


@dataclass(frozen=True, slots=True)
class CaseResult:
    """What became of one case of a batch: done, or refused with the reason."""

    application_id: str
    reference: str
    refusal: ReindError | None = None

    @property
    def done(self) -> bool:
        """True when the step was taken on this case (and kept, see ``Batch.kept``)."""
        return self.refusal is None


@dataclass(frozen=True, slots=True)
class Batch:
    """Each case's result, and whether what was done was kept."""

    results: tuple[CaseResult, ...]
    kept: bool

    @property
    def refused(self) -> list[CaseResult]:
        """The cases refused, in the order given."""
        return [r for r in self.results if not r.done]


def each_case(
    session: Session,
    application_ids: Sequence[str],
    act: Callable[[str], object],
    *,
    all_or_none: bool = True,
) -> Batch:
    """Run ``act`` on each id in its own savepoint; keep all, none, or each that could go.

    The one loop every screen that acts on ticked cases shares (the agenda screen too).
    """
    if not application_ids:
        raise InvalidInputError("tick at least one case", zh="請至少勾選一宗個案。")
    if len(application_ids) > MAX_CASES:
        raise InvalidInputError(
            "a batch takes at most {limit} cases, not {count}",
            limit=MAX_CASES,
            count=len(application_ids),
        )
    refusals: dict[str, ReindError] = {}
    with session.begin_nested() as batch:
        for application_id in dict.fromkeys(application_ids):
            try:
                with session.begin_nested():
                    act(application_id)
            except REFUSALS as exc:
                refusals[application_id] = exc
        kept = not (all_or_none and refusals)
        if not kept:
            batch.rollback()
    references = dict(
        session.execute(
            select(ApplicationRow.id, ApplicationRow.reference).where(
                ApplicationRow.id.in_(list(application_ids))
            )
        ).all()
    )
    results = tuple(
        CaseResult(i, references.get(i, i), refusals.get(i)) for i in dict.fromkeys(application_ids)
    )
    return Batch(results, kept)


def take_step_on_many(
    session: Session,
    application_ids: Sequence[str],
    step: str,
    actor: Actor,
    *,
    note: str = "",
    to: str = "",
    engine: Engine,
    all_or_none: bool = True,
) -> Batch:
    """Take ``step`` on every case: ``assign`` (to officer ``to``, ``note`` the reason),
    ``screen`` (run the scheme's rules), or a workflow action (``note`` kept on the file).
    """
    ensure(actor, Action.SCREEN)  # the officers' queue; each step checks its own action too
    if step in ONE_BY_ONE:
        raise InvalidInputError(
            "“{step}” is taken one case at a time, on the case's own form",
            step=action_words(step),
        )

    def act(application_id: str) -> object:
        if step == "assign":
            return assign_case(session, application_id, to, actor, reason=note)
        if step == "screen":
            return screen_application(session, application_id, actor, engine=engine)
        return transition_application(session, application_id, step, actor, note=note)

    return each_case(session, application_ids, act, all_or_none=all_or_none)
