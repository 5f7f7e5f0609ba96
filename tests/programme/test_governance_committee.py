"""The committee's rules of governance (issue 12), each tested both ways.

A member scored 0s, then declared a conflict, and the chair's page still
counted the 0s (50.0 instead of 100); the chair recorded "Supported" after
2 of the members had scored. Now a later conflict voids the member's scores
on that application (recorded, kept, not counted) and a decision waits for
the committee's quorum.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.programme.actors import Actor, Role
from reind.programme.audit.chain import events_for
from reind.programme.audit.completeness import check_completeness
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.governance import declare_conflict, full_scorers
from reind.programme.committee.services import (
    appoint_member,
    create_committee,
    decide,
    schedule_meeting,
    score_application,
    scores_of,
)
from reind.programme.committee.store import MemberRow, ScoreRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import APPROVER, OFFICER, RECEIVED, rfs_application, score_fully

PEOPLE = ("member-1", "member-2", "member-3")


def _before_a_committee_of_three(db: Database, quorum: int) -> tuple[str, str]:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="vetting_committee")
        committee = create_committee(
            session, "rfs", "Vetting", "審核", OFFICER, engine=default_engine(), quorum=quorum
        )
        for person in PEOPLE:
            appoint_member(
                session,
                committee.id,
                OFFICER,
                person_id=person,
                name=person,
                capacity="member",
                term_from=date(2024, 1, 1),
                term_to=date(2026, 6, 30),
            )
        held = schedule_meeting(session, committee.id, RECEIVED, [app.id], OFFICER)
        return held.id, app.id


def _decide(db: Database, meeting_id: str, app_id: str) -> None:
    with db.unit_of_work() as session:
        decide(
            session,
            meeting_id,
            app_id,
            APPROVER,
            supported=True,
            reasons_en="Good.",
            reasons_zh="好。",
            decided_on=date(2024, 4, 1),
            engine=default_engine(),
        )


def test_a_conflict_declared_after_scoring_voids_those_scores(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=1)
    with db.unit_of_work() as session:
        score_fully(session, meeting_id, app_id, "member-1", score=5)
        score_fully(session, meeting_id, app_id, "member-2", score=0)
        weights = criteria_for("rfs")
        assert float(weights.weighted(scores_of(session, app_id))) == 50.0
        lee = session.execute(
            select(MemberRow.id).where(MemberRow.person_id == "member-2")
        ).scalar_one()
        declare_conflict(session, lee, app_id, "Shareholding", OFFICER)
    with db.unit_of_work() as session:
        assert float(criteria_for("rfs").weighted(scores_of(session, app_id))) == 100.0
        kept = session.execute(select(ScoreRow).where(ScoreRow.member_id == lee)).scalars().all()
        assert len(kept) == 5 and all(row.voided for row in kept)
        voided = [e for e in events_for(session, "application", app_id) if "voided" in e.kind]
        assert len(voided) == 1 and '"reason":"conflict_declared"' in voided[0].payload
        assert check_completeness(session).ok


def test_a_conflict_declared_before_scoring_voids_nothing(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=1)
    with db.unit_of_work() as session:
        score_fully(session, meeting_id, app_id, "member-1", score=5)
        lee = session.execute(
            select(MemberRow.id).where(MemberRow.person_id == "member-2")
        ).scalar_one()
        declare_conflict(session, lee, app_id, "Shareholding", OFFICER)
        events = [e.kind for e in events_for(session, "application", app_id)]
        assert "committee.scores_voided" not in events
        assert float(criteria_for("rfs").weighted(scores_of(session, app_id))) == 100.0


def test_no_decision_before_the_quorum_has_scored(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=3)
    with db.unit_of_work() as session:
        score_fully(session, meeting_id, app_id, "member-1")
        score_fully(session, meeting_id, app_id, "member-2")
    with pytest.raises(ConflictError, match="no quorum: 2 member") as refused:
        _decide(db, meeting_id, app_id)
    assert "未達法定人數" in (refused.value.message_zh or "")
    assert refused.value.fields["quorum"] == 3


def test_the_decision_is_recorded_once_the_quorum_has_scored(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=3)
    with db.unit_of_work() as session:
        for person in PEOPLE:
            score_fully(session, meeting_id, app_id, person)
        assert full_scorers(session, app_id, "rfs") == 3
    _decide(db, meeting_id, app_id)


def test_a_member_who_scored_part_of_the_criteria_does_not_count(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=1)
    with db.unit_of_work() as session:
        score_application(
            session,
            meeting_id,
            app_id,
            Actor("member-1", Role.COMMITTEE_MEMBER),
            criterion="financial",
            score=5,
        )
    with pytest.raises(ConflictError, match="no quorum: 0 member"):
        _decide(db, meeting_id, app_id)


def test_voided_scores_do_not_count_towards_the_quorum(db: Database) -> None:
    meeting_id, app_id = _before_a_committee_of_three(db, quorum=2)
    with db.unit_of_work() as session:
        score_fully(session, meeting_id, app_id, "member-1")
        score_fully(session, meeting_id, app_id, "member-2")
        lee = session.execute(
            select(MemberRow.id).where(MemberRow.person_id == "member-2")
        ).scalar_one()
        declare_conflict(session, lee, app_id, "A relative works there", OFFICER)
    with pytest.raises(ConflictError, match="no quorum: 1 member"):
        _decide(db, meeting_id, app_id)
