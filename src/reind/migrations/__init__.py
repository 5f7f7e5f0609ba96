"""The database's schema history (alembic): ``env.py`` and one module a revision.

May import ``core`` and the aggregates' ``store`` modules (the metadata); nothing imports it.
"""
