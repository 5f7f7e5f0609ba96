"""Sending the outbox over SMTP, retrying with backoff while the mail server is down.

Each due row is sent in its own short transaction and marked sent only after
the server accepted it, so a crash between the two sends it again (at least
once) rather than never. A failure leaves the row pending with its attempt
count and the error; the next try waits ``retry_delay(attempts)``, doubling
from 30 seconds up to an hour; after ``MAX_ATTEMPTS`` the row is "failed"
and shown to the administrator.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from sqlalchemy import select

from reind.core.clock import Clock, SystemClock
from reind.core.db import Database
from reind.core.errors import InvalidInputError
from reind.programme.notices.store import OutboxRow

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
"""Tries before a notice is given up on (about eight hours of backoff)."""
SENDER = "reind programme office <noreply@reind.hk>"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed tries: 30 s doubling, at most one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def _server(url: str) -> tuple[str, int, bool, str | None, str | None]:
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
        raise InvalidInputError(
            "REIND_SMTP_URL must look like smtp://host:port, not “{url}”", url=url
        )
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 25)
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return parts.hostname, port, secure, user, password


def _send(url: str, row: OutboxRow) -> None:
    host, port, secure, user, password = _server(url)
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, row.recipient, row.subject
    message["Message-ID"] = f"<{row.id}@reind.hk>"
    message.set_content(row.body)
    client = smtplib.SMTP_SSL if secure else smtplib.SMTP
    with client(host, port, timeout=10) as smtp:
        if user and password:
            smtp.login(user, password)
        smtp.send_message(message)


def deliver_due(
    database: Database, smtp_url: str, clock: Clock | None = None, batch: int = 50
) -> tuple[int, int]:
    """Send the notices that are due; (sent, failed this round)."""
    now = (clock or SystemClock()).now()
    with database.unit_of_work() as session:
        due = list(
            session.execute(
                select(OutboxRow.id)
                .where(OutboxRow.state == "pending")
                .where(OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.next_attempt_at)
                .limit(batch)
            ).scalars()
        )
    sent = failed = 0
    for row_id in due:
        with database.unit_of_work() as session:
            row = session.get(OutboxRow, row_id)
            if row is None or row.state != "pending":
                continue
            try:
                _send(smtp_url, row)
            except (OSError, smtplib.SMTPException) as exc:
                failed += 1
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.state = "failed"
                else:
                    row.next_attempt_at = now + retry_delay(row.attempts)
                logger.warning("notice %s to %s not sent: %s", row.id, row.recipient, exc)
                continue
            row.state, row.sent_at, row.attempts = "sent", now, row.attempts + 1
            sent += 1
    return sent, failed
