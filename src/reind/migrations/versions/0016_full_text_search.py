"""Full-text search for the office's lists (issue 16): trigram indexes on both databases.

Revision ID: 0016_full_text_search
Revises: 0013_plant_command_log
Create Date: 2026-12-06

Kept by hand, like 0002: a migration is history and never imports the models.
SQLite gets FTS5 tables with the trigram tokenizer, filled here and kept in
step by triggers (so every writer, bulk imports and the seed included, keeps
them true); PostgreSQL gets pg_trgm GIN indexes, which the database keeps
itself. Why trigrams and not words: ADR 0165 (Chinese has no spaces).
"""

# ruff: noqa: S608  (the SQL is built from the constant names in WORDS; no input reaches it)

from __future__ import annotations

from alembic import op

revision: str = "0016_full_text_search"
down_revision: str | None = "0013_plant_command_log"
branch_labels = None
depends_on = None

WORDS = (
    ("application_words", "applications", "application_id", ("title",)),
    ("enterprise_words", "enterprises", "enterprise_id", ("name_en", "name_zh")),
    ("enquiry_words", "enquiries", "enquiry_id", ("question", "enquirer_name")),
)
"""(FTS5 table, its table, the key column's name there, the columns searched)."""


def _sqlite_words(words: str, table: str, key: str, columns: tuple[str, ...]) -> None:
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    op.execute(
        f"CREATE VIRTUAL TABLE {words} USING fts5({key} UNINDEXED, {listed}, tokenize='trigram')"
    )
    op.execute(f"INSERT INTO {words} ({key}, {listed}) SELECT id, {listed} FROM {table}")
    # A delete looks the key up in the FTS table's own rows (a scan): titles and
    # names change rarely, and a rowid link would not survive VACUUM.
    op.execute(
        f"CREATE TRIGGER {words}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {words} ({key}, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {words}_update AFTER UPDATE OF {listed} ON {table} BEGIN "
        f"DELETE FROM {words} WHERE {key} = old.id; "
        f"INSERT INTO {words} ({key}, {listed}) VALUES (new.id, {new}); END"
    )
    op.execute(
        f"CREATE TRIGGER {words}_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {words} WHERE {key} = old.id; END"
    )


def upgrade() -> None:
    """Index the searched text, and the industry the lists filter on."""
    op.create_index("ix_enterprises_industry", "enterprises", ["industry"])
    # A list narrowed to some enterprises (an industry, a search's names) reads
    # each one's applications in a state; without this SQLite, which keeps no
    # statistics, walked every application in the state once per enterprise.
    op.create_index("ix_applications_enterprise_state", "applications", ["enterprise_id", "state"])
    if op.get_bind().dialect.name == "postgresql":
        # Trusted since PostgreSQL 13: the database's owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for _, table, _, columns in WORDS:
            for column in columns:
                op.execute(
                    f"CREATE INDEX ix_{table}_{column}_trgm ON {table} "
                    f"USING gin ({column} gin_trgm_ops)"
                )
        return
    for words, table, key, columns in WORDS:
        _sqlite_words(words, table, key, columns)


def downgrade() -> None:
    """Drop the search indexes (the pg_trgm extension stays: others may use it)."""
    if op.get_bind().dialect.name == "postgresql":
        for _, table, _, columns in WORDS:
            for column in columns:
                op.execute(f"DROP INDEX ix_{table}_{column}_trgm")
    else:
        for words, _, _, _ in WORDS:
            for suffix in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {words}_{suffix}")
            op.execute(f"DROP TABLE {words}")
    op.drop_index("ix_applications_enterprise_state", table_name="applications")
    op.drop_index("ix_enterprises_industry", table_name="enterprises")
