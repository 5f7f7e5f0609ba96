"""Vetting committee: conflicted members neither see nor score; weighted decisions and letters."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError
from reind.core.money import HKD
from reind.programme.actors import Actor, Role
from reind.programme.applications.access import get_application
from reind.programme.applications.workflow import workflow_for
from reind.programme.audit.store import AuditEventRow
from reind.programme.committee.criteria import all_criteria_files, criteria_for
from reind.programme.committee.governance import declare_conflict
from reind.programme.committee.services import (
    agenda_for,
    decide,
    score_application,
)
from reind.programme.committee.store import MemberRow
from reind.programme.committee.views import meetings_for
from reind.programme.money.agreements import approve_grant
from reind.programme.money.store import LedgerRow
from reind.schemes.catalogue import default_engine
from reind.web.views.words import history
from tests.programme.factories import APPROVER, FINANCE, OFFICER, meeting, rfs_application

MEMBER = Actor("member-1", Role.COMMITTEE_MEMBER)


def test_rfs_weights_are_35_20_15_15_15() -> None:
    weights = [c.weight for c in criteria_for("rfs").items]
    assert weights == [35, 20, 15, 15, 15]
    assert all_criteria_files()  # every packaged file validates


def test_weighted_score_is_exact() -> None:
    scores = {"new_line_smart_technology": [5, 4], "financial": [3]}
    # 35 * 4.5/5 + 20 * 3/5 = 31.5 + 12 = 43.5
    assert criteria_for("rfs").weighted(scores) == Fraction(87, 2)


def test_a_conflicted_member_can_neither_see_nor_score_the_application(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="vetting_committee")
        other = rfs_application(session, state="vetting_committee")
        held = meeting(session, [app.id, other.id])
        member = session.query(MemberRow).filter_by(person_id="member-1").one()
        declare_conflict(session, member.id, app.id, "Director of the applicant's supplier", MEMBER)
        with pytest.raises(ForbiddenError):
            get_application(session, app.id, MEMBER)
        with pytest.raises(ForbiddenError):
            score_application(session, held.id, app.id, MEMBER, criterion="financial", score=4)
        assert [a.id for a in agenda_for(session, held.id, MEMBER)] == [other.id]
        assert len(agenda_for(session, held.id, OFFICER)) == 2
        score_application(session, held.id, other.id, MEMBER, criterion="financial", score=4)


def test_the_decision_moves_the_application_on_and_writes_a_bilingual_letter(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="vetting_committee", machinery="45000000")
        held = meeting(session, [app.id])
        for criterion in ("new_line_smart_technology", "financial", "viability"):
            score_application(session, held.id, app.id, MEMBER, criterion=criterion, score=4)
        for criterion in ("capability", "economic_benefit"):  # scored, so the quorum is met
            score_application(session, held.id, app.id, MEMBER, criterion=criterion, score=0)
        decision = decide(
            session,
            held.id,
            app.id,
            APPROVER,
            supported=True,
            reasons_en="A smart line replacing manual work.",
            reasons_zh="以智能生產線取代人手。",
            decided_on=date(2024, 4, 1),
            engine=default_engine(),
        )
        assert app.state == "supported_in_principle"
        assert decision.weighted_score == "56.00"  # (35 + 20 + 15) x 4/5
        assert "supported in principle with funding of up to HK$15,000,000.00" in decision.letter_en
        assert "已獲原則上支持" in decision.letter_zh
        assert "以智能生產線取代人手" in decision.letter_zh
    with db.unit_of_work() as session:  # the events are written when the decision commits
        events = (
            session.query(AuditEventRow)
            .filter_by(subject_id=app.id)
            .order_by(AuditEventRow.seq)
            .all()
        )
    # the case's history gives the committee's reasons in the reader's language, and the move
    # to "supported in principle" carries no note of its own (it once read '"supported"')
    english = [line.note for line in history(events, workflow_for("rfs"), "en") if line.note]
    chinese = [line.note for line in history(events, workflow_for("rfs"), "zh-Hant") if line.note]
    assert english == ["A smart line replacing manual work."]
    assert chinese == ["以智能生產線取代人手。"]


def test_scores_outside_zero_to_five_are_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="vetting_committee")
        held = meeting(session, [app.id])
        with pytest.raises(InvalidInputError, match="0 to 5"):
            score_application(session, held.id, app.id, MEMBER, criterion="financial", score=6)


def test_a_grant_is_never_more_than_the_amount_applied_for(db: Database) -> None:
    with db.unit_of_work() as session:
        # one third of HK$3,000,000 is HK$1,000,000, but only HK$900,000 was applied for
        app = rfs_application(
            session, state="vetting_committee", machinery="3000000", requested="900000"
        )
        held = meeting(session, [app.id])
        for criterion in (c.code for c in criteria_for("rfs").items):
            score_application(session, held.id, app.id, MEMBER, criterion=criterion, score=4)
        decide(
            session,
            held.id,
            app.id,
            APPROVER,
            supported=True,
            reasons_en="A smart line.",
            reasons_zh="智能生產線。",
            decided_on=date(2024, 4, 1),
            engine=default_engine(),
        )
        ledger = session.get(LedgerRow, app.id)
        assert ledger is not None and ledger.approved_cents == 90_000_000
        with pytest.raises(ConflictError, match="more than the HK\\$900,000.00 applied for"):
            approve_grant(session, app.id, HKD("900000.01"), APPROVER)


def test_the_meetings_list_is_only_for_those_who_read_agendas(db: Database) -> None:
    """The service names its action too, not only the page in front of it."""
    with db.unit_of_work() as session:
        assert meetings_for(session, OFFICER) == []
        with pytest.raises(ForbiddenError):
            meetings_for(session, FINANCE)
