"""The seed's one-go load (``core.sqlite_load.bulk_load``): the office still finds it all.

On SQLite the search index's insert triggers are out while the portfolio is
written and the new rows are indexed once at the end; these tests hold that
to what the triggers would have given: every record found once (a title
changed during the load included), the triggers back exactly as migrated,
and nothing changed when the load fails. PostgreSQL is untouched by it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.sqlite_load import bulk_load
from reind.programme.applications.drafts import edit_draft
from reind.programme.applications.lists import ApplicationFilters, list_applications
from reind.programme.applications.services import create_application
from reind.programme.demo_data.portfolio import CACHE_KIB
from reind.programme.desk.lists import EnquiryFilters, list_enquiries
from reind.programme.desk.services import record_enquiry
from reind.programme.enterprises.lists import list_enterprises
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, enterprise, rfs_draft


def _found(session: Session, q: str) -> list[str]:
    page = list_applications(session, ApplicationFilters(q=q))
    assert page.total == len(page.items)
    return sorted(item.reference for item in page.items)


def _triggers(session: Session) -> list[tuple[str, str]]:
    if session.get_bind().dialect.name != "sqlite":
        return []
    rows = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    )
    return [(name, sql) for name, sql in rows]


def test_rows_written_during_the_load_are_found_once_afterwards(db: Database) -> None:
    engine = default_engine()
    with db.unit_of_work() as session:
        before = _triggers(session)
        early = enterprise(session, name="Sai Kung Noodle Makers Ltd")
        create_application(
            session, replace(rfs_draft(early), reference="RFS-L-0001"), OFFICER, engine=engine
        )
        with bulk_load(session, cache_kib=CACHE_KIB):
            company = enterprise(session, name="Tsuen Wan Tofu Works Ltd")
            draft = replace(rfs_draft(company), reference="RFS-L-0002", title="Soy milk line")
            made = create_application(session, draft, OFFICER, engine=engine)
            edit_draft(session, made.id, replace(draft, title="豆腐生產線"), OFFICER, engine=engine)
            record_enquiry(
                session, OFFICER, question="可否資助智能生產線？", enquirer_name="陳大文"
            )
        assert _triggers(session) == before
        assert _found(session, "豆腐生產") == ["RFS-L-0002"]
        assert _found(session, "soy milk") == []
        assert _found(session, "RFS-L-000") == ["RFS-L-0001", "RFS-L-0002"]
        assert list_enterprises(session, q="tofu works").total == 1
        assert list_enterprises(session, q="noodle makers").total == 1
        assert list_enquiries(session, EnquiryFilters(q="智能生產")).total == 1
        # after the load the triggers index new rows again
        record_enquiry(session, OFFICER, question="Export marketing?", enquirer_name="Mary Lee")
        assert list_enquiries(session, EnquiryFilters(q="MARY")).total == 1
        if session.get_bind().dialect.name == "sqlite":
            for words, table in (
                ("application_words", "applications"),
                ("enterprise_words", "enterprises"),
                ("enquiry_words", "enquiries"),
            ):
                indexed = session.execute(text(f"SELECT COUNT(*) FROM {words}")).scalar_one()  # noqa: S608
                rows = session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()  # noqa: S608
                assert indexed == rows, words


def test_a_failed_load_leaves_the_triggers_as_migrated(db: Database) -> None:
    with db.unit_of_work() as session:
        before = _triggers(session)
    with (
        pytest.raises(RuntimeError),
        db.unit_of_work() as session,
        bulk_load(session, cache_kib=CACHE_KIB),
    ):
        enterprise(session, name="Half Written Ltd")
        raise RuntimeError("the load stops")
    with db.unit_of_work() as session:
        assert _triggers(session) == before
        assert list_enterprises(session, q="half written").total == 0
        record_enquiry(session, OFFICER, question="Any help?", enquirer_name="Wong Siu Ming")
        assert list_enquiries(session, EnquiryFilters(q="siu ming")).total == 1
