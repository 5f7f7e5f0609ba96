"""Every identity against every route the census knows, expected from the permission table.

``test_role_matrix.py`` calls 39 API endpoints with real bodies; this walks all the rest too:
each route of the app (API and pages, as ``test_route_census`` finds them), its path filled
with real ids from one seeded world per database (an application of enterprise A on
member-1's agenda that member-2 declared a conflict with, its enterprise, a claim, a
report, a document, the meeting, the committee, an enquiry, a user). For each identity
(every role, anonymous, the other applicant, the conflicted member, the member off the
agenda) the expectation is computed from ``PERMISSIONS`` and the actions the route declares:

- anonymous: 401 on the API, sent to sign in (303) on a page;
- a role the table does not allow any of the route's actions: 403 (on every method: a
  refused request changes nothing, so the world stays as seeded);
- a role the table allows, on a GET: neither 401 nor 403, except for the other applicant,
  the conflicted member and the member off the agenda on a route that names A's case,
  who are refused (403) by the object rules.

Unsafe methods are called only by those refused: what an allowed caller's change does is
``test_role_matrix.py``'s, with bodies that mean something.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from reind.programme.actors import Role
from reind.programme.desk.services import record_enquiry
from reind.programme.permissions import PERMISSIONS, Action
from tests.programme.factories import OFFICER
from tests.web.test_role_matrix import (
    IDENTITIES,
    OFF_AGENDA,
    OFF_COMMITTEE,
    OTHERS,
    _with_off_agenda_member,
    before_committee,
    claim,
    report_filed,
    with_document,
)
from tests.web.test_route_census import PUBLIC, PUBLIC_PREFIXES, _routes, declared
from tests.web.world import World

CASE_PARAMS = frozenset({"application_id", "enterprise_id", "claim_id", "report_id", "document_id"})
"""Path parameters that name enterprise A's case: the object rules refuse ``OTHERS`` there."""
OWN_LISTS = {
    ("GET", "/api/v1/applications"): Action.LIST_CASES,
    ("GET", "/api/v1/claims"): Action.LIST_CASES,
    ("GET", "/api/v1/enterprises"): Action.LIST_CASES,
}
"""Lists every reader of cases may ask for, narrowed by the service to ``LIST_CASES``'s roles;
an applicant lists its own enterprise's (the table's own words for ``LIST_CASES``)."""
NOT_WALKED = {
    "/plant": "no plant is connected in this world; tests/web/test_plant_duties.py walks the "
    "plant's routes for every role",
}
"""Route prefixes left out here, each with the reason and where they are walked instead."""

_WORLDS: dict[int, dict[str, str]] = {}


def _ids(world: World) -> dict[str, str]:
    """Real ids for every path parameter, seeded once per world (per database)."""
    if id(world) in _WORLDS:
        return _WORLDS[id(world)]
    _with_off_agenda_member(world)
    with world.db.unit_of_work() as session:
        agenda = before_committee(session, world)
    with world.db.unit_of_work() as session:
        paid = claim(session, world)
    with world.db.unit_of_work() as session:
        report = report_filed(session, world)
    with world.db.unit_of_work() as session:
        document = with_document(session, world)
    with world.db.unit_of_work() as session:
        enquiry = record_enquiry(session, OFFICER, question="Any scheme for a bakery?")
        enquiry_id = enquiry.id
    ids = {
        "application_id": agenda["app"],
        "meeting_id": agenda["meeting"],
        "committee_id": world.committee_id,
        "enterprise_id": world.enterprise_a,
        "claim_id": paid["claim"],
        "report_id": report["report"],
        "document_id": document["document"],
        "enquiry_id": str(enquiry_id),
        "user_id": world.user_ids["officer"],
        "session_id": "1",
        "token_id": "1",
        "milestone_id": "1",
        "scheme": "rfs",
        "line_id": "waffle-1",
    }
    _WORLDS[id(world)] = ids
    return ids


def _walked(world: World) -> list[tuple[str, APIRoute]]:
    found = []
    app = world.client.app
    assert isinstance(app, FastAPI)
    for route in _routes(app.routes):
        if not isinstance(route, APIRoute) or route.path.startswith(tuple(NOT_WALKED)):
            continue
        for method in sorted(route.methods or ()):
            if method == "HEAD" or (method, route.path) in PUBLIC:
                continue
            if route.path.startswith(tuple(PUBLIC_PREFIXES)):
                continue
            found.append((method, route))
    return found


def _allowed(actions: set[Action]) -> frozenset[str]:
    roles = set().union(*(PERMISSIONS.get(a, frozenset()) for a in actions))
    return frozenset(who for who, role in IDENTITIES.items() if role in roles)


def _expected(who: str | None, method: str, path: str, actions: set[Action]) -> str | None:
    """What ``who`` must get: "anonymous", "refused", "served", or None (not called)."""
    if who is None:
        return "anonymous"
    if who not in _allowed(actions):
        return "refused"
    narrowed = OWN_LISTS.get((method, path))
    if narrowed is not None and IDENTITIES[who] is not Role.APPLICANT:
        return "refused" if who not in _allowed({narrowed}) else "served"
    if method != "GET":
        return None
    names_case = bool(CASE_PARAMS & set(re.findall(r"{(\w+)", path)))
    if "{meeting_id}" in path and not names_case and who in OFF_COMMITTEE:
        return "refused"  # no committee of theirs holds the meeting
    return "refused" if who in OTHERS and names_case else "served"


def _wrong(expected: str, status: int, page: bool) -> bool:
    if expected == "anonymous":
        return status != (303 if page else 401)
    if expected == "refused":
        return status != 403
    return status in (401, 403)


def test_every_identity_across_every_route_as_the_table_says(shared_world: World) -> None:
    world = shared_world
    ids = _ids(world)
    wrong: list[str] = []
    calls = 0
    walked = _walked(world)
    for method, route in walked:
        actions = declared(route.dependant)
        assert actions, f"{method} {route.path} declares no action (the census fails too)"
        page = not route.path.startswith("/api/")
        url = re.sub(r"{(\w+)(?::\w+)?}", lambda m: ids[m.group(1)], route.path)
        for who in [None, *sorted(IDENTITIES)]:
            expected = _expected(who, method, route.path, actions)
            if expected is None:
                continue
            headers: dict[str, Any] = world.auth(who) if who else {}
            answer = world.client.request(method, url, headers=headers, follow_redirects=False)
            calls += 1
            if _wrong(expected, answer.status_code, page):
                wrong.append(
                    f"{method} {route.path} as {who or 'anonymous'}: expected {expected}, "
                    f"got {answer.status_code} {answer.text[:160]!r}"
                )
    print(f"role matrix over routes: {len(walked)} routes, {calls} calls")  # noqa: T201
    assert len(walked) > 120 and calls > 1000
    assert not wrong, f"{len(wrong)} cells wrong:\n" + "\n".join(wrong)


def test_the_walk_expects_refusals_from_the_table_alone() -> None:
    """The expectation is the table's: an analyst is refused a draft's budget change."""
    assert _expected("analyst", "POST", "/api/v1/x/{application_id}", {Action.WRITE_DRAFTS}) == (
        "refused"
    )
    assert _expected("officer", "POST", "/api/v1/x", {Action.WRITE_DRAFTS}) is None
    assert _expected("other_applicant", "GET", "/x/{claim_id}", {Action.READ_CASES}) == "refused"
    assert _expected(OFF_AGENDA, "GET", "/api/v1/applications", {Action.LIST_CASES}) == "refused"
    assert IDENTITIES[OFF_AGENDA] is Role.COMMITTEE_MEMBER and date(2024, 1, 1)
