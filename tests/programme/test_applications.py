"""Applications: cost categories by the scheme's rules, documents, access, idempotency."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError
from reind.core.money import HKD
from reind.programme.applications.access import get_application
from reind.programme.applications.contents import add_cost_line, attach_document
from reind.programme.applications.services import CostLine, create_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.audit.chain import verify_chain
from reind.rules.decision import Outcome
from reind.rules.store import load_decision
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    OFFICER,
    applicant_of,
    enterprise,
    rfs_application,
    rfs_draft,
)


def test_rent_is_refused_with_the_rules_reason(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        with pytest.raises(InvalidInputError, match="does not fund Rent: Costs the scheme does"):
            add_cost_line(
                session,
                app.id,
                CostLine("rent", "Factory rent", HKD("100000")),
                OFFICER,
                engine=default_engine(),
            )


def test_a_category_outside_the_eligible_list_is_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        with pytest.raises(InvalidInputError, match="not among the eligible cost categories"):
            add_cost_line(
                session,
                app.id,
                CostLine("yacht", "Yacht", HKD("1")),
                OFFICER,
                engine=default_engine(),
            )


def test_staff_training_is_an_eligible_cost(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        line = add_cost_line(
            session,
            app.id,
            CostLine("staff_training", "Operator course", HKD("80000")),
            OFFICER,
            engine=default_engine(),
        )
        assert line.amount_cents == 8_000_000


def test_screening_stores_the_decision_with_its_rules_version(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="screening", machinery="54000000")
        decision = screen_application(session, app.id, OFFICER, engine=default_engine())
        assert decision.outcome is Outcome.ELIGIBLE
        assert decision.amount == HKD("15000000")  # 1/3 of 54M is 18M, capped at 15M
        stored = load_decision(session, app.screening_decision_id or "")
        assert stored.rules_version == decision.rules_version
        assert stored.amount == HKD("15000000")
        assert verify_chain(session).ok


def test_an_applicant_cannot_read_another_enterprises_application(db: Database) -> None:
    with db.unit_of_work() as session:
        mine, theirs = enterprise(session), enterprise(session)
        app = rfs_application(session, theirs)
        with pytest.raises(ForbiddenError):
            get_application(session, app.id, applicant_of(mine))
        assert get_application(session, app.id, applicant_of(theirs)).id == app.id


def test_an_applicant_cannot_take_an_officers_transition(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = rfs_application(session, company, state="submitted")
        with pytest.raises(ForbiddenError, match="may not take the step “Start screening”"):
            transition_application(session, app.id, "start_screening", applicant_of(company))


def test_an_application_can_be_withdrawn_from_any_open_state(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = rfs_application(session, company, state="assessment")
        transition_application(session, app.id, "withdraw", applicant_of(company))
        assert app.state == "withdrawn"
        with pytest.raises(InvalidInputError, match="possible: none"):
            transition_application(session, app.id, "submit", OFFICER)


def test_passing_screening_needs_a_screening_decision(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="screening")
        with pytest.raises(ConflictError, match="screen the application first"):
            transition_application(session, app.id, "pass_screening", OFFICER)


def test_a_retried_submission_returns_the_first_application(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        draft = rfs_draft(company)
        first = create_application(
            session, draft, applicant_of(company), idempotency_key="k-1", engine=default_engine()
        )
        again = create_application(
            session, draft, applicant_of(company), idempotency_key="k-1", engine=default_engine()
        )
        assert again.id == first.id
        count = session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()
        assert count == 1


def test_reusing_an_idempotency_key_for_a_different_request_is_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        create_application(
            session, rfs_draft(company), OFFICER, idempotency_key="k-2", engine=default_engine()
        )
        with pytest.raises(ConflictError, match="different application"):
            create_application(
                session,
                rfs_draft(company, machinery="1000000"),
                OFFICER,
                idempotency_key="k-2",
                engine=default_engine(),
            )


def test_documents_are_hashed_and_limited_by_type(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        doc = attach_document(
            session,
            app.id,
            OFFICER,
            filename="quote.pdf",
            media_type="application/pdf",
            content=b"%PDF-1.7 quotation",
        )
        assert doc.sha256 == hashlib.sha256(b"%PDF-1.7 quotation").hexdigest()
        assert len(doc.sha256) == 64 and doc.size == 18
        with pytest.raises(InvalidInputError, match="not accepted"):
            attach_document(
                session,
                app.id,
                OFFICER,
                filename="run.exe",
                media_type="application/x-msdownload",
                content=b"MZ",
            )
