"""Funded production lines and the baselines declared for them: tables and services.

May import ``programme.applications``, ``money``, ``audit``, ``enterprises``, ``core``.
"""

from reind.programme.funded_lines.services import (
    DeclaredBaseline,
    FundedLine,
    LinkedProject,
    declare_baseline,
    declared_baseline_of,
    funded_line_of,
    link_line,
    linked_project,
    linked_projects,
    normalise_prefix,
)

__all__ = [
    "DeclaredBaseline",
    "FundedLine",
    "LinkedProject",
    "declare_baseline",
    "declared_baseline_of",
    "funded_line_of",
    "link_line",
    "linked_project",
    "linked_projects",
    "normalise_prefix",
]
