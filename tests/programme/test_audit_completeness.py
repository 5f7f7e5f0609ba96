"""``verify`` names every record without the events its state implies (issue 12).

The chain alone cannot see a record written behind the services' back: it
has no event to break. These tests insert or change records with plain SQL,
as the SQLite savepoint bug did, and expect each one named.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.money import HKD
from reind.programme import audit
from reind.programme.actors import SYSTEM
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.completeness import check_completeness
from reind.programme.committee.store import CommitteeDecisionRow
from reind.programme.demo_data.bulk import Batch, SimClock, write_batch
from reind.programme.money.claims import approve_claim_as_officer, submit_claim
from reind.programme.money.store import AgreementRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    OFFICER,
    SECOND_OFFICER,
    enterprise,
    funded_rfs_project,
    rfs_application,
)


def _claim_on_a_project(db: Database) -> tuple[str, str]:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, grant=HKD("1000000"), completed=True)
        claim = submit_claim(session, app.id, HKD("50000"), OFFICER, engine=default_engine())
        return app.id, claim.id


def test_records_written_by_the_services_are_complete(db: Database) -> None:
    _claim_on_a_project(db)
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert report.ok, str(report)
    assert report.checked["application"] == 1
    assert report.checked["claim"] == 1
    assert report.checked["agreement"] == 1
    assert report.checked["committee decision"] == 1


def test_an_application_inserted_behind_the_services_back_is_named(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        enterprise_id = app.enterprise_id
    with db.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO applications (id, reference, scheme, enterprise_id, title, state, "
                "amount_requested_cents, facts, created_at, version) VALUES ('intruder', "
                "'RFS-FORGED-1', 'rfs', :e, 'forged', 'submitted', 100, '{}', :t, 1)"
            ),
            {"e": enterprise_id, "t": datetime(2024, 3, 2, tzinfo=UTC)},
        )
    with db.unit_of_work() as session:
        assert verify_chain(session).ok  # the chain cannot see it
        report = check_completeness(session)
    assert not report.ok
    assert "application RFS-FORGED-1: no application.created event" in str(report)
    assert len(report.missing) == 1


def test_a_claim_stored_without_its_event_is_named(db: Database) -> None:
    app_id, _ = _claim_on_a_project(db)
    with db.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO claims (id, application_id, amount_cents, state, submitted_on, "
                "reason, version) VALUES ('ghost-claim', :a, 5000000, 'submitted', :d, '', 1)"
            ),
            {"a": app_id, "d": date(2024, 7, 1)},
        )
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert [str(m) for m in report.missing] == [
        "claim ghost-claim: submitted without money.claimed"
    ]


def test_a_claim_moved_on_without_its_approval_event_is_named(db: Database) -> None:
    _, claim_id = _claim_on_a_project(db)
    with db.unit_of_work() as session:
        session.execute(text("UPDATE claims SET state = 'approved' WHERE id = :c"), {"c": claim_id})
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert [str(m) for m in report.missing] == [
        f"claim {claim_id}: approved without claim.officer_approved, money.claim_approved"
    ]


def test_an_approval_through_the_service_has_its_event(db: Database) -> None:
    _, claim_id = _claim_on_a_project(db)
    with db.unit_of_work() as session:
        approve_claim_as_officer(session, claim_id, SECOND_OFFICER)
    with db.unit_of_work() as session:
        assert check_completeness(session).ok


def test_an_application_whose_state_was_changed_directly_is_named(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="screening")
        app_id, reference = app.id, app.reference
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE applications SET state = 'completed' WHERE id = :a"), {"a": app_id}
        )
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert [str(m) for m in report.missing] == [
        f"application {reference}: state completed but its last recorded transition is to screening"
    ]


def test_a_disbursement_and_a_score_without_events_are_named(db: Database) -> None:
    app_id, claim_id = _claim_on_a_project(db)
    with db.unit_of_work() as session:
        member_id = session.execute(text("SELECT id FROM committee_members")).scalar_one()
        session.execute(
            text(
                "INSERT INTO disbursements (id, claim_id, application_id, amount_cents, paid_on) "
                "VALUES ('pay-1', :c, :a, 5000000, :d)"
            ),
            {"c": claim_id, "a": app_id, "d": date(2024, 8, 1)},
        )
        session.execute(
            text(
                "INSERT INTO assessment_scores (member_id, application_id, criterion, score, "
                "comment) VALUES (:m, :a, 'benefits', 5, '')"
            ),
            {"m": member_id, "a": app_id},
        )
    with db.unit_of_work() as session:
        report = check_completeness(session)
    named = {m.record for m in report.missing}
    assert named == {"disbursement", "score"}


def _insert_application(session: Session, enterprise_id: str, ident: str, year: int) -> None:
    session.execute(
        text(
            "INSERT INTO applications (id, reference, scheme, enterprise_id, title, state, "
            "amount_requested_cents, facts, created_at, version) VALUES (:i, :r, 'rfs', :e, "
            "'bulk', 'completed', 100, '{}', :t, 1)"
        ),
        {
            "i": ident,
            "r": f"RFS-{ident}",
            "e": enterprise_id,
            "t": datetime(year, 1, 1, tzinfo=UTC),
        },
    )


def test_bulk_imports_vouch_for_their_count_and_the_newest_excess_is_named(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        _insert_application(session, company.id, "BULK-1", 2019)
        audit.record(
            session,
            SYSTEM,
            "import.bulk_historic",
            "bulk_import",
            "batch-1",
            {"kind": "test", "rows": {"applications": 1}, "digest": "x", "rules_version": "x"},
        )
    with db.unit_of_work() as session:
        assert check_completeness(session).ok
        _insert_application(session, company.id, "LATE-1", 2025)
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert [m.record_id for m in report.missing] == ["RFS-LATE-1"]
    assert "bulk imports vouch for 1" in str(report)


def _bulk_row(enterprise_id: str, ident: str, year: int) -> dict[str, object]:
    return {
        "id": ident,
        "reference": f"RFS-{ident}",
        "scheme": "rfs",
        "enterprise_id": enterprise_id,
        "title": "bulk",
        "state": "completed",
        "amount_requested_cents": 100,
        "facts": "{}",
        "created_at": datetime(year, 1, 1, tzinfo=UTC),
        "version": 1,
    }


def _bulk_import(db: Database) -> str:
    """Two historic applications written as one batch; the enterprise's id."""
    with db.unit_of_work() as session:
        company = enterprise(session)
        batch = Batch("test_history")
        batch.add(
            ApplicationRow.__table__,  # type: ignore[arg-type]
            [_bulk_row(company.id, "BULK-1", 2019), _bulk_row(company.id, "BULK-2", 2020)],
        )
        write_batch(session, batch, SimClock(datetime(2024, 1, 1, tzinfo=UTC)))
        return company.id


def test_a_record_added_among_bulk_imported_ones_is_named_even_back_dated(db: Database) -> None:
    """The bulk import's register names the intruder itself, not the newest record (issue 12)."""
    company = _bulk_import(db)
    with db.unit_of_work() as session:
        report = check_completeness(session)
        assert report.ok, str(report)
        assert report.checked["application"] == 2
        _insert_application(session, company, "OLD-1", 2010)  # older than every imported one
    with db.unit_of_work() as session:
        report = check_completeness(session)
    assert [str(m) for m in report.missing] == [
        "application RFS-OLD-1: no application.created event"
    ]


def test_a_record_slipped_into_a_bulk_import_register_breaks_that_register(
    db: Database,
) -> None:
    company = _bulk_import(db)
    with db.unit_of_work() as session:
        _insert_application(session, company, "SLIPPED-1", 2020)
        import_id = session.execute(
            text("SELECT import_id FROM bulk_import_records LIMIT 1")
        ).scalar_one()
        session.execute(
            text(
                "INSERT INTO bulk_import_records (table_name, record_id, import_id) "
                "VALUES ('applications', 'SLIPPED-1', :i)"
            ),
            {"i": import_id},
        )
    with db.unit_of_work() as session:
        report = check_completeness(session)
    named = {(m.record, m.record_id) for m in report.missing}
    assert named == {("bulk import", import_id)} | {
        ("application", f"RFS-{ident}") for ident in ("BULK-1", "BULK-2", "SLIPPED-1")
    }
    assert "does not match the digest" in str(report)


def test_a_committee_decision_and_an_agreement_without_events_are_named(db: Database) -> None:
    """The last two kinds the issue names: a decision and an agreement written behind the
    services' back (no ``committee.decided``, no ``money.committed``) are each named."""
    _claim_on_a_project(db)
    with db.unit_of_work() as session:
        meeting_id = session.execute(text("SELECT id FROM committee_meetings")).scalar_one()
        other = rfs_application(session, state="vetting_committee").id
        session.add(
            CommitteeDecisionRow(
                id="decision-intruder",
                application_id=other,
                meeting_id=meeting_id,
                outcome="supported",
                weighted_score="80",
                reasons_en="",
                reasons_zh="",
                letter_en="",
                letter_zh="",
                decided_on=date(2024, 4, 1),
            )
        )
        session.add(
            AgreementRow(
                id="agreement-intruder",
                application_id=other,
                signed_on=date(2024, 5, 1),
                grant_cents=100,
                starts_on=date(2024, 5, 1),
                ends_on=date(2025, 5, 1),
            )
        )
    with db.unit_of_work() as session:
        report = check_completeness(session)
    named = {(m.record, m.record_id) for m in report.missing}
    assert named == {
        ("committee decision", "decision-intruder"),
        ("agreement", "agreement-intruder"),
    }, str(report)
