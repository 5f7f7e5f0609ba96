"""Settings for a reind process, from ``REIND_*`` environment variables.

Read once by an entry point (cli, web, demo) and passed down; no other
module reads the environment. Every setting has an embedded default so
``reind demo`` needs no configuration.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where reind keeps its data and which servers it talks to."""

    model_config = SettingsConfigDict(env_prefix="REIND_", extra="forbid")

    data_dir: Path = Field(default=Path("var"), description="Embedded databases live here.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir."
    )
    database_replica_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of a streaming replica: the report and analyst pages read it.",
    )
    telemetry_url: str | None = Field(
        default=None, description="DuckDB file path or postgresql:// URL for telemetry."
    )
    mqtt_url: str | None = Field(default=None, description="mqtt://host:port of the broker.")
    language: str = Field(default="en", pattern=r"^(en|zh-Hant)$")
    session_secret: str | None = Field(
        default=None, description="Signs session cookies; give every server the same one."
    )
    api_hot_path: bool = Field(
        default=True,
        description="On PostgreSQL, serve the busiest API requests in one statement each.",
    )

    audit_key: Path | None = Field(
        default=None,
        description="Ed25519 key signing audit checkpoints (PEM); default data_dir/audit-key.pem. "
        "Keep it off the database's machine.",
    )
    audit_checkpoints: Path | None = Field(
        default=None,
        description="Append-only file of signed audit checkpoints; "
        "default data_dir/audit-checkpoints.jsonl.",
    )
    smtp_url: str | None = Field(
        default=None,
        description="Mail server for notices (smtp://user:pass@host:port or smtps://...); "
        "unset: notices stay in the outbox, shown on the administrator's page.",
    )
    audit_checkpoint_minutes: float = Field(
        default=15.0, ge=0, description="Minutes between audit checkpoints in serve; 0: never."
    )
    report_warm_seconds: float = Field(
        default=30.0,
        ge=0,
        description="Seconds between renderings of today's progress report ahead of the "
        "analysts (at start, then after writes); 0: rendered only when asked for.",
    )

    @property
    def effective_audit_key(self) -> Path:
        """The audit checkpoint signing key, defaulting to ``data_dir/audit-key.pem``."""
        return self.audit_key or self.data_dir / "audit-key.pem"

    @property
    def effective_audit_checkpoints(self) -> Path:
        """The checkpoint file, defaulting to ``data_dir/audit-checkpoints.jsonl``."""
        return self.audit_checkpoints or self.data_dir / "audit-checkpoints.jsonl"

    @property
    def effective_plant_checkpoints(self) -> Path:
        """The plant's command log checkpoints: beside the audit's, signed with the same key."""
        return self.effective_audit_checkpoints.with_name("plant-command-checkpoints.jsonl")

    @property
    def effective_database_url(self) -> str:
        """The database URL, defaulting to ``data_dir/reind.db`` (SQLite)."""
        return self.database_url or f"sqlite:///{self.data_dir / 'reind.db'}"

    @property
    def effective_telemetry_url(self) -> str:
        """The telemetry store, defaulting to ``data_dir/telemetry.duckdb``."""
        return self.telemetry_url or f"duckdb:{self.data_dir / 'telemetry.duckdb'}"
