"""The telemetry lake: closed days of the store exported to Parquet, read by DuckDB or Spark.

Lives here: the lake's layout (``layout``), the idempotent export (``export``) and the
partition checksums it records and ``verify`` checks (``checksums``), the one
definition of the fleet KPIs (``kpi_sql``) and the engines that run it (``engines``, ``fleet``).
May import ``reind.core`` and sibling ``reind.factory`` packages (``ingest``, ``kpi``); Spark
is imported only when the Spark engine is used.
"""

from reind.factory.lake.checksums import Mismatch
from reind.factory.lake.checksums import verify as verify_lake
from reind.factory.lake.export import ExportedDay, closed_days, export_closed, export_day
from reind.factory.lake.fleet import FleetRow, fleet_kpis
from reind.factory.lake.layout import TABLES, Lake

__all__ = [
    "TABLES",
    "ExportedDay",
    "FleetRow",
    "Lake",
    "Mismatch",
    "closed_days",
    "export_closed",
    "export_day",
    "fleet_kpis",
    "verify_lake",
]
