"""ITVF co-investments and TSSSU start-ups: tables and services.

May import ``programme.audit``, ``programme.actors``, ``schemes``, ``rules``, ``core``.
"""

from reind.programme.ventures.services import (
    UNIVERSITIES,
    add_partner,
    private_capital_attracted,
    record_deal,
    record_startup,
    startups_per_university,
)

__all__ = [
    "UNIVERSITIES",
    "add_partner",
    "private_capital_attracted",
    "record_deal",
    "record_startup",
    "startups_per_university",
]
