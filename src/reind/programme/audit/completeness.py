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
``import.bulk_historic`` event vouches for each table's row count, not each
row. Applications without an event of their own are therefore accepted up to
the number the bulk imports vouch for; past that, the excess is reported and
the newest of them (by ``created_at``) are named as the likely intruders. The
count is exact; the names are a guess an intruder who back-dates
``created_at`` can mislead.

The tables are read with plain SQL by name: the audit package imports no
other aggregate's tables (ADR 0092).
"""

from __future__ import annotations

import json
from collections import defaultdict
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
        self.bulk_rows: dict[str, int] = defaultdict(int)
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
            for table, count in json.loads(payload).get("rows", {}).items():
                self.bulk_rows[table] += int(count)

    def has(self, subject_type: str, subject_id: str, kind: str) -> bool:
        return kind in self.kinds.get((subject_type, subject_id), ())


def check_completeness(session: Session) -> CompletenessReport:
    """Name every application, claim, disbursement, score, decision and agreement
    that lacks the audit events its state implies."""
    events = _Events(session)
    checked: dict[str, int] = {}
    missing: list[MissingEvents] = []
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
        if events.has("claim", claim_id, "claim.imported"):
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
    ]
    return len(rows), found


def _agreements(session: Session, events: _Events) -> tuple[int, list[MissingEvents]]:
    rows = session.execute(text("SELECT id FROM agreements ORDER BY id")).all()
    found = [
        MissingEvents("agreement", agreement_id, "no money.committed event naming it")
        for (agreement_id,) in rows
        if agreement_id not in events.committed_agreements
    ]
    return len(rows), found
