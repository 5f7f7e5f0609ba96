"""Hash chains: each record's hash covers its content and the hash before it.

One mechanism for both halves: the programme's audit chain and the plant's
command log hash the same canonical JSON, so an edit, a deletion or a
reordering anywhere changes every later hash.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

GENESIS = "0" * 64
"""The hash before the first record of a chain."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no insignificant spaces, non-ASCII kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, document: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``document`` with ``prev_hash`` folded in, as canonical JSON."""
    return hashlib.sha256(
        canonical_json({**document, "prev_hash": prev_hash}).encode("utf-8")
    ).hexdigest()
