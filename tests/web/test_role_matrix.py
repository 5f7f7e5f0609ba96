"""Every role against every endpoint: allowed, refused (403) or not signed in (401).

Each cell prepares its own fresh subject through the services, so an
allowed request that changes something never spoils the next cell. The
applicant of enterprise B reading enterprise A's application by id, and a
committee member who declared a conflict of interest, and a committee member on
whose agenda the case is not (the agenda rule), are among the refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from reind.core.clock import FixedClock
from reind.core.money import HKD
from reind.programme.actors import Role
from reind.programme.applications.access import CONFLICT_ROLES
from reind.programme.applications.assignment import assign_case
from reind.programme.applications.contents import attach_document
from reind.programme.applications.workflow import all_workflows, workflow_for
from reind.programme.committee.services import appoint_member, create_committee, decide
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.agreements import submit_report
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    submit_claim,
)
from reind.programme.permissions import PERMISSIONS, Action, role_guide
from reind.schemes.catalogue import default_engine
from reind.web.views.pages import HOME_OF, NAV
from tests.programme.factories import (
    APPROVER,
    FINANCE,
    OFFICER,
    SECOND_OFFICER,
    funded_rfs_project,
    rfs_application,
    score_fully,
)
from tests.web.world import PASSWORD, PERSON_IDS, ROLES, World, add_person, committee_meeting

OFF_AGENDA = "off_agenda_member"
"""A committee member (``member-3``) who sits on another committee: no case of A is on
their agenda (``applications.access``, the agenda rule)."""
UNASSIGNED = "unassigned_assessor"
"""An assessor to whom no case of A is assigned (``applications.access``, the assignment rule);
the world's ``assessor`` is assigned every case of A each cell prepares."""
IDENTITIES = {**ROLES, OFF_AGENDA: Role.COMMITTEE_MEMBER, UNASSIGNED: Role.ASSESSOR}
EVERYONE = frozenset(IDENTITIES)
OTHERS = frozenset({"other_applicant", "conflicted_member", OFF_AGENDA, UNASSIGNED})
"""The object rules on enterprise A's case: the other enterprise's applicant, member-2,
who declared a conflict with it, member-3, on whose agenda it is not, and the assessor
it is not assigned to."""
OFF_COMMITTEE = frozenset(
    who for who, role in IDENTITIES.items() if role in CONFLICT_ROLES and who not in PERSON_IDS
)
"""Assessors and members who sit on no committee of the meeting: no agenda for them."""


def allowed_by_table(action: Action | None, *, spared: frozenset[str] = OTHERS) -> frozenset[str]:
    """Who the permission table allows ``action``, less those its object rules refuse."""
    if action is None:
        return EVERYONE
    allowed = (who for who, role in IDENTITIES.items() if role in PERMISSIONS[action])
    return frozenset(allowed) - spared


def workflow_roles(action: str) -> frozenset[str]:
    """Who the RFS workflow lets take ``action`` (it narrows ``MOVE_CASES``, never widens it)."""
    steps = workflow_for("rfs").transitions.values()
    roles = {role for t in steps if t.action == action for role in t.roles}
    return frozenset(who for who, role in IDENTITIES.items() if role in roles)


_serial = itertools.count(1)
INTERNAL_IDS = [role for role in Role if "_" in role.value]
"""Role ids that are not words (``committee_member``): a refusal must not show them."""

Ids = dict[str, str]


def _a(session: Session, world: World) -> EnterpriseRow:
    return session.get_one(EnterpriseRow, world.enterprise_a)


def _to_the_assessor(session: Session, world: World, app_id: str) -> str:
    """Assign the case to the world's ``assessor`` (never to ``unassigned_assessor``)."""
    assign_case(
        session, app_id, world.user_ids["assessor"], OFFICER, reason="Matrix", duty="assessor"
    )
    return app_id


def nothing(session: Session, world: World) -> Ids:
    """No subject needed."""
    return {"enterprise": world.enterprise_a}


def draft(session: Session, world: World) -> Ids:
    """A draft of enterprise A that ``member-2`` is conflicted on."""
    app = rfs_application(session, _a(session, world))
    committee_meeting(session, world, [app.id], conflicted=[app.id])
    return {"app": _to_the_assessor(session, world, app.id)}


def enterprise_of_draft(session: Session, world: World) -> Ids:
    """Enterprise A, with a draft ``member-2`` is conflicted on."""
    return {**draft(session, world), "enterprise": world.enterprise_a}


def with_document(session: Session, world: World) -> Ids:
    """A draft of A (member-2 conflicted) with one PDF attached."""
    ids = draft(session, world)
    row = attach_document(
        session,
        ids["app"],
        OFFICER,
        filename="quote.pdf",
        media_type="application/pdf",
        content=b"%PDF-1.4 quotation " + ids["app"].encode(),
    )
    return {**ids, "document": row.id}


def in_screening(session: Session, world: World) -> Ids:
    """An application of A waiting to be screened."""
    app = rfs_application(session, _a(session, world), state="screening")
    return {"app": _to_the_assessor(session, world, app.id)}


def screened(session: Session, world: World) -> Ids:
    """A screened application of A (conflicted for ``member-2``)."""
    app = rfs_application(session, _a(session, world), state="assessment")
    committee_meeting(session, world, [app.id], conflicted=[app.id])
    return {"app": _to_the_assessor(session, world, app.id)}


def before_committee(session: Session, world: World) -> Ids:
    """An application of A on a meeting's agenda, beside one of B; member-2 conflicted on A."""
    app = rfs_application(session, _a(session, world), state="vetting_committee")
    other = rfs_application(
        session, session.get_one(EnterpriseRow, world.enterprise_b), state="vetting_committee"
    )
    held = committee_meeting(session, world, [app.id, other.id], conflicted=[app.id])
    return {"app": _to_the_assessor(session, world, app.id), "meeting": held.id}


def scored(session: Session, world: World) -> Ids:
    """Before the committee, scored in full by member-1 (the quorum of one)."""
    ids = before_committee(session, world)
    score_fully(session, ids["meeting"], ids["app"])
    return ids


def supported(session: Session, world: World) -> Ids:
    """An application of A the committee supported with a HK$100,000 grant."""
    ids = scored(session, world)
    decide(
        session,
        ids["meeting"],
        ids["app"],
        APPROVER,
        supported=True,
        reasons_en="Clear benefits.",
        reasons_zh="效益明確。",
        decided_on=date(2024, 4, 1),
        grant=HKD("100000"),
        engine=default_engine(),
    )
    return ids


def completed(session: Session, world: World) -> Ids:
    """A completed RFS project of A (grant HK$100,000); member-2 conflicted on it."""
    app = funded_rfs_project(session, _a(session, world), grant=HKD("100000"), completed=True)
    committee_meeting(session, world, [app.id], conflicted=[app.id])
    return {"app": _to_the_assessor(session, world, app.id)}


def claim(session: Session, world: World, stage: int = 0) -> Ids:
    """A HK$1,000 claim on a completed project, approved up to ``stage`` (0, 1 or 2)."""
    ids = completed(session, world)
    row = submit_claim(
        session,
        ids["app"],
        HKD("1000"),
        SECOND_OFFICER,  # prepared by another officer: the two-person rule
        clock=FixedClock.on(date(2024, 9, 1)),
        engine=default_engine(),
    )
    if stage >= 1:
        approve_claim_as_officer(session, row.id, OFFICER)
    if stage >= 2:
        approve_claim_as_finance(session, row.id, FINANCE)
    return {**ids, "claim": row.id}


def report_filed(session: Session, world: World) -> Ids:
    """A progress report on a completed project of A, not yet accepted."""
    ids = completed(session, world)
    row = submit_report(
        session,
        ids["app"],
        SECOND_OFFICER,
        kind="progress",
        period_end=date(2024, 12, 31),
        submitted_on=date(2025, 1, 15),
        summary="On track.",
    )
    return {**ids, "report": str(row.id)}


@dataclass(frozen=True)
class Endpoint:
    """One endpoint, who may call it, and how to make a fresh subject for each call."""

    method: str
    path: str
    action: Action | None
    """The action the route performs; None for ``/session`` (anyone signed in)."""
    prepare: Callable[[Session, World], Ids] = nothing
    body: Callable[[World, Ids], dict[str, Any]] | None = None
    files: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    page: bool = False
    """A page route: anonymous callers are sent to sign in (303) rather than answered 401."""
    spared: frozenset[str] = OTHERS
    """Who the object rules refuse although the table allows the action."""
    narrowed: frozenset[str] | None = None
    """For a workflow step: the roles the workflow names for it."""

    @property
    def allowed(self) -> frozenset[str]:
        """Who must succeed: the table's roles, less the object rules, within the workflow's."""
        allowed = allowed_by_table(self.action, spared=self.spared)
        return allowed if self.narrowed is None else allowed & self.narrowed


def _application_body(world: World, ids: Ids) -> dict[str, Any]:
    return {
        "scheme": "rfs",
        "enterprise_id": world.enterprise_a,
        "title": "Smart noodle line",
        "amount_requested": "1000000",
        "cost_lines": [
            {"category": "machinery_equipment", "description": "Extruder", "amount": "3000000"}
        ],
        "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
    }


def _enterprise_body(world: World, ids: Ids) -> dict[str, Any]:
    return {
        "br_number": str(70_000_000 + next(_serial)),
        "name_en": "Jade Bakery Ltd",
        "incorporation": "cap622",
        "employees": 20,
        "manufacturing": True,
        "industry": "food_manufacturing",
    }


ENDPOINTS: dict[str, Endpoint] = {
    "read application": Endpoint("GET", "/applications/{app}", Action.READ_CASES, draft),
    "create application": Endpoint(
        "POST", "/applications", Action.WRITE_DRAFTS, body=_application_body
    ),
    "read budget": Endpoint("GET", "/applications/{app}/cost-lines", Action.READ_CASES, draft),
    "add cost line": Endpoint(
        "POST",
        "/applications/{app}/cost-lines",
        Action.WRITE_DRAFTS,
        draft,
        lambda w, i: {"category": "machinery_equipment", "description": "Oven", "amount": "9"},
    ),
    "upload document": Endpoint(
        "POST", "/applications/{app}/documents", Action.WRITE_DRAFTS, draft, files=True
    ),
    "submit": Endpoint(
        "POST",
        "/applications/{app}/transitions",
        Action.MOVE_CASES,
        draft,
        lambda w, i: {"action": "submit"},
        narrowed=workflow_roles("submit"),
    ),
    "screen": Endpoint("POST", "/applications/{app}/screening", Action.SCREEN, in_screening),
    "read screening": Endpoint("GET", "/applications/{app}/screening", Action.READ_CASES, screened),
    "read enterprise": Endpoint(
        "GET", "/enterprises/{enterprise}", Action.READ_CASES, enterprise_of_draft
    ),
    "read contacts": Endpoint(
        "GET", "/enterprises/{enterprise}/contacts", Action.READ_CASES, enterprise_of_draft
    ),
    "add contact": Endpoint(
        "POST",
        "/enterprises/{enterprise}/contacts",
        Action.EDIT_CONTACTS,
        enterprise_of_draft,
        lambda w, i: {"name": "Ms Chan", "email": "chan@example.hk"},
    ),
    "file report": Endpoint(
        "POST",
        "/applications/{app}/reports",
        Action.FILE_REPORTS,
        completed,
        lambda w, i: {
            "kind": "progress",
            "period_end": "2024-12-31",
            "submitted_on": "2025-01-15",
            "summary": "On track.",
        },
    ),
    "open document": Endpoint(
        "GET", "/documents/{document}", Action.READ_DOCUMENTS, with_document, page=True
    ),
    "register enterprise": Endpoint(
        "POST", "/enterprises", Action.REGISTER_ENTERPRISES, body=_enterprise_body
    ),
    "set up committee": Endpoint(
        "POST",
        "/committees",
        Action.RUN_COMMITTEES,
        body=lambda w, i: {"scheme": "rfs", "name_en": "Panel", "name_zh": "委員會"},
    ),
    "read agenda": Endpoint(
        "GET",
        "/meetings/{meeting}/agenda",
        Action.READ_AGENDAS,
        before_committee,
        spared=OFF_COMMITTEE,  # the conflicted member reads the agenda, less that case
    ),
    "score": Endpoint(
        "POST",
        "/meetings/{meeting}/applications/{app}/scores",
        Action.SCORE,
        before_committee,
        lambda w, i: {"criterion": "financial", "score": 4},
    ),
    "decide": Endpoint(
        "POST",
        "/meetings/{meeting}/applications/{app}/decision",
        Action.DECIDE,
        scored,
        lambda w, i: {
            "supported": False,
            "reasons_en": "Weak case.",
            "reasons_zh": "理據不足。",
            "decided_on": "2024-04-01",
        },
    ),
    "read letter": Endpoint("GET", "/applications/{app}/letter", Action.READ_CASES, supported),
    "sign agreement": Endpoint(
        "POST",
        "/applications/{app}/agreement",
        Action.SIGN_AGREEMENTS,
        supported,
        lambda w, i: {
            "grant": "100000",
            "signed_on": "2024-05-01",
            "starts_on": "2024-06-01",
            "ends_on": "2025-05-31",
        },
    ),
    "submit claim": Endpoint(
        "POST",
        "/applications/{app}/claims",
        Action.SUBMIT_CLAIMS,
        completed,
        lambda w, i: {"amount": "500"},
    ),
    "read claim": Endpoint("GET", "/claims/{claim}", Action.READ_CASES, claim),
    "officer approval": Endpoint(
        "POST", "/claims/{claim}/officer-approval", Action.APPROVE_CLAIMS, claim
    ),
    "finance approval": Endpoint(
        "POST",
        "/claims/{claim}/finance-approval",
        Action.APPROVE_PAYMENTS,
        lambda s, w: claim(s, w, stage=1),
    ),
    "reject claim": Endpoint(
        "POST",
        "/claims/{claim}/rejection",
        Action.REJECT_CLAIMS,
        claim,
        lambda w, i: {"reason": "No invoice."},
    ),
    "disburse": Endpoint(
        "POST",
        "/claims/{claim}/disbursement",
        Action.DISBURSE,
        lambda s, w: claim(s, w, stage=2),
        lambda w, i: {"paid_on": "2024-10-01"},
    ),
    "add claim evidence": Endpoint(
        "POST", "/claims/{claim}/documents", Action.SUBMIT_CLAIMS, claim, files=True
    ),
    "attach report document": Endpoint(
        "POST", "/reports/{report}/documents", Action.FILE_REPORTS, report_filed, files=True
    ),
    "read ledger": Endpoint("GET", "/applications/{app}/ledger", Action.READ_CASES, completed),
    "record enquiry": Endpoint(
        "POST",
        "/enquiries",
        Action.RECORD_ENQUIRIES,
        body=lambda w, i: {"question": "Any scheme for me?"},
    ),
    "count enquiries": Endpoint(
        "GET", "/enquiries/counts?start=2024-04-01&end=2025-03-31", Action.READ_PROGRAMME_FIGURES
    ),
    "add ITVF partner": Endpoint(
        "POST",
        "/itvf/partners",
        Action.RECORD_PROGRAMME_RECORDS,
        body=lambda w, i: {"name": f"Fund {next(_serial)}", "signed_on": "2018-01-01"},
    ),
    "ITVF totals": Endpoint("GET", "/itvf/totals", Action.READ_PROGRAMME_FIGURES),
    "record TSSSU start-up": Endpoint(
        "POST",
        "/tsssu/startups",
        Action.RECORD_PROGRAMME_RECORDS,
        body=lambda w, i: {
            "university": "HKU",
            "startup": f"Start-up {next(_serial)}",
            "year": 2024,
            "amount": "1500000",
        },
    ),
    "verify audit chain": Endpoint("GET", "/audit/verification", Action.VERIFY_AUDIT_CHAIN),
    "add user": Endpoint(
        "POST",
        "/users",
        Action.MANAGE_ACCOUNTS,
        body=lambda w, i: {
            "email": f"new{next(_serial)}@example.gov.hk",
            "display_name": "New Officer",
            "role": "officer",
        },
    ),
    "who am I": Endpoint("GET", "/session", Action.OWN_SESSION, spared=frozenset()),
}


def _with_off_agenda_member(world: World) -> World:
    """The world, with member-3 on a second RFS committee whose agendas hold none of A's cases,
    and an assessor to whom none of A's cases is assigned."""
    if OFF_AGENDA in world.tokens:
        return world
    add_person(world, OFF_AGENDA, Role.COMMITTEE_MEMBER, person_id="member-3")
    add_person(world, UNASSIGNED, Role.ASSESSOR)
    with world.db.unit_of_work() as session:
        panel = create_committee(
            session, "rfs", "RFS Second Panel", "第二審核委員會", OFFICER, engine=default_engine()
        )
        appoint_member(
            session,
            panel.id,
            OFFICER,
            person_id="member-3",
            name="member-3",
            capacity="member",
            term_from=date(2024, 1, 1),
            term_to=date(2026, 12, 31),
        )
    return world


def _prepare(world: World, endpoint: Endpoint) -> Ids:
    with world.db.unit_of_work() as session:
        return endpoint.prepare(session, world)


def _call(world: World, endpoint: Endpoint, who: str | None, ids: Ids) -> tuple[int, str]:
    url = ("" if endpoint.page else "/api/v1") + endpoint.path.format(**ids)
    headers = {**endpoint.headers, **(world.auth(who) if who else {})}
    if endpoint.method == "POST" and "claims" in url:
        headers["Idempotency-Key"] = f"claim-{next(_serial):08d}"
    kwargs: dict[str, Any] = {"headers": headers}
    if endpoint.files:
        kwargs["files"] = {"file": ("quote.pdf", b"%PDF-1.4 " + url.encode(), "application/pdf")}
    elif endpoint.body is not None:
        kwargs["json"] = endpoint.body(world, ids)
    answer = world.client.request(endpoint.method, url, follow_redirects=False, **kwargs)
    return answer.status_code, answer.text


@pytest.mark.parametrize("name", list(ENDPOINTS))
def test_each_role_is_allowed_or_refused_as_the_rules_say(shared_world: World, name: str) -> None:
    world = _with_off_agenda_member(shared_world)
    endpoint = ENDPOINTS[name]
    wrong: list[str] = []
    # Refused calls change nothing, so they share one subject; a read shares it too.
    shared = _prepare(world, endpoint)
    status, text = _call(world, endpoint, None, shared)
    if status != (303 if endpoint.page else 401):
        wrong.append(f"anonymous: expected to be refused, got {status} {text[:200]}")
    for who in sorted(EVERYONE - endpoint.allowed):
        status, text = _call(world, endpoint, who, shared)
        if status != 403:
            wrong.append(f"{who}: expected 403, got {status} {text[:200]}")
        elif any(role.value in text for role in INTERNAL_IDS):
            wrong.append(f"{who}: the refusal names an internal role id: {text[:200]}")
    for who in sorted(endpoint.allowed):
        ids = shared if endpoint.method == "GET" else _prepare(world, endpoint)
        status, text = _call(world, endpoint, who, ids)
        if not status < 300:
            wrong.append(f"{who}: expected success, got {status} {text[:200]}")
    assert not wrong, "\n".join(wrong)


def test_a_conflicted_member_does_not_see_the_application_on_the_agenda(world: World) -> None:
    with world.db.unit_of_work() as session:
        ids = before_committee(session, world)
    path = f"/api/v1/meetings/{ids['meeting']}/agenda"
    conflicted = world.client.get(path, headers=world.auth("conflicted_member")).json()
    member = world.client.get(path, headers=world.auth("member")).json()
    assert ids["app"] not in [a["id"] for a in conflicted] and len(conflicted) == 1
    assert ids["app"] in [a["id"] for a in member] and len(member) == 2


def test_an_applicant_sees_the_applicant_label_and_staff_the_staff_label(world: World) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(session, _a(session, world), state="screening")
    path = f"/api/v1/applications/{app.id}"
    mine = world.client.get(path, headers=world.auth("applicant")).json()
    staff = world.client.get(path, headers=world.auth("officer")).json()
    assert mine["state_label"] == {"en": "Under review", "zh-Hant": "審核中"}
    assert staff["state_label"]["en"] == "Screening"


def test_every_workflow_step_stays_within_the_tables_move_cases() -> None:
    wider = {
        (w.scheme, t.action, role.value)
        for w in all_workflows()
        for t in w.transitions.values()
        for role in t.roles
        if role not in PERMISSIONS[Action.MOVE_CASES]
    }
    assert not wider


def test_an_administrator_manages_accounts_but_reads_no_case(world: World) -> None:
    with world.db.unit_of_work() as session:
        ids = completed(session, world)
    admin = world.auth("administrator")
    for path in (
        f"/applications/{ids['app']}",
        f"/applications/{ids['app']}/ledger",
        "/applications",
        "/claims",
        f"/enterprises/{world.enterprise_a}",
    ):
        answer = world.client.get("/api/v1" + path, headers=admin)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["detail"].startswith("your role may not")
    tokens = world.client.get(f"/api/v1/users/{world.user_ids['officer']}/tokens", headers=admin)
    assert tokens.status_code == 200


def test_the_role_guide_is_generated_from_the_table() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
    assert guide.read_text(encoding="utf-8") == role_guide()


@pytest.mark.parametrize("role", list(NAV))
def test_every_link_a_role_is_shown_and_its_home_open_to_it(world: World, role: Role) -> None:
    who = next(w for w, r in ROLES.items() if r is role)
    browser = world.client
    browser.cookies.clear()
    signed_in = browser.post(
        "/api/v1/session", json={"email": world.email(who), "password": PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.text
    for link in {HOME_OF[role], *(href for href, _ in NAV[role])}:
        status = browser.get(link, follow_redirects=False).status_code
        # this world has no plant connected, so /plant is not mounted (404), never refused
        assert status == 200 or (status == 404 and link == "/plant"), (link, status)
    browser.cookies.clear()


def test_a_member_off_the_agenda_is_refused_in_both_languages(world: World) -> None:
    """The agenda rule's refusal says why, in English and Chinese, and names no role id."""
    world = _with_off_agenda_member(world)
    with world.db.unit_of_work() as session:
        ids = before_committee(session, world)
    for path, english, chinese in (
        (f"/applications/{ids['app']}", "not on the agenda", "不在您所屬委員會會議的議程上"),
        (f"/enterprises/{world.enterprise_a}/contacts", "no application", "沒有申請"),
    ):
        answer = world.client.get("/api/v1" + path, headers=world.auth(OFF_AGENDA))
        assert answer.status_code == 403, answer.text
        assert english in answer.json()["detail"]
        assert chinese in answer.json()["detail_zh_hant"]
        member = world.client.get("/api/v1" + path, headers=world.auth("member"))
        assert member.status_code == 200, member.text


def test_an_assessor_reads_only_the_cases_assigned_to_them_in_both_languages(world: World) -> None:
    """The assignment rule's refusal says why in English and Chinese; once assigned, it reads."""
    world = _with_off_agenda_member(world)
    with world.db.unit_of_work() as session:
        app = rfs_application(session, _a(session, world), state="screening")
    for path, english, chinese in (
        (f"/applications/{app.id}", "not assigned to you", "並未分派給您"),
        (f"/enterprises/{world.enterprise_a}/contacts", "is assigned to you", "沒有申請分派給您"),
    ):
        answer = world.client.get("/api/v1" + path, headers=world.auth(UNASSIGNED))
        assert answer.status_code == 403, answer.text
        assert english in answer.json()["detail"]
        assert chinese in answer.json()["detail_zh_hant"]
    with world.db.unit_of_work() as session:
        assign_case(
            session, app.id, world.user_ids[UNASSIGNED], OFFICER, reason="Yours", duty="assessor"
        )
    answer = world.client.get(f"/api/v1/applications/{app.id}", headers=world.auth(UNASSIGNED))
    assert answer.status_code == 200, answer.text
