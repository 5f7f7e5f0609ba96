"""An append-only, hash-chained log of what operators did to the plant.

The programme's audit chain records decisions about public money; what an
operator commands on a line belongs to the factory, and an inspector of the
plant must be able to read and verify it without the programme. Each entry
keeps who, when, which line, what (a PackML command to a unit, a setpoint, an
alarm action), the value before and after, and how the line answered; its
hash covers all of that and the hash of the entry before (``core.chain``).

Append-only by construction: nothing here updates or deletes, and a unique
``prev_hash`` lets only one entry follow each other, so two operators
commanding at once cannot fork the chain (the second insert fails and is
retried on the new head). ``verify_command_log`` names the first entry whose
hash does not fit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from reind.core.chain import GENESIS, canonical_json, link_hash
from reind.core.clock import Clock, SystemClock
from reind.core.db import Base


class PlantCommandRow(Base):
    """One entry of the plant's command log (never updated, never deleted)."""

    __tablename__ = "plant_command_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32))
    """UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``: the same text on every database, so it hashes alike."""
    actor_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    line_id: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(400))
    action: Mapped[str] = mapped_column(String(200))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


@dataclass(frozen=True, slots=True)
class PlantCommand:
    """What an operator did, before it is logged.

    ``kind`` is ``command`` (a PackML command to ``target``, a unit),
    ``setpoint`` (``target`` is the tag) or ``alarm`` (``target`` the alarm,
    ``action`` acknowledge or shelve). ``before``/``after``: the unit's state
    or the tag's value on each side; ``outcome``: sent, refused (with the
    line's reason) or not sent.
    """

    actor_id: str
    role: str
    line_id: str
    kind: str
    target: str
    action: str
    before: Any = None
    after: Any = None
    outcome: str = "sent"


@dataclass(frozen=True, slots=True)
class CommandEntry:
    """One logged entry, as the log page shows it."""

    seq: int
    at: datetime
    actor_id: str
    role: str
    line_id: str
    kind: str
    target: str
    action: str
    before: Any
    after: Any
    outcome: str
    hash: str


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _document(row: PlantCommandRow) -> dict[str, Any]:
    return {
        "seq": row.seq,
        "at": row.at,
        "actor": row.actor_id,
        "role": row.role,
        "line": row.line_id,
        "kind": row.kind,
        "target": row.target,
        "action": row.action,
        "before": json.loads(row.before),
        "after": json.loads(row.after),
        "outcome": row.outcome,
    }


def record_command(
    session: Session, command: PlantCommand, clock: Clock | None = None
) -> CommandEntry:
    """Append ``command`` to the log in ``session``'s transaction.

    Two writers racing for the same head: the second one's commit breaks the
    unique ``prev_hash`` (an integrity error, answered as a conflict), and its
    caller tries again in a new transaction on the new head.
    """
    return _entry(_append(session, command, (clock or SystemClock()).now()))


def _append(session: Session, command: PlantCommand, now: datetime) -> PlantCommandRow:
    last = session.execute(
        select(PlantCommandRow.seq, PlantCommandRow.hash).order_by(PlantCommandRow.seq.desc())
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last is not None else (1, GENESIS)
    row = PlantCommandRow(
        seq=seq,
        at=_stamp(now),
        actor_id=command.actor_id,
        role=command.role,
        line_id=command.line_id,
        kind=command.kind,
        target=command.target,
        action=command.action,
        before=canonical_json(command.before),
        after=canonical_json(command.after),
        outcome=command.outcome,
        prev_hash=prev,
        hash="",
    )
    row.hash = link_hash(prev, _document(row))
    session.add(row)
    session.flush()
    return row


def _entry(row: PlantCommandRow) -> CommandEntry:
    return CommandEntry(
        seq=row.seq,
        at=datetime.strptime(row.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
        actor_id=row.actor_id,
        role=row.role,
        line_id=row.line_id,
        kind=row.kind,
        target=row.target,
        action=row.action,
        before=json.loads(row.before),
        after=json.loads(row.after),
        outcome=row.outcome,
        hash=row.hash,
    )


def command_log(session: Session, line_id: str, limit: int = 200) -> list[CommandEntry]:
    """The line's latest ``limit`` entries, newest first."""
    rows = session.execute(
        select(PlantCommandRow)
        .where(PlantCommandRow.line_id == line_id)
        .order_by(PlantCommandRow.seq.desc())
        .limit(limit)
    ).scalars()
    return [_entry(row) for row in rows]


def verify_command_log(session: Session) -> int | None:
    """The seq of the first entry whose hash or link does not fit; None when all do."""
    prev = GENESIS
    expected_seq = 1
    for row in session.execute(select(PlantCommandRow).order_by(PlantCommandRow.seq)).scalars():
        if row.seq != expected_seq or row.prev_hash != prev:
            return row.seq
        if link_hash(prev, _document(row)) != row.hash:
            return row.seq
        prev, expected_seq = row.hash, row.seq + 1
    return None
