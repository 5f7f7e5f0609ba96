"""Bulk import of historical SME-centre enquiries (ADR 0034).

Every row is validated first; only a clean file is written.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time

from sqlalchemy.orm import Session

from reind.core.periods import parse_date
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.desk.services import Centre
from reind.programme.desk.store import EnquiryRow
from reind.programme.enterprises.profile import normalise_br_number, parse_choice
from reind.programme.enterprises.registry import find_enterprise
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.imports.rows import (
    ImportProblem,
    ImportRejectedError,
    ImportReport,
    RowCheck,
    missing_columns,
)
from reind.programme.uow import flush


def import_enquiries(
    session: Session, rows: list[dict[str, str]], actor: Actor, source: str = "enquiries"
) -> ImportReport:
    """Validate then write historical enquiries."""
    check = RowCheck()
    check.problems += missing_columns("enquiries", rows)
    parsed = []
    for number, row in enumerate(rows, start=2):
        received = check.get(row, number, "received_on", parse_date)
        centre = check.get(row, number, "centre", lambda t: parse_choice(Centre, t, "centre"))
        question = check.get(row, number, "question", str)
        channel = check.get(row, number, "channel", str)
        br = check.get(row, number, "br_number", normalise_br_number, optional=True)
        company: EnterpriseRow | None = None
        if br is not None:
            company = find_enterprise(session, br)
            if company is None:
                check.problems.append(ImportProblem(number, "br_number", f"no enterprise {br}"))
        parsed.append((received, centre, question, channel, company))
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    for received, centre, question, channel, company in parsed:
        enquiry = EnquiryRow(
            received_at=datetime.combine(received, time(), tzinfo=UTC),
            channel=channel,
            centre=centre.value,
            state="answered",
            question=question,
            profile=json.dumps({}),
            enterprise_id=company.id if company else None,
        )
        session.add(enquiry)
        flush(session, "the enquiry")
        audit.record_at_commit(
            session, actor, "enquiry.imported", "enquiry", enquiry.id, {"source": source}
        )
    return ImportReport("enquiries", len(parsed))
