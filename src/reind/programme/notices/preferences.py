"""Which notices each person wants by e-mail: every kind is sent unless they turned it off.

A person (or an administrator for them) turns a kind of notice off or on;
``wants_email`` is the clause the writers of notices add to their choice of
recipients, so a notice turned off is never written to the outbox at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from reind.core.errors import ForbiddenError, InvalidInputError
from reind.programme.accounts.store import UserRow
from reind.programme.actors import Actor
from reind.programme.notices.store import NoticePreferenceRow
from reind.programme.permissions import Action, may

APPLICANT_KINDS: dict[str, tuple[str, str]] = {
    "received": ("Your application was received", "已收到你的申請"),
    "information_requested": ("Information is requested on your application", "申請需要補充資料"),
    "decision": ("A decision was made on your application", "申請已有決定"),
    "claim_approved": ("A claim of yours is approved", "你的申領已獲批核"),
    "claim_paid": ("A claim of yours is paid", "你的申領已付款"),
    "report_due": ("A project report is due", "項目報告即將到期或已逾期"),
    "claim_due": ("A milestone (and its claim) is due", "里程碑（及其申領）即將到期或已逾期"),
}
"""The notices an applicant gets, in words (English, Chinese)."""
STAFF_KINDS: dict[str, tuple[str, str]] = {
    "case_assigned": ("A case is assigned to me", "有個案分派給我"),
}
"""The notices the office's staff get (``applications.assignment``), in words."""
KINDS = {**APPLICANT_KINDS, **STAFF_KINDS}
"""Every kind of notice a person may turn off."""


def kinds_for(role: str) -> dict[str, tuple[str, str]]:
    """The kinds of notice a person in ``role`` can get, so their settings offer only those."""
    return APPLICANT_KINDS if role == "applicant" else STAFF_KINDS


def wants_email(kind: str) -> Any:
    """SQL: true when the ``UserRow`` of the query has not turned notice ``kind`` off."""
    return ~exists().where(
        and_(
            NoticePreferenceRow.user_id == UserRow.id,
            NoticePreferenceRow.kind == kind,
            NoticePreferenceRow.email.is_(False),
        )
    )


def _not_theirs() -> ForbiddenError:
    return ForbiddenError(
        "only the person or an administrator may change their notices",
        zh="只有當事人或管理員才可更改其通知設定。",
    )


def preferences_of(session: Session, user_id: str, actor: Actor) -> dict[str, bool]:
    """Each kind of notice and whether the person gets it by e-mail (the person or an admin)."""
    user = session.get_one(UserRow, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor.id not in {user.id, user.person_id}:
        raise _not_theirs()
    off = set(
        session.execute(
            select(NoticePreferenceRow.kind)
            .where(NoticePreferenceRow.user_id == user_id)
            .where(NoticePreferenceRow.email.is_(False))
        ).scalars()
    )
    return {kind: kind not in off for kind in kinds_for(user.role)}


def set_preferences(session: Session, user_id: str, wanted: dict[str, bool], actor: Actor) -> None:
    """Turn kinds of notice on or off for a person (the person or an administrator)."""
    user = session.get_one(UserRow, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor.id not in {user.id, user.person_id}:
        raise _not_theirs()
    unknown = set(wanted) - set(KINDS)
    if unknown:
        raise InvalidInputError(
            "no such kind of notice: {kinds}",
            kinds=", ".join(sorted(unknown)),
            zh="沒有此類通知：{kinds}",
        )
    for kind, email in wanted.items():
        row = session.get(NoticePreferenceRow, (user_id, kind))
        if row is None:
            session.add(NoticePreferenceRow(user_id=user_id, kind=kind, email=email))
        else:
            row.email = email
    session.flush()
