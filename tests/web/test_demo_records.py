"""``reind demo``'s records, made as its first start makes them and again as its next does.

The seed's staff once took the id of one of the demo's sign-ins (member-lam), and
``make demo`` stopped at its first start: no test made the demo's records the way
the demo does, on the seed portfolio.
"""

from __future__ import annotations

from pathlib import Path

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.demo.run import ensure_demo_records
from reind.demo.users import DEMO_USERS
from reind.programme.accounts.staff import actor_ids_named, names_of
from reind.programme.demo_data.staff import STAFF
from reind.programme.funded_lines.services import linked_projects
from reind.schemes.catalogue import default_engine


def test_the_demo_makes_its_records_on_the_seed_once_and_finds_them_again(
    tmp_path: Path,
) -> None:
    database = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        database.migrate()
        platform = Platform(database, default_engine())
        first = ensure_demo_records(platform, 2021)
        assert first is not None and first.applications > 100_000
        assert ensure_demo_records(platform, 2021) is None  # the next start: nothing loaded
        with database.unit_of_work() as session:
            for user in DEMO_USERS:
                assert actor_ids_named(session, user.email), user.email
            staff = {actor.id for actor, _ in STAFF}
            assert set(names_of(session, staff)) == staff
            assert len(linked_projects(session)) == 2  # both twins' projects
    finally:
        database.dispose()
