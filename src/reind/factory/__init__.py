"""Smart production lines: Sparkplug B, ingest, monitoring, control, twins.

May import: ``reind.core`` only. Never the programme half.
"""
