"""The desk's read side: enquiries as frozen views.

Pages and the API read enquiries only through these functions (``reind.web``
never imports ``store``); the counts per centre stay in ``services``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.desk.store import EnquiryRow
from reind.programme.views import view_of

ENQUIRY_COLUMNS = tuple(column.name for column in EnquiryRow.__table__.columns)
"""The enquiries table's columns, for writers that bypass the ORM (``web.hot_path``)."""


@dataclass(frozen=True, slots=True)
class EnquiryView:
    """An enquiry and where it stands (``profile`` and ``suggested_schemes`` as stored JSON)."""

    id: str
    received_at: datetime
    channel: str
    centre: str | None
    state: str
    enterprise_id: str | None
    question: str
    enquirer_name: str
    enquirer_contact: str
    profile: str
    suggested_schemes: str
    answer_en: str
    answer_zh: str
    version: int

    def profile_facts(self) -> dict[str, Any]:
        """What the enquirer said about the enterprise."""
        value = json.loads(self.profile)
        assert isinstance(value, dict)
        return value

    def suggested(self) -> list[Any]:
        """The schemes suggested in the answer."""
        value = json.loads(self.suggested_schemes)
        assert isinstance(value, list)
        return value


def enquiry_view(row: object) -> EnquiryView:
    """The view of an enquiry just written."""
    return view_of(EnquiryView, row)


def enquiry(session: Session, enquiry_id: str) -> EnquiryView:
    """One enquiry, or NotFoundError."""
    found = find(session, enquiry_id)
    if found is None:
        raise NotFoundError("no enquiry {enquiry_id}", enquiry_id=enquiry_id)
    return found


def find(session: Session, enquiry_id: str) -> EnquiryView | None:
    """One enquiry, or None."""
    row = session.get(EnquiryRow, enquiry_id)
    return None if row is None else enquiry_view(row)
