"""Bulk import of historical applications, claims and enquiries (CSV or XLSX).

Two passes: every row is validated first, collecting a problem (row and
column) for each fault; only if there is none is anything written, all in
the caller's transaction, each record with its audit event. A failed import
raises ``ImportRejectedError`` carrying the full report and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError
from reind.programme.actors import Actor
from reind.programme.imports.applications import import_applications
from reind.programme.imports.claims import import_claims
from reind.programme.imports.enquiries import import_enquiries
from reind.programme.imports.rows import (
    COLUMNS,
    ImportProblem,
    ImportRejectedError,
    ImportReport,
    read_rows,
)
from reind.rules.engine import Engine

__all__ = [
    "COLUMNS",
    "ImportProblem",
    "ImportRejectedError",
    "ImportReport",
    "import_applications",
    "import_claims",
    "import_enquiries",
    "import_file",
    "read_rows",
]


Importer = Callable[[Session, list[dict[str, str]], Actor, str], ImportReport]


def import_file(
    session: Session, kind: str, path: Path, actor: Actor, *, engine: Engine
) -> ImportReport:
    """Import ``kind`` (applications, claims or enquiries) from ``path``."""
    importers: dict[str, Importer] = {
        "applications": partial(import_applications, engine=engine),
        "claims": import_claims,
        "enquiries": import_enquiries,
    }
    if kind not in importers:
        raise InvalidInputError(f"can import {', '.join(importers)}, not {kind!r}")
    return importers[kind](session, read_rows(path), actor, path.name)
