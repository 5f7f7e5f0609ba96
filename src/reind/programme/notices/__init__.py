"""Notices: e-mails to the people a change concerns, kept in a transactional outbox.

May import ``programme.accounts.store`` (who to tell), ``core``; ``due`` also reads
``programme.applications.store`` and ``programme.money.store`` (what falls due) and is
imported only by the entry points (``reind notices due``, ``reind serve``).
"""

from reind.programme.notices.delivery import deliver_due, retry_delay
from reind.programme.notices.outbox import (
    NOTICES,
    OutboxItem,
    notice_for_action,
    notify_applicants,
    outbox_page,
)

__all__ = [
    "NOTICES",
    "OutboxItem",
    "deliver_due",
    "notice_for_action",
    "notify_applicants",
    "outbox_page",
    "retry_delay",
]
