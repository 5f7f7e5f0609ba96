"""Alembic revisions, numbered by issue (0001-0007, 0010, then 00NN for issue NN).

Each may import ``alembic`` and ``sqlalchemy`` only: a revision never changes with the code.
"""
