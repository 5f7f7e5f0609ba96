"""Bulk import of historical SME-centre enquiries (ADR 0034).

Every row is checked first; only a clean file is written. An enquiry's
natural key is everything the file says about it (day, centre, channel,
question, enterprise) and its count among identical rows, so a second import
of the same file finds every enquiry stored and adds none.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import hk_today
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.desk.services import Centre
from reind.programme.desk.store import EnquiryRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.ids import new_id
from reind.programme.imports import cells
from reind.programme.imports.application_writes import AtDay
from reind.programme.imports.cells import RowCheck
from reind.programme.imports.problems import ImportRejectedError
from reind.programme.imports.reading import Table
from reind.programme.imports.rows import CHANNELS, ImportReport
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush

CHUNK = 500
Key = tuple[datetime, str, str, str, str | None]


def import_enquiries(
    session: Session,
    table: Table,
    actor: Actor,
    source: str = "enquiries",
    *,
    today: date | None = None,
) -> ImportReport:
    """Check then write historical enquiries; ones already stored are left alone."""
    ensure(actor, Action.IMPORT_RECORDS)
    check = RowCheck(table.problems)
    latest = today or hk_today()
    rows = list(table.rows(check))
    brs = sorted({row.get("br_number", "") for _, row in rows} - {""})
    companies = _companies(session, brs)
    parsed: list[tuple[Key, str]] = []
    for number, row in rows:
        received = check.get(row, number, "received_on", cells.day(latest))
        centre = check.get(row, number, "centre", cells.choice(Centre))
        question = check.get(row, number, "question", cells.text(None, lines=True))
        channel = check.get(row, number, "channel", cells.one_of(CHANNELS))
        br = check.get(row, number, "br_number", cells.br_number, optional=True)
        company = companies.get(br) if br else None
        if br and company is None:
            check.add(number, "br_number", f"no enterprise {br}", f"沒有企業 {br}", br)
        if received is None or centre is None or question is None or channel is None:
            continue
        moment = AtDay(received).now()
        parsed.append(((moment, centre.value, channel, question, company), question))
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    stored = _stored(session, sorted({key[0] for key, _ in parsed}))
    seen: Counter[Key] = Counter()
    new = 0
    for key, question in parsed:
        seen[key] += 1
        if seen[key] <= stored[key]:
            continue
        at, where, how, _, company_id = key
        enquiry = EnquiryRow(
            id=new_id(),
            received_at=at,
            channel=how,
            centre=where,
            state="answered",
            question=question,
            profile=json.dumps({}),
            enterprise_id=company_id,
        )
        session.add(enquiry)
        audit.record_at_commit(
            session, actor, "enquiry.imported", "enquiry", enquiry.id, {"source": source}
        )
        new += 1
    flush(session, "the import")
    return ImportReport("enquiries", new, len(parsed) - new)


def _companies(session: Session, brs: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(brs), CHUNK):
        part = brs[start : start + CHUNK]
        rows = session.execute(
            select(EnterpriseRow.br_number, EnterpriseRow.id).where(
                EnterpriseRow.br_number.in_(part)
            )
        )
        found.update((br, id_) for br, id_ in rows)
    return found


def _stored(session: Session, moments: list[datetime]) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for start in range(0, len(moments), CHUNK):
        part = moments[start : start + CHUNK]
        rows = session.execute(
            select(
                EnquiryRow.received_at,
                EnquiryRow.centre,
                EnquiryRow.channel,
                EnquiryRow.question,
                EnquiryRow.enterprise_id,
            ).where(EnquiryRow.received_at.in_(part))
        )
        for moment, centre, channel, question, company in rows:
            counts[(_utc(moment), centre or "", channel, question, company)] += 1
    return counts


def _utc(moment: datetime) -> datetime:
    """A stored timestamp as an aware UTC datetime (SQLite gives it back naive)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
