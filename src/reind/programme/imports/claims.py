"""Bulk import of historical claims against stored projects (ADR 0034).

Every row is checked first, against the project's ledger as it would stand
after the file's earlier rows; only a clean file is written. Each claim has
a key: the file's ``claim_reference``, or (without one) the application,
amount, date and its count among identical rows of the file, so a second
import of the same file finds every claim stored and changes nothing. A
claim writes the ledger entries the claims workflow writes (``claimed``,
``claim_approved``, ``claim_rejected``, ``disbursed`` with its payment),
through the money aggregate's one writer ``write_ledger``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from hashlib import sha256

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import hk_today
from reind.core.errors import ReindError
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.ids import new_id
from reind.programme.imports import cells
from reind.programme.imports.application_writes import AtDay
from reind.programme.imports.cells import RowCheck
from reind.programme.imports.problems import ImportRejectedError
from reind.programme.imports.reading import Table
from reind.programme.imports.rows import CLAIM_STATES, ImportReport
from reind.programme.money.ledger import Ledger
from reind.programme.money.ledgers import ledger_from, write_ledger
from reind.programme.money.store import ClaimRow, DisbursementRow, LedgerRow
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush

CHUNK = 500
KEY_LENGTH = 100
"""The length of ``claims.idempotency_key``."""


@dataclass(frozen=True, slots=True)
class ClaimRecord:
    """One checked row of a claims file."""

    number: int
    key: str
    app: ApplicationRow
    amount: Money
    submitted: date
    state: str
    paid_on: date | None


def import_claims(
    session: Session,
    table: Table,
    actor: Actor,
    source: str = "claims",
    *,
    today: date | None = None,
) -> ImportReport:
    """Check then write historical claims, keeping every ledger invariant."""
    ensure(actor, Action.IMPORT_RECORDS)
    check = RowCheck(table.problems)
    latest = today or hk_today()
    rows = list(table.rows(check))  # claims files are small; each row is looked at twice
    apps = _by_reference(session, {row.get("application_reference", "") for _, row in rows})
    keys = _keys(check, rows)
    stored = _stored(session, list(keys.values()))
    ledgers: dict[str, Ledger] = {}
    records: list[ClaimRecord] = []
    unchanged = 0
    for number, row in rows:
        record = _record(check, latest, apps, keys, number, row)
        if record is None:
            continue
        known = stored.get(record.key)
        if known is not None:
            if _same(known, record):
                unchanged += 1
            else:
                check.add(
                    number,
                    "state" if known.state != record.state else "amount",
                    f"claim {record.key} is stored as {known.state} "
                    f"{Money(known.amount_cents)} of {known.submitted_on}; "
                    "a stored claim is changed through the claims workflow",
                    f"申索 {record.key} 已儲存為 {known.state} {Money(known.amount_cents)}"
                    f"（{known.submitted_on}）；已儲存的申索須經申索流程更改",
                )
            continue
        app_id = record.app.id
        if app_id not in ledgers:
            held = session.get(LedgerRow, app_id)
            ledgers[app_id] = ledger_from(held) if held else Ledger()
        try:
            ledgers[app_id] = _moved(ledgers[app_id], record)
        except ReindError as exc:
            check.add(number, "amount", str(exc), f"帳目不容許此申索：{exc}", str(record.amount))
            continue
        records.append(record)
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    for record in records:
        _write(session, record, actor, source)
    flush(session, "the import")
    return ImportReport("claims", len(records), unchanged)


def _keys(check: RowCheck, rows: list[tuple[int, dict[str, str]]]) -> dict[int, str]:
    """Each row's claim key; a reference given twice is a problem."""
    keys: dict[int, str] = {}
    given: dict[str, int] = {}
    seen: Counter[tuple[str, ...]] = Counter()
    for number, row in rows:
        reference = row.get("claim_reference", "")
        if reference:
            if reference in given:
                check.add(
                    number,
                    "claim_reference",
                    f"{reference} is also on row {given[reference]}",
                    f"{reference} 亦見於第 {given[reference]} 行",
                    reference,
                )
            given[reference] = number
            keys[number] = reference
            continue
        natural = tuple(row.get(c, "") for c in ("application_reference", "amount", "submitted_on"))
        seen[natural] += 1
        key = "import:" + ":".join(natural) + f":{seen[natural]}"
        keys[number] = (
            key if len(key) <= KEY_LENGTH else "import:" + sha256(key.encode()).hexdigest()
        )
    return keys


def _record(
    check: RowCheck,
    latest: date,
    apps: dict[str, ApplicationRow],
    keys: dict[int, str],
    number: int,
    row: dict[str, str],
) -> ClaimRecord | None:
    before = len(check.problems)
    check.get(row, number, "claim_reference", cells.column_text(ClaimRow.idempotency_key), True)
    ref = check.get(row, number, "application_reference", str)
    app = apps.get(ref) if ref else None
    if ref and app is None:
        check.add(number, "application_reference", f"no application {ref}", f"沒有申請 {ref}", ref)
    amount = check.get(row, number, "amount", cells.money)
    if amount is not None and not amount.cents:
        check.add(number, "amount", "a claim must be more than HK$0.00", "申索額須多於 0 港元")
    submitted = check.get(row, number, "submitted_on", cells.day(latest))
    state = check.get(row, number, "state", cells.one_of(CLAIM_STATES))
    paid_on = check.get(row, number, "paid_on", cells.day(latest), optional=True)
    if state == "paid" and paid_on is None and "paid_on" not in _noted(check, number):
        check.add(
            number,
            "paid_on",
            "a paid claim needs the date it was paid",
            "已付款的申索須填寫付款日期",
        )
    if state and state != "paid" and paid_on is not None:
        check.add(
            number,
            "paid_on",
            f"a {state} claim has not been paid",
            f"狀態為 {state} 的申索尚未付款",
            row.get("paid_on", ""),
        )
    if paid_on is not None and submitted is not None and paid_on < submitted:
        check.add(
            number,
            "paid_on",
            f"{paid_on} is before the claim was submitted ({submitted})",
            f"{paid_on} 早於申索提交日期（{submitted}）",
            row.get("paid_on", ""),
        )
    if len(check.problems) > before:
        return None
    assert app is not None
    return ClaimRecord(number, keys[number], app, amount, submitted, state, paid_on)


def _noted(check: RowCheck, number: int) -> set[str]:
    return {p.column for p in check.problems if p.row == number}


def _moved(ledger: Ledger, record: ClaimRecord) -> Ledger:
    ledger = ledger.claim(record.amount)
    if record.state == "rejected":
        return ledger.drop_claim(record.amount)
    if record.state in {"approved", "paid"}:
        ledger = ledger.approve_claim(record.amount)
    if record.state == "paid":
        ledger = ledger.disburse(record.amount)
    return ledger


def _same(known: ClaimRow, record: ClaimRecord) -> bool:
    return (
        known.application_id == record.app.id
        and known.amount_cents == record.amount.cents
        and known.submitted_on == record.submitted
        and known.state == record.state
    )


def _write(session: Session, record: ClaimRecord, actor: Actor, source: str) -> None:
    claim = ClaimRow(
        id=new_id(),
        application_id=record.app.id,
        amount_cents=record.amount.cents,
        state=record.state,
        submitted_on=record.submitted,
        idempotency_key=record.key,
    )
    session.add(claim)
    row = session.get(LedgerRow, record.app.id)
    if row is None:
        raise ReindError(
            "{reference} has no ledger", reference=record.app.reference
        )  # checked above: claim() needs one
    amount = record.amount
    ledger = ledger_from(row).claim(amount)
    submitted = AtDay(record.submitted)
    write_ledger(session, row, ledger, "claimed", amount, claim.id, submitted)
    if record.state == "rejected":
        ledger = ledger.drop_claim(amount)
        write_ledger(session, row, ledger, "claim_rejected", amount, claim.id, submitted)
    if record.state in {"approved", "paid"}:
        ledger = ledger.approve_claim(amount)
        write_ledger(session, row, ledger, "claim_approved", amount, claim.id, submitted)
    if record.state == "paid" and record.paid_on is not None:
        ledger = ledger.disburse(amount)
        write_ledger(session, row, ledger, "disbursed", amount, claim.id, AtDay(record.paid_on))
        session.add(
            DisbursementRow(
                claim_id=claim.id,
                application_id=record.app.id,
                amount_cents=amount.cents,
                paid_on=record.paid_on,
            )
        )
    audit.record_at_commit(
        session,
        actor,
        "claim.imported",
        "claim",
        claim.id,
        {"amount": str(amount.amount), "state": record.state, "source": source, "key": record.key},
    )


def _by_reference(session: Session, references: set[str]) -> dict[str, ApplicationRow]:
    wanted = sorted(r for r in references if r)
    found: dict[str, ApplicationRow] = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        rows = session.execute(select(ApplicationRow).where(ApplicationRow.reference.in_(part)))
        found.update((row.reference, row) for row in rows.scalars())
    return found


def _stored(session: Session, keys: list[str]) -> dict[str, ClaimRow]:
    found: dict[str, ClaimRow] = {}
    for start in range(0, len(keys), CHUNK):
        part = keys[start : start + CHUNK]
        rows = session.execute(select(ClaimRow).where(ClaimRow.idempotency_key.in_(part)))
        found.update((row.idempotency_key or "", row) for row in rows.scalars())
    return found
