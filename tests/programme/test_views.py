"""The read side: each view is its table's columns, so it cannot drift from the table.

``programme.views.view_of`` copies a row into a view by field name, and the
hot path selects a view's fields as columns; a view field that is not a
column of its table (or has another type) would fail only at run time, so it
fails here first.
"""

from __future__ import annotations

import dataclasses
import typing
from datetime import date, datetime
from types import UnionType
from typing import Any

import pytest
from sqlalchemy import inspect

from reind.programme.accounts.store import ApiTokenRow, UserRow
from reind.programme.accounts.views import TokenView, UserView
from reind.programme.applications.store import ApplicationRow, CostLineRow, DocumentRow
from reind.programme.applications.views import ApplicationView, CostLineView, DocumentView
from reind.programme.audit.store import AuditEventRow
from reind.programme.audit.views import EventView
from reind.programme.committee.store import (
    CommitteeDecisionRow,
    CommitteeRow,
    MeetingRow,
    ScoreRow,
)
from reind.programme.committee.views import CommitteeView, DecisionView, MeetingView, ScoreView
from reind.programme.desk.store import EnquiryRow
from reind.programme.desk.views import EnquiryView
from reind.programme.enterprises.store import ContactRow, EnterpriseRow
from reind.programme.enterprises.views import ContactView, EnterpriseView
from reind.programme.money.store import (
    AgreementRow,
    ClaimRow,
    DisbursementRow,
    LedgerEntryRow,
    LedgerRow,
    MilestoneRow,
    ProgressReportRow,
)
from reind.programme.money.views import (
    AgreementView,
    ClaimView,
    DisbursementView,
    LedgerEntryView,
    LedgerView,
    MilestoneView,
    ReportView,
)
from reind.programme.views import view_of

PAIRS: list[tuple[type[Any], type[Any]]] = [
    (ApplicationView, ApplicationRow),
    (CostLineView, CostLineRow),
    (DocumentView, DocumentRow),
    (EnterpriseView, EnterpriseRow),
    (ContactView, ContactRow),
    (AgreementView, AgreementRow),
    (MilestoneView, MilestoneRow),
    (ReportView, ProgressReportRow),
    (ClaimView, ClaimRow),
    (DisbursementView, DisbursementRow),
    (LedgerView, LedgerRow),
    (LedgerEntryView, LedgerEntryRow),
    (CommitteeView, CommitteeRow),
    (MeetingView, MeetingRow),
    (ScoreView, ScoreRow),
    (DecisionView, CommitteeDecisionRow),
    (EnquiryView, EnquiryRow),
    (EventView, AuditEventRow),
    (UserView, UserRow),
    (TokenView, ApiTokenRow),
]

SECRET_COLUMNS = {"password_hash", "secret_sha256", "content", "idempotency_key", "request_hash"}
"""Columns no view may carry: secrets, file contents and retry bookkeeping."""


def _python_type(annotation: Any) -> set[type]:
    if isinstance(annotation, UnionType) or typing.get_origin(annotation) is typing.Union:
        return {a for a in typing.get_args(annotation) if a is not type(None)}
    return {annotation}


@pytest.mark.parametrize(("view", "table"), PAIRS, ids=[v.__name__ for v, _ in PAIRS])
def test_every_view_field_is_a_column_of_its_table_with_its_type(
    view: type[Any], table: type[Any]
) -> None:
    assert dataclasses.is_dataclass(view)
    assert vars(view)["__dataclass_params__"].frozen, f"{view.__name__} must be frozen"
    columns = {c.key: c for c in inspect(table).columns}
    hints = typing.get_type_hints(view)
    for field in dataclasses.fields(view):
        assert field.name in columns, f"{view.__name__}.{field.name} is not a column"
        assert field.name not in SECRET_COLUMNS, f"{view.__name__} shows {field.name}"
        column_type = columns[field.name].type.python_type
        shown = _python_type(hints[field.name])
        if column_type is datetime:
            assert shown == {datetime}
        elif column_type is date:
            assert shown == {date}
        else:
            assert shown == {column_type}, f"{view.__name__}.{field.name}: {shown} vs {column_type}"
        nullable = type(None) in typing.get_args(hints[field.name])
        assert nullable == bool(columns[field.name].nullable) or not columns[field.name].nullable


def test_view_of_copies_the_fields_and_a_view_cannot_be_changed() -> None:
    class Row:
        id = 7
        category = "testing"
        description = "lab fees"
        amount_cents = 12_345
        application_id = "not shown"

    line = view_of(CostLineView, Row())
    assert line == CostLineView(7, "testing", "lab fees", 12_345)
    with pytest.raises(dataclasses.FrozenInstanceError):
        line.amount_cents = 1  # type: ignore[misc]
