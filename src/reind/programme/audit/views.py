"""The audit log's read side: one subject's history as frozen views.

Pages read the log only through here (``reind.web`` never imports ``store``).
Reading chains this session's pending events first, as ``chain.events_for``
does, so a page shows what it has just recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from reind.programme.audit import chain
from reind.programme.audit.checkpoints import (
    Checkpoint,
    CheckpointReport,
    check_against,
    load_public_key,
    public_path,
    read_checkpoints,
)
from reind.programme.views import view_of


@dataclass(frozen=True, slots=True)
class EventView:
    """One audit event (``recorded_at`` is its ISO 8601 UTC text, as hashed)."""

    seq: int
    hash: str
    recorded_at: str
    actor: str
    role: str
    kind: str
    subject_type: str
    subject_id: str
    payload: str


def events_for(session: Session, subject_type: str, subject_id: str) -> list[EventView]:
    """Every event about one subject, oldest first."""
    return [view_of(EventView, row) for row in chain.events_for(session, subject_type, subject_id)]


@dataclass(frozen=True, slots=True)
class AuditState:
    """The chain checked end to end, and how it compares with the signed checkpoints.

    ``checkpoints`` is None when no checkpoint file is kept; ``latest`` is the
    newest checkpoint's event and time.
    """

    chain: chain.ChainReport
    checkpoints: CheckpointReport | None
    latest: Checkpoint | None


def audit_state(session: Session, checkpoint_log: Path | None, key_path: Path | None) -> AuditState:
    """Walk the whole chain and check it against the checkpoints kept outside the database.

    A walk reads every event, so pages call this only when the auditor asks.
    """
    report = chain.verify_chain(session)
    if checkpoint_log is None or key_path is None:
        return AuditState(report, None, None)
    found = read_checkpoints(checkpoint_log)
    public = public_path(key_path)
    if not found or not public.exists():
        return AuditState(report, CheckpointReport(0), None)
    return AuditState(report, check_against(session, found, load_public_key(public)), found[-1])
