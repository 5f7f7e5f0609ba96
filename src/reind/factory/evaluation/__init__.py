"""Analytics tried on the simulators: twins' telemetry replayed as points, anomaly detection scored.

May import: ``reind.core`` and every ``reind.factory`` package; no factory package imports it.
"""
