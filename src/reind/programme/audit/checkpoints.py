"""Signed checkpoints of the audit chain's head, kept outside the database.

The chain in the database can prove that nobody edited one event and left
the rest alone. It cannot prove anything against someone who can write the
database: delete the newest events and move the head back, or edit an event
and recompute every later hash and the head, and the chain verifies again
(ADR 0031 said so). A checkpoint closes that gap: ``(seq, hash)`` of the head
at a moment, signed with an Ed25519 key that is not in the database, appended
as one JSON line to a file that is not in the database either.

The mechanism is ``core.checkpoints``, shared with the plant's command log
(``factory.commands.checkpoints``); this module only tells it where the audit
chain's head and hashes are (``AUDIT_CHAIN``). What it does not guarantee is
in ADR 0120.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core import checkpoints as core
from reind.core.checkpoints import (
    Checkpoint,
    CheckpointReport,
    CheckpointSchedule,
    Walk,
    key_id,
    load_or_create_key,
    load_public_key,
    public_path,
    read_checkpoints,
)
from reind.core.clock import Clock
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.store import AuditEventRow, AuditHeadRow

__all__ = [
    "AUDIT_CHAIN",
    "Checkpoint",
    "CheckpointReport",
    "CheckpointSchedule",
    "check_against",
    "key_id",
    "load_or_create_key",
    "load_public_key",
    "public_path",
    "read_checkpoints",
    "write_checkpoint",
]


@dataclass(frozen=True, slots=True)
class _AuditChain:
    """The audit chain as ``core.checkpoints`` sees it."""

    name: str = "the audit chain"

    def head(self, session: Session) -> tuple[int, str]:
        row = session.execute(
            select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1)
        ).one()
        return int(row.seq), str(row.hash)

    def hashes(self, session: Session, seqs: list[int]) -> dict[int, str]:
        query = select(AuditEventRow.seq, AuditEventRow.hash).where(AuditEventRow.seq.in_(seqs))
        return {int(row[0]): str(row[1]) for row in session.execute(query)}

    def verify(self, session: Session, after: tuple[int, str] | None) -> Walk:
        return verify_chain(session, after=after)


AUDIT_CHAIN = _AuditChain()


def write_checkpoint(
    session: Session, key: Ed25519PrivateKey, log: Path, clock: Clock | None = None
) -> Checkpoint | None:
    """Sign the audit chain's head and append it to ``log`` (``core.checkpoints``)."""
    return core.write_checkpoint(session, AUDIT_CHAIN, key, log, clock)


def check_against(
    session: Session, checkpoints: list[Checkpoint], public: Ed25519PublicKey
) -> CheckpointReport:
    """Check the audit checkpoints' signatures and that the chain holds each one's event."""
    return core.check_against(session, AUDIT_CHAIN, checkpoints, public)
