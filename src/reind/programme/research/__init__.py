"""Research records the programme office keeps but does not decide: R&D tax claims, ITF projects.

May import ``core`` only (tables; written by the demo data).
"""
