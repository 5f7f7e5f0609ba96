"""The columns each kind of import knows, and the allowed values of its closed lists.

A file's header must use these names (any order); ``reading.read_table``
refuses any other, so a typo is never dropped silently (ADR 0034).
"""

from __future__ import annotations

from dataclasses import dataclass

from reind.programme.imports.reading import Columns

COLUMNS = {
    "applications": Columns(
        (
            "reference",
            "scheme",
            "br_number",
            "enterprise_name",
            "incorporation",
            "employees",
            "manufacturing",
            "industry",
            "title",
            "received",
            "amount_requested",
            "state",
        ),
        ("approved_grant", "committed", "approved_on"),
    ),
    "claims": Columns(
        ("application_reference", "amount", "submitted_on", "state"),
        ("claim_reference", "paid_on"),
    ),
    "enquiries": Columns(("received_on", "centre", "channel", "question"), ("br_number",)),
}
CLAIM_STATES = frozenset({"submitted", "approved", "paid", "rejected"})
CHANNELS = frozenset({"phone", "email", "walk_in", "web", "online"})
"""How an enquiry reached an SME centre: the desk form's channels and the seed data's ``online``."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote: rows new, updated, unchanged; enterprises registered, updated."""

    kind: str
    rows: int
    unchanged: int = 0
    updated: int = 0
    enterprises_new: int = 0
    enterprises_updated: int = 0
