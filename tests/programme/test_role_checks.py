"""The services themselves refuse roles that may not act, whoever calls them (API, CLI, imports)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reind.core.db import Database
from reind.core.errors import ForbiddenError
from reind.core.money import HKD
from reind.programme.actors import Actor, Role
from reind.programme.applications.contents import add_cost_line, attach_document
from reind.programme.applications.services import CostLine
from reind.programme.committee.services import agenda_for
from reind.programme.enterprises.profile import EnterpriseProfile, Incorporation, Industry
from reind.programme.enterprises.registry import register_enterprise
from reind.programme.imports.bulk import import_file
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    FINANCE,
    OFFICER,
    applicant_of,
    enterprise,
    meeting,
    rfs_application,
)
from tests.programme.import_files import CLAIMS, ENQUIRIES, write

ANALYST = Actor("analyst-yip", Role.ANALYST)
LINE = CostLine("machinery_equipment", "Second filler", HKD("100000"))
PDF = b"%PDF-1.7 quotation"


@pytest.mark.parametrize("who", [ANALYST, FINANCE, Actor("auditor-so", Role.AUDITOR)])
def test_only_applicants_officers_and_administrators_change_a_drafts_budget_and_documents(
    db: Database, who: Actor
) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session)
        with pytest.raises(ForbiddenError, match="budget lines"):
            add_cost_line(session, app.id, LINE, who, engine=default_engine())
        with pytest.raises(ForbiddenError, match="supporting documents"):
            attach_document(
                session, app.id, who, filename="q.pdf", media_type="application/pdf", content=PDF
            )


def test_the_applicant_and_an_officer_may_still_change_the_draft(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = rfs_application(session, company)
        applicant = applicant_of(company)
        assert (
            add_cost_line(session, app.id, LINE, applicant, engine=default_engine()).amount_cents
            == 10_000_000
        )
        document = attach_document(
            session, app.id, OFFICER, filename="q.pdf", media_type="application/pdf", content=PDF
        )
        assert document.size == len(PDF)


def test_an_applicant_may_not_register_an_enterprise(db: Database) -> None:
    profile = EnterpriseProfile(
        br_number="87654321",
        name_en="Jade Dumplings Ltd",
        incorporation=Incorporation.CAP622,
        employees=30,
        manufacturing=True,
        industry=Industry.FOOD_MANUFACTURING,
    )
    with db.unit_of_work() as session:
        company = enterprise(session)
        with pytest.raises(ForbiddenError, match="register enterprises"):
            register_enterprise(session, profile, applicant_of(company))
        assert register_enterprise(session, profile, OFFICER).br_number == "87654321"


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ANALYST])
def test_finance_and_analysts_may_not_read_a_meetings_agenda(db: Database, role: Role) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = rfs_application(session, company, state="vetting_committee")
        held = meeting(session, [app.id])
        with pytest.raises(ForbiddenError, match="agendas"):
            agenda_for(session, held.id, Actor("someone", role))
        with pytest.raises(ForbiddenError, match="agendas"):
            agenda_for(session, held.id, applicant_of(company))
        assert [row.id for row in agenda_for(session, held.id, OFFICER)] == [app.id]


@pytest.mark.parametrize("kind", ["applications", "claims", "enquiries"])
def test_only_officers_and_the_system_import_records(
    db: Database, tmp_path: Path, kind: str
) -> None:
    """An import writes history in bulk: the importers ask the table (``IMPORT_RECORDS``)."""
    path = write(tmp_path, f"{kind}.csv", {"claims": CLAIMS, "enquiries": ENQUIRIES}.get(kind, "a"))
    with db.unit_of_work() as session:
        for who in (ANALYST, FINANCE, applicant_of(enterprise(session))):
            with pytest.raises(ForbiddenError, match="import applications, claims and enquiries"):
                import_file(session, kind, path, who, engine=default_engine())
