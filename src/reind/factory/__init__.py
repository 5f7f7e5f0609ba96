"""Smart production lines: sparkplug, ingest, monitoring, control, kpi, twins, opcua,
evaluation, lake.

May import: ``reind.core`` only. Never the programme half. Line definitions: ``factory.lines``.
"""
