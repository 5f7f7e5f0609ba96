"""The demo names the seed's office actors beside its own sign-ins, one of whom is a seed member."""

from __future__ import annotations

from reind.programme.accounts.staff import names_of
from reind.programme.demo_data.staff import STAFF, record_staff
from tests.web.test_pages_world import Demo, demo, demo_template

__all__ = ["demo", "demo_template"]  # fixtures


def test_the_seed_staff_join_the_demos_sign_ins_without_taking_a_members_id(demo: Demo) -> None:
    """``make demo`` stopped: the seed's member-lam account took the id of the demo's Ms Lam."""
    ids = {actor.id for actor, _ in STAFF}
    with demo.db.unit_of_work() as session:
        held = names_of(session, ids)
        assert held == {"member-lam": "Ms Lam"}  # the demo's sign-in is that member
        assert record_staff(session) == len(STAFF) - 1
    with demo.db.unit_of_work() as session:
        named = names_of(session, ids)
        assert set(named) == ids and named["member-lam"] == "Ms Lam"
        assert record_staff(session) == 0  # the demo started again
