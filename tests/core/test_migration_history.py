"""The migrations form one line of history: one head, so ``upgrade head`` is never ambiguous.

Two helpers once landed migrations on the same parent (0012 and 0013 both
after 0010); every database start then failed with ``MultipleHeads``.
"""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from reind.core.db import MIGRATIONS


def test_the_migrations_have_exactly_one_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several heads {heads}: set one's down_revision to the other"
