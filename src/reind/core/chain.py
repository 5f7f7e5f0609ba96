"""Hash chains: each record's hash covers its content and the hash before it.

One mechanism for both halves: the programme's audit chain and the plant's
command log hash the same canonical JSON, so an edit, a deletion or a
reordering anywhere changes every later hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

GENESIS = "0" * 64
"""The hash before the first record of a chain."""

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
"""The one encoder of the canonical form, made once: ``json.dumps`` with these options makes
a new encoder at every call, a third of the time of encoding an audit event (issue 19)."""


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no insignificant spaces, non-ASCII kept as is."""
    return _CANONICAL.encode(value)


def canonical_object(members: Mapping[str, str]) -> str:
    """The canonical JSON of an object whose members' values are given as canonical JSON text.

    ``canonical_object({k: canonical_json(v) for k, v in o.items()})`` is
    ``canonical_json(o)``: a value already held as canonical text (an audit
    event's payload) goes in as it is, not parsed and written again.
    """
    return "{" + ",".join([f"{_CANONICAL.encode(k)}:{members[k]}" for k in sorted(members)]) + "}"


def link_hash(prev_hash: str, document: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``document`` with ``prev_hash`` folded in, as canonical JSON."""
    return hashlib.sha256(
        canonical_json({**document, "prev_hash": prev_hash}).encode("utf-8")
    ).hexdigest()
