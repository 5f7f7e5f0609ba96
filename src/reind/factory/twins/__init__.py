"""Digital twins: ``waffle/`` and ``brewery/``, on shared clock, tags, thermal, base and links.

May import: ``reind.core`` and ``reind.factory`` (control, sparkplug); never kpi or evaluation.
"""
