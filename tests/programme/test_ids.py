"""Ids stay UUID text while they become time-ordered (ADR 0193)."""

from __future__ import annotations

import time
import uuid

from reind.programme.ids import new_id


def test_an_id_is_uuid_text_of_version_7_and_later_ids_sort_later() -> None:
    first = new_id()
    time.sleep(0.002)  # a later millisecond
    ids = [new_id() for _ in range(1000)]
    for text in (first, *ids):
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # the canonical 36-character lowercase form
        assert parsed.version == 7
        assert parsed.variant == uuid.RFC_4122
        # the first 48 bits are the time in milliseconds
        assert abs((parsed.int >> 80) - time.time_ns() // 1_000_000) < 60_000
    assert all(first < later for later in ids)
    assert len(set(ids)) == len(ids)
