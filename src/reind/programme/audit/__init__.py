"""The audit log: an append-only hash chain written with every change, its tables and SQL.

May import ``programme.actors`` and ``core`` only.
"""

from reind.programme.audit.chain import (
    ChainReport,
    canonical_json,
    chain_pending,
    event_fields,
    event_hash,
    events_for,
    record,
    record_at_commit,
    verify_chain,
)

__all__ = [
    "ChainReport",
    "canonical_json",
    "chain_pending",
    "event_fields",
    "event_hash",
    "events_for",
    "record",
    "record_at_commit",
    "verify_chain",
]
