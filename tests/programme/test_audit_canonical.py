"""The audit chain's canonical form stays what it was while new events skip a JSON round trip.

``event_hash`` takes a payload as canonical JSON text and puts it into the
hashed document as it is (issue 19); before, it parsed the payload and wrote
the whole document again. Both must hash the same bytes, or every stored
chain would stop verifying.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, cast

from hypothesis import given
from hypothesis import strategies as st

from reind.core.chain import canonical_json, canonical_object
from reind.programme.audit.chain import event_hash

_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def test_an_events_hash_is_pinned() -> None:
    payload = canonical_json(
        {"reference": "BUD-1905-00028", "名": '測試\x00"q"\\', "n": [1, 2.5, None, True]}
        | {"z": {"b": 1, "a": "\t"}}
    )
    assert (
        event_hash(  # the value the chain gave before the change (main at c5f8cdc)
            seq=42,
            prev_hash="ab" * 32,
            recorded_at="2021-09-16T04:05:06.789000Z",
            actor="officer-1",
            role="officer",
            kind="application.imported",
            subject_type="application",
            subject_id="01a24e7e-3715-7708-ac41-77dc1c177708",
            payload=payload,
        )
        == "6edb0dc69b607ca20f3000b83cff4814829977d273a9a1123d665bdd89a13f3b"
    )


@given(
    payload=st.dictionaries(st.text(), _VALUES, max_size=4),
    words=st.lists(st.text(), min_size=6, max_size=6),
    seq=st.integers(min_value=1, max_value=10**12),
)
def test_the_hash_is_that_of_the_whole_event_written_canonically(
    payload: dict[str, object], words: list[str], seq: int
) -> None:
    document = {
        "seq": seq,
        "prev_hash": "cd" * 32,
        "recorded_at": words[0],
        "actor": words[1],
        "role": words[2],
        "kind": words[3],
        "subject_type": words[4],
        "subject_id": words[5],
        "payload": payload,
    }
    text = canonical_json(payload)
    whole = canonical_json(document)
    assert canonical_object({k: canonical_json(v) for k, v in document.items()}) == whole
    assert json.loads(whole)["payload"] == json.loads(text)
    assert (
        event_hash(**cast("dict[str, Any]", {**document, "payload": text}))
        == hashlib.sha256(whole.encode("utf-8")).hexdigest()
    )
