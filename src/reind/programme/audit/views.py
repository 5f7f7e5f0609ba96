"""The audit log's read side: one subject's history as frozen views.

Pages read the log only through here (``reind.web`` never imports ``store``).
Reading chains this session's pending events first, as ``chain.events_for``
does, so a page shows what it has just recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from reind.programme.audit import chain
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
