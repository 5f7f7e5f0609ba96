"""Audit completeness: every record has the events its state implies.

The hash chain (``chain.verify_chain``) proves that the events stored were
not edited, reordered or cut; it says nothing about a record written behind
the services' back, with no event at all (issue 12 found 21 applications
and 23 claims stored that way before SQLite had real transactions). This
module walks the records that carry money or a decision and names every one
whose events are missing:

======================  ==============================================================
record                  events its state implies
======================  ==============================================================
application             ``application.created`` or ``application.imported``; a created
                        one's state is the ``to`` of its last ``application.transitioned``
claim                   ``money.claimed`` (or ``claim.imported``); then, by state,
                        ``claim.officer_approved``, ``money.claim_approved``,
                        ``money.disbursed`` or ``money.claim_rejected``
disbursement            ``money.disbursed`` (or ``claim.imported``) on its claim
committee score         ``committee.scored`` by that member on that criterion
committee decision      ``committee.decided`` on its application
agreement               ``money.committed`` naming the agreement
======================  ==============================================================

Demo portfolios are written in batches (``demo_data.bulk``): one
``import.bulk_historic`` event covers a whole batch. Each batch also writes a
register (``bulk_import_records``) of the records of the kinds above, one row
per record, and its event holds the register's digest (``register_digest``).
A record without events of its own is vouched for only if a register whose
digest matches its event lists it; every other one is named, one by one, and
a register that does not match its event (a row added or removed behind the
import's back) is named too. Imports written before registers existed carry
only row counts: records without events are accepted up to those counts; past
them the excess is reported and the newest (by ``created_at``) named as the
likely intruders, a guess an intruder who back-dates ``created_at`` can mislead.

The tables are read with plain SQL by name: the audit package imports no
other aggregate's tables (ADR 0092).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.orm import Session

CLAIM_EVENTS: dict[str, tuple[str, ...]] = {
    "submitted": ("money.claimed",),
    "officer_approved": ("money.claimed", "claim.officer_approved"),
    "approved": ("money.claimed", "claim.officer_approved", "money.claim_approved"),
    "paid": (
        "money.claimed",
        "claim.officer_approved",
        "money.claim_approved",
        "money.disbursed",
    ),
    "rejected": ("money.claimed", "money.claim_rejected"),
}
"""The events a claim made through the services has, by its state."""

REGISTERED_TABLES = frozenset(
    {
        "applications",
        "claims",
        "disbursements",
        "assessment_scores",
        "committee_decisions",
        "agreements",
    }
)
"""Tables whose bulk-imported rows are registered one by one: the kinds checked here."""


def register_digest(ids: Mapping[str, Iterable[str]]) -> str:
    """SHA-256 over each registered table's name and record ids, sorted (order-free).

    Written into the bulk import's event by ``demo_data.bulk`` and recomputed
    from ``bulk_import_records`` here: one function, so the two cannot drift.
    """
    digest = hashlib.sha256()
    for table in sorted(ids):
        for record_id in sorted(ids[table]):
            digest.update(f"{table}\t{record_id}\n".encode())
    return digest.hexdigest()


NAMED_AT_MOST = 50
"""Records named per kind in a report; the count is always exact."""


@dataclass(frozen=True, slots=True)
class MissingEvents:
    """One record whose state implies events the log does not have."""

    record: str
    record_id: str
    missing: str

    def __str__(self) -> str:
        return f"{self.record} {self.record_id}: {self.missing}"


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    """Records checked by kind, and every record found without its events."""

    checked: dict[str, int] = field(default_factory=dict)
    missing: tuple[MissingEvents, ...] = ()

    @property
    def ok(self) -> bool:
        """True when every record has its events."""
        return not self.missing

    def lines(self) -> list[str]:
        """One line per record without its events (at most ``NAMED_AT_MOST`` per kind)."""
        shown: dict[str, int] = defaultdict(int)
        out: list[str] = []
        for item in self.missing:
            shown[item.record] += 1
            if shown[item.record] <= NAMED_AT_MOST:
                out.append(str(item))
        for record, count in shown.items():
            if count > NAMED_AT_MOST:
                out.append(f"... and {count - NAMED_AT_MOST} more {record} record(s)")
        return out

    def __str__(self) -> str:
        total = sum(self.checked.values())
        if self.ok:
            return f"OK: {total} records, each with the events its state implies"
        return (
            f"INCOMPLETE: {len(self.missing)} of {total} records lack the events their state "
            "implies\n" + "\n".join(self.lines())
        )


class _Events:
    """The log's events about the record kinds checked, read once."""

    def __init__(self, session: Session) -> None:
        self.kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.last_state: dict[str, str | None] = {}
        self.scored: set[tuple[str, str, str]] = set()
        self.committed_agreements: set[str] = set()
        self.bulk_rows: dict[str, int] = defaultdict(int)  # imports without a register
        self.registers: dict[str, str] = {}  # import id -> its register's digest
        self.vouched: dict[str, set[str]] = defaultdict(set)  # table -> registered ids
        rows = session.execute(
            text(
                "SELECT subject_type, subject_id, kind, payload FROM audit_events "
                "WHERE subject_type IN ('application', 'claim', 'bulk_import') ORDER BY seq"
            )
        )
        for subject_type, subject_id, kind, payload in rows:
            self.kinds[(subject_type, subject_id)].add(kind)
            self._note(subject_id, kind, payload)

    def _note(self, subject_id: str, kind: str, payload: str) -> None:
        if kind in {"application.created", "application.transitioned", "application.imported"}:
            body = json.loads(payload)
            state = {"application.created": "draft"}.get(kind) or body.get("to", body.get("state"))
            self.last_state[subject_id] = state if kind != "application.imported" else None
        elif kind == "application.updated":
            self.last_state[subject_id] = None  # an import changed it: its state is not implied
        elif kind == "committee.scored":
            body = json.loads(payload)
            self.scored.add((subject_id, str(body.get("member_id")), str(body.get("criterion"))))
        elif kind == "money.committed":
            self.committed_agreements.add(str(json.loads(payload).get("agreement_id")))
        elif kind == "import.bulk_historic":
            body = json.loads(payload)
            if "register" in body:
                self.registers[subject_id] = str(body["register"].get("digest"))
                return
            for table, count in body.get("rows", {}).items():
                self.bulk_rows[table] += int(count)

    def has(self, subject_type: str, subject_id: str, kind: str) -> bool:
        return kind in self.kinds.get((subject_type, subject_id), ())

    def bulk(self, table: str, record_id: object) -> bool:
        """Whether a register whose digest matches its event lists the record."""
        return str(record_id) in self.vouched.get(table, ())

    def check_registers(self, session: Session) -> list[MissingEvents]:
        """Fill ``vouched`` from the registers that match their events; name those that do not."""
        listed: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for import_id, table, record_id in session.execute(
            text("SELECT import_id, table_name, record_id FROM bulk_import_records")
        ):
            listed[import_id][table].append(record_id)
        found: list[MissingEvents] = []
        for import_id in sorted(set(listed) | set(self.registers)):
            register = listed.get(import_id, {})
            size = sum(len(ids) for ids in register.values())
            expected = self.registers.get(import_id)
            if expected is None:
                found.append(
                    MissingEvents(
                        "bulk import",
                        import_id,
                        f"registers {size} record(s) but no import.bulk_historic event with a "
                        "register vouches for it",
                    )
                )
            elif register_digest(register) != expected:
                found.append(
                    MissingEvents(
                        "bulk import",
                        import_id,
                        f"its register of {size} record(s) does not match the digest its "
                        "import.bulk_historic event holds: changed behind the import's back",
                    )
                )
            else:
                for table, ids in register.items():
                    self.vouched[table].update(ids)
        return found


def check_completeness(session: Session) -> CompletenessReport:
    """Name every application, claim, disbursement, score, decision and agreement
    that lacks the audit events its state implies."""
    events = _Events(session)
    missing: list[MissingEvents] = events.check_registers(session)
    checked: dict[str, int] = {"bulk import": len(events.registers)}
    for name, check in (
        ("application", _applications),
        ("claim", _claims),
        ("disbursement", _disbursements),
        ("score", _scores),
        ("committee decision", _decisions),
        ("agreement", _agreements),
    ):
        count, found = check(session, events)
        checked[name] = count
        missing.extend(found)
    return CompletenessReport(checked, tuple(missing))


def _applications(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(
        text("SELECT id, reference, state FROM applications ORDER BY created_at DESC, id")
    ).all()
    unrecorded: list[MissingEvents] = []
    wrong_state: list[MissingEvents] = []
    for app_id, reference, state in rows:
        kinds = events.kinds.get(("application", app_id), set())
        if not kinds & {"application.created", "application.imported"}:
            if events.bulk("applications", app_id):
                continue
            unrecorded.append(
                MissingEvents("application", reference, "no application.created event")
            )
            continue
        implied = events.last_state.get(app_id)
        if implied is not None and implied != state:
            wrong_state.append(
                MissingEvents(
                    "application",
                    reference,
                    f"state {state} but its last recorded transition is to {implied}",
                )
            )
    vouched = events.bulk_rows.get("applications", 0)
    excess = len(unrecorded) - vouched
    if excess <= 0:
        return len(rows), wrong_state  # within what the bulk imports vouch for
    if vouched:
        why = (
            f"no application.created event ({len(unrecorded)} applications have none, bulk "
            f"imports vouch for {vouched}: the newest {excess} are named)"
        )
        unrecorded = [MissingEvents(m.record, m.record_id, why) for m in unrecorded[:excess]]
    return len(rows), unrecorded + wrong_state


def _claims(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(text("SELECT id, state FROM claims ORDER BY id")).all()
    found: list[MissingEvents] = []
    for claim_id, state in rows:
        if events.has("claim", claim_id, "claim.imported") or events.bulk("claims", claim_id):
            continue
        implied = CLAIM_EVENTS.get(state, ("money.claimed",))
        absent = [kind for kind in implied if not events.has("claim", claim_id, kind)]
        if absent:
            found.append(MissingEvents("claim", claim_id, f"{state} without {', '.join(absent)}"))
    return len(rows), found


def _disbursements(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(text("SELECT id, claim_id FROM disbursements ORDER BY id")).all()
    found = [
        MissingEvents("disbursement", payment_id, f"no money.disbursed event on claim {claim_id}")
        for payment_id, claim_id in rows
        if not (
            events.has("claim", claim_id, "money.disbursed")
            or events.has("claim", claim_id, "claim.imported")
            or events.bulk("disbursements", payment_id)
        )
    ]
    return len(rows), found


def _scores(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(
        text("SELECT id, application_id, member_id, criterion FROM assessment_scores ORDER BY id")
    ).all()
    found = [
        MissingEvents(
            "score",
            str(score_id),
            f"no committee.scored event by member {member_id} on {criterion} "
            f"of application {app_id}",
        )
        for score_id, app_id, member_id, criterion in rows
        if (app_id, member_id, criterion) not in events.scored
        and not events.bulk("assessment_scores", score_id)
    ]
    return len(rows), found


def _decisions(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(
        text("SELECT id, application_id FROM committee_decisions ORDER BY id")
    ).all()
    found = [
        MissingEvents("committee decision", decision_id, f"no committee.decided event on {app_id}")
        for decision_id, app_id in rows
        if not events.has("application", app_id, "committee.decided")
        and not events.bulk("committee_decisions", decision_id)
    ]
    return len(rows), found


def _agreements(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(text("SELECT id FROM agreements ORDER BY id")).all()
    found = [
        MissingEvents("agreement", agreement_id, "no money.committed event naming it")
        for (agreement_id,) in rows
        if agreement_id not in events.committed_agreements
        and not events.bulk("agreements", agreement_id)
    ]
    return len(rows), found
