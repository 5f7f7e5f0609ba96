"""What each notice says (in both languages) and writing it to the outbox.

A notice is a row added in the same session as the change it tells about:
if the change rolls back, so does the notice, and nothing is sent for it.
``delivery.deliver_due`` sends the rows later, retrying while the mail
server is down. Each notice is written in English and Traditional Chinese,
one e-mail with both, since the register does not record which one a person
reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.programme.accounts.store import UserRow
from reind.programme.ids import new_id
from reind.programme.notices.preferences import wants_email
from reind.programme.notices.store import OutboxRow


@dataclass(frozen=True, slots=True)
class Notice:
    """One kind of notice: its subject and body templates in both languages."""

    subject_en: str
    subject_zh: str
    body_en: str
    body_zh: str


_SIGN_OFF = "\n\n-- \nreind programme office · 計劃辦公室\n"
NOTICES = {
    "received": Notice(
        "We have received your application {reference}",
        "我們已收到你的申請 {reference}",
        "Your application {reference} ({title}) was received on {day}. "
        "The programme office will now screen it against the scheme's rules.",
        "你的申請 {reference}（{title}）已於 {day} 收到。"
        "計劃辦公室會按資助計劃的規則進行初步審查。",
    ),
    "information_requested": Notice(
        "Information needed for application {reference}",
        "申請 {reference} 需要補充資料",
        "The programme office needs more information on {reference} ({title}):\n\n{note}\n\n"
        "Please answer on the application's page.",
        "計劃辦公室需要你就申請 {reference}（{title}）補充資料：\n\n{note}\n\n請在申請頁面回覆。",
    ),
    "report_due": Notice(
        "A report is due on {reference} by {day}",
        "項目 {reference} 的報告須於 {day} 或之前提交",
        "The {what_en} for {reference} ({title}) is due by {day}{late_en}. "
        "Please file it on the project's page.",
        "項目 {reference}（{title}）的{what_zh}須於 {day} 或之前提交{late_zh}。請在項目頁面提交。",
    ),
    "claim_due": Notice(
        "A milestone of {reference} is due on {day}",
        "項目 {reference} 的里程碑於 {day} 到期",
        'The milestone "{what_en}" of {reference} ({title}) is due on {day}{late_en}. '
        "Once the programme office confirms it achieved, the claim it allows can be made "
        "as the scheme's payment conditions say.",
        "項目 {reference}（{title}）的里程碑「{what_zh}」於 {day} 到期{late_zh}。"
        "計劃辦公室確認達成後，即可按資助計劃的付款條件提出相關申領。",
    ),
    "claim_approved": Notice(
        "Your claim of {amount} on {reference} is approved",
        "你就 {reference} 提出的 {amount} 申領已獲批核",
        "Your claim of {amount} on {reference} ({title}) was approved on {day}. "
        "It will now be paid; we will tell you when it is.",
        "你就 {reference}（{title}）提出的 {amount} 申領已於 {day} 獲批核，"
        "款項將會發放，屆時會再通知你。",
    ),
    "claim_paid": Notice(
        "Your claim of {amount} on {reference} is paid",
        "你就 {reference} 提出的 {amount} 申領已付款",
        "Your claim of {amount} on {reference} ({title}) was paid on {day}.",
        "你就 {reference}（{title}）提出的 {amount} 申領已於 {day} 付款。",
    ),
    "decision": Notice(
        "A decision on application {reference}",
        "申請 {reference} 的決定",
        "A decision has been made on {reference} ({title}): {state_en}. "
        "The reasons are on the application's page.",
        "申請 {reference}（{title}）已有決定：{state_zh}。理由載於申請頁面。",
    ),
    "case_assigned": Notice(
        "Case {reference} is assigned to you",
        "個案 {reference} 已分派給你",
        "{by_en} assigned case {reference} ({title}) to you as its {duty_en} on {day}.\n\n"
        "Reason: {reason}\n\nIt is under My cases on your workbench.",
        "{by_zh}已於 {day} 將個案 {reference}（{title}）分派給你擔任{duty_zh}。\n\n"
        "原因：{reason}\n\n個案列於工作台的「我的個案」。",
    ),
}
"""Every notice the programme sends, by kind."""

DECISION_ACTIONS = frozenset({"support", "not_support", "approve", "reject", "fail_screening"})
"""Transitions that tell the applicant a decision."""


def notice_for_action(action: str) -> str | None:
    """The kind of notice a workflow action sends the applicant, if any."""
    if action == "submit":
        return "received"
    if action == "return_for_information":
        return "information_requested"
    if action in DECISION_ACTIONS:
        return "decision"
    return None


def notify_applicants(
    session: Session,
    kind: str,
    enterprise_id: str,
    about: tuple[str, str],
    values: dict[str, str],
    clock: Clock | None = None,
) -> int:
    """Queue notice ``kind`` to each active applicant user of the enterprise; how many.

    A person who turned this kind of notice off (``preferences``) is not written to.
    """
    recipients = session.execute(
        select(UserRow.email)
        .where(UserRow.enterprise_id == enterprise_id)
        .where(UserRow.role == "applicant")
        .where(UserRow.active.is_(True))
        .where(wants_email(kind))
        .order_by(UserRow.email)
    ).scalars()
    return _queue(session, kind, list(recipients), about, values, clock)


def notify_person(
    session: Session,
    kind: str,
    actor_id: str,
    about: tuple[str, str],
    values: dict[str, str],
    clock: Clock | None = None,
) -> int:
    """Queue notice ``kind`` to the active person acting as ``actor_id`` (a member of staff).

    Nothing is written if they turned this kind off (``preferences``); how many (0 or 1).
    """
    recipients = session.execute(
        select(UserRow.email)
        .where(or_(UserRow.person_id == actor_id, UserRow.id == actor_id))
        .where(UserRow.active.is_(True))
        .where(wants_email(kind))
        .limit(1)
    ).scalars()
    return _queue(session, kind, list(recipients), about, values, clock)


def _queue(
    session: Session,
    kind: str,
    recipients: list[str],
    about: tuple[str, str],
    values: dict[str, str],
    clock: Clock | None,
) -> int:
    """Add one outbox row of notice ``kind`` per address, in the caller's transaction."""
    notice = NOTICES[kind]
    now = (clock or SystemClock()).now()
    count = 0
    for email in recipients:
        session.add(
            OutboxRow(
                id=new_id(),
                created_at=now,
                kind=kind,
                recipient=email,
                lang="en+zh-Hant",
                subject=f"{notice.subject_en} · {notice.subject_zh}".format(**values),
                body=(notice.body_en + "\n\n" + notice.body_zh).format(**values) + _SIGN_OFF,
                about_type=about[0],
                about_id=about[1],
                state="pending",
                attempts=0,
                next_attempt_at=now,
                last_error="",
            )
        )
        count += 1
    return count


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One e-mail in the outbox, as the administrator's page shows it."""

    id: str
    created_at: datetime
    kind: str
    recipient: str
    subject: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    sent_at: datetime | None


def outbox_page(session: Session, state: str | None = None, limit: int = 100) -> list[OutboxItem]:
    """The newest e-mails in the outbox (optionally only those in ``state``)."""
    query = select(
        OutboxRow.id,
        OutboxRow.created_at,
        OutboxRow.kind,
        OutboxRow.recipient,
        OutboxRow.subject,
        OutboxRow.state,
        OutboxRow.attempts,
        OutboxRow.next_attempt_at,
        OutboxRow.last_error,
        OutboxRow.sent_at,
    )
    if state:
        query = query.where(OutboxRow.state == state)
    rows = session.execute(query.order_by(OutboxRow.created_at.desc()).limit(limit)).all()
    return [OutboxItem(*cast(Any, row)) for row in rows]
