"""Table of bulk imports: one row per batch written by an import or the demo data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class BulkImportRow(Base):
    """A batch of historic records written at once, covered by one audit event."""

    __tablename__ = "bulk_imports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    tables: Mapped[str] = mapped_column(Text)
    rows: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    audit_seq: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BulkImportRecordRow(Base):
    """One record a bulk import wrote, by table and id: what lets ``verify`` name an intruder.

    The import's ``import.bulk_historic`` event carries a digest of its register
    (``audit.completeness.register_digest``), so a row added here behind the
    import's back breaks that import's register instead of vouching for anything.
    """

    __tablename__ = "bulk_import_records"

    table_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    import_id: Mapped[str] = mapped_column(String(36), ForeignKey("bulk_imports.id"), index=True)
