"""``/api/v1/audit``: check the hash chain (auditors and administrators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from reind.programme.actors import Actor
from reind.programme.audit.chain import verify_chain
from reind.programme.permissions import Action
from reind.web.auth import require
from reind.web.deps import UnitOfWork

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Actor, Depends(require(Action.VERIFY_AUDIT_CHAIN))]


class ChainPublic(BaseModel):
    """The chain checked: how many events, and the first break if any."""

    ok: bool
    checked: int
    broken_seq: int | None
    problem: str | None


@router.get("/verification", response_model=ChainPublic)
def verify(_auditor: Auditor, session: UnitOfWork) -> ChainPublic:
    """Walk the whole audit chain and report the first event that does not fit."""
    report = verify_chain(session)
    return ChainPublic(
        ok=report.ok, checked=report.checked, broken_seq=report.broken_seq, problem=report.problem
    )
