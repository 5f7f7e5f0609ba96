"""Applications: drafts, cost lines, documents, access, workflows (YAML) and transitions.

May import ``programme.audit``, ``enterprises``, ``committee.store``, ``money.ledgers``,
``notices`` (what a step tells the applicant),
``schemes``, ``rules``, ``core``.
"""

from reind.programme.applications.access import ensure_may_see, get_application, is_conflicted
from reind.programme.applications.contents import (
    DOCUMENT_TYPES,
    MAX_DOCUMENT_BYTES,
    add_cost_line,
    attach_document,
    cost_lines,
    total_cost,
)
from reind.programme.applications.services import (
    ApplicationDraft,
    CostLine,
    NewApplication,
    check_cost_category,
    check_line,
    create_application,
    facts_of,
    line_row,
    optional_parameter,
    prepare_application,
)

__all__ = [
    "ApplicationDraft",
    "CostLine",
    "DOCUMENT_TYPES",
    "MAX_DOCUMENT_BYTES",
    "NewApplication",
    "add_cost_line",
    "attach_document",
    "check_cost_category",
    "check_line",
    "cost_lines",
    "create_application",
    "ensure_may_see",
    "facts_of",
    "get_application",
    "is_conflicted",
    "line_row",
    "optional_parameter",
    "prepare_application",
    "total_cost",
]
