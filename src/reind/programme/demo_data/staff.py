"""The people the seed portfolio's records were made by, as accounts no one signs in to.

The seed writes its history through the programme's services as a handful of
office actors (the RFS secretariat's officer, the approver, the ventures and
SME-desk officers) and the vetting committee's three members. Without
accounts their ids were all the audit log could show ("officer-rfs-s…");
each is now an account holding the actor's id as its ``person_id``, switched
off (no password, no session, no token), so the log, its CSV and the case
histories name them as they name anyone else (issue 16: who did what, in
words), and an administrator sees them among the accounts as staff who have
left the office.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from reind.core.clock import Clock
from reind.programme.accounts.staff import names_of
from reind.programme.accounts.users import add_user, deactivate_user
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.demo_data import desk, rfs, ventures

ARCHIVE = "archive.demo.reind.hk"
"""The seed staff's e-mail domain: apart from the demo's sign-ins (``demo.reind.hk``)."""

STAFF: tuple[tuple[Actor, str], ...] = (
    (rfs.OFFICER, "RFS Secretariat officer"),
    (rfs.APPROVER, "Commissioner for Innovation and Technology"),
    (ventures.OFFICER, "ITC ventures officer"),
    (desk.OFFICER, "SME centre desk officer"),
    *((Actor(person, Role.COMMITTEE_MEMBER), name) for person, name, _ in rfs.MEMBERS),
)
"""Each office actor of the seed and the name the records show for them."""


def record_staff(session: Session, clock: Clock | None = None) -> int:
    """Add an account, switched off, for each of ``STAFF`` whose id no account holds (the
    demo's member Ms Lam is the seed's ``member-lam``); how many were added."""
    known = names_of(session, {actor.id for actor, _ in STAFF})
    added = 0
    for actor, name in STAFF:
        if actor.id in known:
            continue
        row = add_user(
            session,
            SYSTEM,
            email=f"{actor.id}@{ARCHIVE}",
            display_name=name,
            role=actor.role,
            person_id=actor.id,
            clock=clock,
        )
        deactivate_user(session, row.id, SYSTEM, clock)
        added += 1
    return added
