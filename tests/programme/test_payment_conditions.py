"""Payment conditions per scheme (issue 12), both ways: RFS pays on completion only.

A claim on an RFS project was paid although no milestone was achieved. RFS
pays once the project is completed, every milestone is achieved and the
final (completion) report is accepted by an officer; a claim that does not
meet them is refused with each unmet condition named in English and Chinese.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError
from reind.core.money import HKD
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import transition_application
from reind.programme.committee.services import decide
from reind.programme.money.agreements import achieve_milestone, sign_agreement, submit_report
from reind.programme.money.claims import submit_claim
from reind.programme.money.payment_conditions import (
    accept_report,
    paid_on_completion,
    unmet_conditions,
)
from reind.programme.money.store import MilestoneRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    APPROVER,
    OFFICER,
    SECOND_OFFICER,
    meeting,
    rfs_application,
    score_fully,
)


def _in_progress_with_a_milestone(db: Database) -> str:
    """An RFS project under way whose one milestone is not achieved and no report is in."""
    with db.unit_of_work() as session:
        app = rfs_application(session, state="vetting_committee")
        held = meeting(session, [app.id])
        score_fully(session, held.id, app.id)
        decide(
            session,
            held.id,
            app.id,
            APPROVER,
            supported=True,
            reasons_en="Good.",
            reasons_zh="好。",
            decided_on=date(2024, 4, 1),
            grant=HKD("1000000"),
            engine=default_engine(),
        )
        sign_agreement(
            session,
            app.id,
            OFFICER,
            grant=HKD("1000000"),
            signed_on=date(2024, 5, 1),
            starts_on=date(2024, 6, 1),
            ends_on=date(2026, 5, 31),
            milestones=(("Line installed", date(2025, 1, 31)),),
            engine=default_engine(),
        )
        transition_application(session, app.id, "start_project", OFFICER)
        return app.id


def _claim(db: Database, app_id: str) -> None:
    with db.unit_of_work() as session:
        submit_claim(session, app_id, HKD("50000"), OFFICER, engine=default_engine())


def test_a_claim_before_the_milestones_and_the_final_report_is_refused_with_reasons(
    db: Database,
) -> None:
    app_id = _in_progress_with_a_milestone(db)
    with pytest.raises(ConflictError) as refused:
        _claim(db, app_id)
    assert "RFS pays on completion only: the project is in_progress" in str(refused.value)
    assert "milestone 'Line installed' is not achieved" in str(refused.value)
    assert "the completion (final) report is not accepted" in str(refused.value)
    assert "里程碑「Line installed」尚未達成" in (refused.value.message_zh or "")


def test_a_claim_once_milestones_are_achieved_and_the_final_report_accepted_goes_in(
    db: Database,
) -> None:
    app_id = _in_progress_with_a_milestone(db)
    with db.unit_of_work() as session:
        milestone = session.execute(select(MilestoneRow)).scalar_one()
        achieve_milestone(session, milestone.id, date(2025, 1, 20), OFFICER)
        transition_application(session, app_id, "complete", OFFICER)
        report = submit_report(
            session,
            app_id,
            OFFICER,
            kind="final",
            period_end=date(2026, 5, 31),
            submitted_on=date(2026, 6, 10),
            summary="Done.",
        )
    with pytest.raises(ConflictError, match="final\\) report is not accepted"):
        _claim(db, app_id)  # filed, not accepted yet
    with db.unit_of_work() as session:
        with pytest.raises(ForbiddenError, match="two-person rule"):
            accept_report(session, report.id, OFFICER)
    with db.unit_of_work() as session:
        accept_report(session, report.id, SECOND_OFFICER)
    _claim(db, app_id)


@pytest.mark.parametrize("scheme", ["bud", "tvp", "rttp"])
def test_a_scheme_that_does_not_pay_on_completion_has_no_such_condition(
    db: Database, scheme: str
) -> None:
    """Others pay as their own rules say: an in-progress project of theirs is not held back."""
    with db.unit_of_work() as session:
        project = ApplicationRow(
            id=f"{scheme}-1", scheme=scheme, state="in_progress", received=date(2025, 7, 1)
        )
        assert not paid_on_completion(default_engine(), project)
        assert unmet_conditions(session, default_engine(), project) == []
        rfs = ApplicationRow(
            id="rfs-1", scheme="rfs", state="in_progress", received=date(2025, 7, 1)
        )
        assert paid_on_completion(default_engine(), rfs)
        assert [u.en for u in unmet_conditions(session, default_engine(), rfs)][0] == (
            "RFS pays on completion only: the project is in_progress"
        )
