"""Rows of historic applications decided by the rules: application, ledger, entries.

A bulk-imported application carries the inputs the rules decided it on
(``facts``), and its project ledger the decided grant. Its money movements
are ledger entries dated when they happened: ``approved`` (the approval
date, which the progress report counts "as at"; commitment followed at
once) and ``disbursed`` when the completed project was paid in one claim
(the ledger row's claimed, approved-claim and disbursed columns agree).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reind.core.money import Money
from reind.programme.demo_data.bulk import hk_moment, seeded_id


@dataclass
class HistoricRows:
    """Rows for the applications, project_ledgers and ledger_entries tables."""

    applications: list[dict[str, Any]] = field(default_factory=list)
    ledgers: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        rng: random.Random,
        *,
        reference: str,
        scheme: str,
        enterprise_id: str,
        title: str,
        received: date,
        requested: Money,
        facts: dict[str, Any],
        grant: Money,
        approved_on: date | None,
        paid_on: date | None,
        state: str,
    ) -> str:
        """Queue one application decided by the rules; returns its id."""
        app_id = seeded_id(rng)
        self.applications.append(
            {
                "id": app_id,
                "reference": reference,
                "scheme": scheme,
                "enterprise_id": enterprise_id,
                "title": title,
                "state": state,
                "received": received,
                "amount_requested_cents": requested.cents,
                "facts": json.dumps(
                    facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                ),
                "screening_decision_id": None,
                "idempotency_key": None,
                "request_hash": None,
                "created_at": hk_moment(received, 9),
                "version": 1,
            }
        )
        approved = grant.cents if approved_on is not None else 0
        paid = approved if paid_on is not None else 0
        self.ledgers.append(
            {
                "application_id": app_id,
                "enterprise_id": enterprise_id,
                "scheme": scheme,
                "applied_cents": requested.cents,
                "approved_cents": approved,
                "committed_cents": approved,
                "claimed_cents": paid,
                "claims_approved_cents": paid,
                "disbursed_cents": paid,
                "version": 1,
            }
        )
        if approved_on is not None:
            self._entry(app_id, "approved", approved, approved_on)
        if paid_on is not None and paid:
            self._entry(app_id, "disbursed", paid, paid_on)
        return app_id

    def _entry(self, app_id: str, movement: str, cents: int, day: date) -> None:
        self.entries.append(
            {
                "application_id": app_id,
                "movement": movement,
                "amount_cents": cents,
                "claim_id": None,
                "recorded_at": hk_moment(day, 11),
            }
        )
