"""Identifiers shared by every aggregate's tables: a fresh UUID4 text id."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A fresh random identifier (UUID4 text)."""
    return str(uuid.uuid4())
