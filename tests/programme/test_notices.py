"""Notices: written in the change's transaction, sent to a real SMTP server (aiosmtpd),
kept while the server is down and sent when it comes back."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SMTPSession
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.programme.accounts.users import add_user
from reind.programme.actors import Actor, Role
from reind.programme.applications.transitions import transition_application
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.notices import deliver_due, outbox_page, retry_delay
from reind.programme.notices.store import OutboxRow
from tests.fixtures.servers import free_port
from tests.programme.factories import RECEIVED, enterprise, rfs_application
from tests.web.world import FAST_HASHER

ADMIN = Actor("admin-1", Role.ADMINISTRATOR)


class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: SMTPSession, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


class MailServer:
    """A real SMTP server on a free port that can be stopped and started again."""

    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        """Where to send."""
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Listen (again) on the same port."""
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        """Stop listening: the mail server is down."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def mail() -> Iterator[MailServer]:
    """An SMTP server for one test."""
    server = MailServer()
    server.start()
    yield server
    server.stop()


def _applicant_enterprise(session: Session) -> EnterpriseRow:
    company = enterprise(session)
    add_user(
        session,
        ADMIN,
        email=f"owner-{company.br_number}@example.hk",
        display_name="Owner",
        role=Role.APPLICANT,
        password="correct horse battery staple",
        enterprise_id=company.id,
        hasher=FAST_HASHER,
    )
    return company


def test_a_submitted_application_is_told_by_email_in_both_languages(
    db: Database, mail: MailServer
) -> None:
    with db.unit_of_work() as session:
        company = _applicant_enterprise(session)
        app = rfs_application(session, company, state="submitted")
        reference = app.reference
    assert deliver_due(db, mail.url) == (1, 0)
    [message] = mail.inbox.messages
    assert message["To"] == f"owner-{company.br_number}@example.hk"
    assert reference in message["Subject"] and "我們已收到你的申請" in message["Subject"]
    body = message.get_content()
    assert "was received on" in body and "已於" in body
    assert deliver_due(db, mail.url) == (0, 0)  # sent once
    with db.unit_of_work() as session:
        [item] = outbox_page(session)
        assert item.state == "sent" and item.sent_at is not None


def test_nothing_is_sent_for_a_change_that_rolled_back(db: Database, mail: MailServer) -> None:
    with db.unit_of_work() as session:
        company = _applicant_enterprise(session)
        app = rfs_application(session, company)
        app_id = app.id
    with pytest.raises(RuntimeError), db.unit_of_work() as session:
        transition_application(session, app_id, "submit", Actor("o", Role.OFFICER))
        raise RuntimeError("the request failed after the change")
    with db.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(OutboxRow)).scalar_one() == 0
    assert deliver_due(db, mail.url) == (0, 0) and mail.inbox.messages == []


def test_a_notice_waits_while_the_mail_server_is_down_and_goes_when_it_is_back(
    db: Database, mail: MailServer
) -> None:
    with db.unit_of_work() as session:
        company = _applicant_enterprise(session)
        rfs_application(session, company, state="submitted")
    mail.stop()
    clock = FixedClock.on(RECEIVED + timedelta(days=400))
    assert deliver_due(db, mail.url, clock) == (0, 1)
    with db.unit_of_work() as session:
        [item] = outbox_page(session)
        assert item.state == "pending" and item.attempts == 1 and item.last_error
    assert deliver_due(db, mail.url, clock) == (0, 0)  # not due again before the backoff
    mail.start()
    later = FixedClock(clock.now() + retry_delay(1))
    assert deliver_due(db, mail.url, later) == (1, 0)
    assert len(mail.inbox.messages) == 1
    with db.unit_of_work() as session:
        [item] = outbox_page(session)
        assert item.state == "sent" and item.attempts == 2


def test_the_backoff_doubles_up_to_an_hour() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]
