"""Agreements, milestones, claims, disbursements and the project ledger (``ledgers.py`` owns its
rows).

May import ``programme.applications``, ``enterprises``, ``training.store``, ``audit``,
``schemes``, ``rules``, ``core``. No re-exports (import cycle with
``applications.transitions``).
"""
