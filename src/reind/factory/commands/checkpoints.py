"""Signed checkpoints of the plant's command log, kept outside the database.

The command log's hash chain shows an edit of one entry; it shows nothing to
someone who can write the database and deletes the newest entries or
recomputes every hash after an edit. As for the audit chain, a checkpoint
signed with a key that is not in the database and appended to a file that is
not in it either catches both. The mechanism is the audit's own
(``core.checkpoints``, ADR 0120): this module only says where the log's head
and hashes are (``COMMAND_LOG``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core import checkpoints as core
from reind.core.chain import GENESIS
from reind.core.checkpoints import Checkpoint, CheckpointReport, Walk
from reind.core.clock import Clock
from reind.factory.commands.log import PlantCommandRow, verify_command_log


@dataclass(frozen=True, slots=True)
class CommandLogWalk:
    """The outcome of walking the command log."""

    broken_at: int | None

    @property
    def ok(self) -> bool:
        """True when every entry fits its hash and the one before."""
        return self.broken_at is None

    def __str__(self) -> str:
        return "OK" if self.ok else f"entry {self.broken_at} does not fit its hash or link"


@dataclass(frozen=True, slots=True)
class _CommandLog:
    """The plant's command log as ``core.checkpoints`` sees it."""

    name: str = "the plant's command log"

    def head(self, session: Session) -> tuple[int, str]:
        last = session.execute(
            select(PlantCommandRow.seq, PlantCommandRow.hash).order_by(PlantCommandRow.seq.desc())
        ).first()
        return (int(last[0]), str(last[1])) if last is not None else (0, GENESIS)

    def hashes(self, session: Session, seqs: list[int]) -> dict[int, str]:
        query = select(PlantCommandRow.seq, PlantCommandRow.hash).where(
            PlantCommandRow.seq.in_(seqs)
        )
        return {int(row[0]): str(row[1]) for row in session.execute(query)}

    def verify(self, session: Session, after: tuple[int, str] | None) -> Walk:
        return CommandLogWalk(verify_command_log(session))  # the log is small: walk it whole


COMMAND_LOG = _CommandLog()


def write_command_checkpoint(
    session: Session, key: Ed25519PrivateKey, log: Path, clock: Clock | None = None
) -> Checkpoint | None:
    """Sign the command log's head and append it to ``log``; None if it has not moved."""
    return core.write_checkpoint(session, COMMAND_LOG, key, log, clock)


def check_command_log(
    session: Session, checkpoints: list[Checkpoint], public: Ed25519PublicKey
) -> CheckpointReport:
    """Check the command log's checkpoints' signatures and that the log holds each one's entry."""
    return core.check_against(session, COMMAND_LOG, checkpoints, public)
