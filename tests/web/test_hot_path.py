"""The single-statement path (``web.hot_path``) answers exactly as the ORM path does.

Each test sends the same requests to two apps on the same PostgreSQL
database, one with the hot path and one without, and compares what comes
back (status, body, the headers that carry meaning) and what was stored.
The hot app's counts show which requests it served itself, so a hot path
that quietly handed everything on would fail here too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx2 as httpx  # what Starlette's TestClient speaks
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.programme.accounts.store import ApiTokenRow, UserRow
from reind.programme.accounts.tokens import token_digest
from reind.programme.applications.store import ApplicationRow, CostLineRow
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.store import AuditEventRow
from reind.programme.desk.store import EnquiryRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from reind.web.hot_path import HotPath, HotPathCounts, WriteUncertainError, asyncpg_dsn
from tests.fixtures.servers import PostgresServer, free_port, wait_for_port
from tests.programme.conftest import _fresh_postgres
from tests.programme.factories import rfs_application
from tests.web.world import FAST_HASHER, ROLES, World, committee_meeting, make_world

pytestmark = pytest.mark.integration

STAFF_ONLY_BY_CONFLICT = {"member", "conflicted_member", "assessor"}
"""Users whose application reads the hot path leaves to the ORM path (conflicts of interest)."""
_keys = itertools.count(1)


class Pair:
    """The hot app and the ORM-only app on one database."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.hot = world.client
        self.orm = TestClient(
            create_app(
                Platform(world.db, default_engine()), hot_path=False, password_hasher=FAST_HASHER
            )
        )

    @property
    def counts(self) -> HotPathCounts:
        """What the hot app served and handed on so far."""
        counts: HotPathCounts = self.hot.app.state.hot_path  # type: ignore[attr-defined]
        return counts

    def hot_call(
        self, method: str, path: str, who: str | None, **kwargs: Any
    ) -> tuple[httpx.Response, bool]:
        """(the hot app's answer, whether the hot path served it itself)."""
        headers = {**kwargs.pop("headers", {}), **(self.world.auth(who) if who else {})}
        served = self.counts.served
        answer = self.hot.request(method, path, headers=headers, **kwargs)
        return answer, self.counts.served == served + 1

    def both(
        self, method: str, path: str, who: str | None, **kwargs: Any
    ) -> tuple[httpx.Response, httpx.Response, bool]:
        """(hot answer, ORM answer, whether the hot path served it itself)."""
        headers = {**kwargs.pop("headers", {}), **(self.world.auth(who) if who else {})}
        hot, took = self.hot_call(method, path, None, headers=headers, **kwargs)
        orm = self.orm.request(method, path, headers=headers, **kwargs)
        return hot, orm, took


@pytest.fixture
def pair(postgres_server: PostgresServer, postgres_template: str) -> Iterator[Pair]:
    """A world on a fresh PostgreSQL database whose client runs the hot path."""
    database = Database(_fresh_postgres(postgres_server, template=postgres_template))
    world = make_world(database)
    with world.client:  # runs the lifespan: the hot path's pool opens in the client's loop
        yield Pair(world)
    database.dispose()


def _meaning(answer: httpx.Response) -> tuple[int, bytes, str | None, str | None, str | None]:
    headers = answer.headers
    return (
        answer.status_code,
        answer.content,
        headers.get("content-type"),
        headers.get("etag"),
        headers.get("location"),
    )


def _subjects(world: World) -> dict[str, str]:
    with world.db.unit_of_work() as session:
        a = session.get_one(EnterpriseRow, world.enterprise_a)
        b = session.get_one(EnterpriseRow, world.enterprise_b)
        own = rfs_application(session, a, state="screening")
        other = rfs_application(session, b)
        conflicted = rfs_application(session, a, state="vetting_committee")
        committee_meeting(session, world, [conflicted.id], conflicted=[conflicted.id])
        return {"own": own.id, "other": other.id, "conflicted": conflicted.id}


def test_reads_answer_alike_for_every_role_and_the_hot_path_serves_the_ordinary_ones(
    pair: Pair,
) -> None:
    world = pair.world
    apps = _subjects(world)
    paths = [f"/api/v1/applications/{i}" for i in (*apps.values(), "no-such-id")]
    paths += [f"/api/v1/applications/{i}/cost-lines" for i in (*apps.values(), "no-such-id")]
    paths += [f"/api/v1/enterprises/{i}" for i in (world.enterprise_a, world.enterprise_b, "x")]
    wrong = []
    served = 0
    for who in [None, *ROLES]:
        for path in paths:
            hot, orm, took = pair.both("GET", path, who)
            if _meaning(hot) != _meaning(orm):
                wrong.append(f"{who} {path}: hot {_meaning(hot)} != orm {_meaning(orm)}")
            by_conflict = who in STAFF_ONLY_BY_CONFLICT and "/api/v1/" in path
            if took != (hot.status_code == 200 and not by_conflict):
                wrong.append(f"{who} {path}: served by the hot path {took}, {hot.status_code}")
            served += took
    assert not wrong, "\n".join(wrong)
    assert served > 40  # most roles read most records (not the administrator nor the plant)


def test_a_bad_or_missing_token_and_a_cookie_session_take_the_orm_path(pair: Pair) -> None:
    apps = _subjects(pair.world)
    path = f"/api/v1/applications/{apps['own']}"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        hot, orm, took = pair.both("GET", path, None, headers=headers)
        assert (hot.status_code, took) == (401, False)
        assert _meaning(hot) == _meaning(orm)


def _draft(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "scheme": "rfs",
        "enterprise_id": world.enterprise_a,
        "title": "智能蛋卷生產線 Smart egg-roll line",
        "amount_requested": "1000000.50",
        "cost_lines": [
            {"category": "machinery_equipment", "description": "焗爐 Oven", "amount": "3000000"},
            {"category": "machinery_equipment", "description": "Sensors", "amount": "12.34"},
        ],
        "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
        **changes,
    }


DRAFT_CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "officer": ("officer", {}),
    "administrator": ("administrator", {}),
    "applicant, own enterprise": ("applicant", {}),
    "applicant, received date": ("applicant", {"received": "2024-03-01"}),
    "no cost lines": ("officer", {"cost_lines": []}),
    "applicant, other enterprise": ("other_applicant", {}),
    "analyst": ("analyst", {}),
    "committee member": ("member", {}),
    "unknown enterprise": ("officer", {"enterprise_id": "no-such-enterprise"}),
    "unknown scheme": ("officer", {"scheme": "nope"}),
    "blank title": ("officer", {"title": "  "}),
    "ineligible category": (
        "officer",
        {"cost_lines": [{"category": "land", "description": "Site", "amount": "1"}]},
    ),
    "unknown fact": ("officer", {"facts": {"colour": "red"}}),
    "bad amount": ("officer", {"amount_requested": "12.345"}),
    "extra field": ("officer", {"colour": "red"}),
}
"""Each case: who sends it and how the body differs from ``_draft``."""
SUCCESSFUL = frozenset(
    {
        "officer",
        "applicant, own enterprise",
        "no cost lines",
    }
)
"""The cases the hot path serves itself; the others it hands to the ORM path."""


def _stored(world: World, application_id: str) -> dict[str, Any]:
    """What was stored for an application, less what differs by nature (ids, times, keys)."""
    with world.db.unit_of_work() as session:
        row = session.get_one(ApplicationRow, application_id)
        lines = session.execute(
            select(CostLineRow.category, CostLineRow.description, CostLineRow.amount_cents)
            .where(CostLineRow.application_id == application_id)
            .order_by(CostLineRow.id)
        ).all()
        events = session.execute(
            select(AuditEventRow).where(AuditEventRow.subject_id == application_id)
        ).scalars()
        logged = [(e.kind, e.actor, e.role, json.loads(e.payload)) for e in events]
    for _kind, _actor, _role, payload in logged:
        payload.pop("reference", None)
    return {
        "row": {
            c: getattr(row, c)
            for c in (
                "scheme",
                "enterprise_id",
                "title",
                "state",
                "received",
                "amount_requested_cents",
                "facts",
                "screening_decision_id",
                "version",
            )
        },
        "reference_prefix": row.reference.split("-")[0],
        "lines": [tuple(line) for line in lines],
        "events": logged,
    }


def _public(answer: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    for varying in ("id", "reference", "created_at"):
        body.pop(varying, None)
    return body


@pytest.mark.parametrize("case", list(DRAFT_CASES))
def test_a_new_draft_is_answered_and_stored_alike(pair: Pair, case: str) -> None:
    world = pair.world
    who, changes = DRAFT_CASES[case]
    body = _draft(world, **changes)
    key = {"Idempotency-Key": f"parity-{next(_keys):06d}"}
    hot, took = pair.hot_call("POST", "/api/v1/applications", who, json=body, headers=key)
    key = {"Idempotency-Key": f"parity-{next(_keys):06d}"}
    orm = pair.orm.post("/api/v1/applications", json=body, headers={**key, **world.auth(who)})
    assert took == (case in SUCCESSFUL)
    assert hot.status_code == orm.status_code
    if case not in SUCCESSFUL:
        assert hot.content == orm.content
        return
    assert hot.status_code == 201
    assert _public(hot) == _public(orm)
    assert hot.headers["etag"] == orm.headers["etag"] == '"1"'
    assert hot.headers["location"] == f"/api/v1/applications/{hot.json()['id']}"
    assert _stored(world, hot.json()["id"]) == _stored(world, orm.json()["id"])
    again = pair.hot.get(hot.headers["location"], headers=world.auth("officer"))
    assert again.json()["created_at"] == hot.json()["created_at"]
    with world.db.unit_of_work() as session:
        assert verify_chain(session).ok


def test_an_idempotent_retry_returns_the_first_draft_and_a_changed_body_is_refused(
    pair: Pair,
) -> None:
    world = pair.world
    key = {"Idempotency-Key": "retry-0001"}
    first, took = pair.hot_call(
        "POST", "/api/v1/applications", "officer", json=_draft(world), headers=key
    )
    assert took and first.status_code == 201
    again = pair.hot.post(
        "/api/v1/applications", json=_draft(world), headers={**key, **world.auth("officer")}
    )
    assert (again.status_code, again.json()["id"]) == (201, first.json()["id"])
    changed = pair.hot.post(
        "/api/v1/applications",
        json=_draft(world, title="Another line"),
        headers={**key, **world.auth("officer")},
    )
    assert changed.status_code == 409
    with world.db.unit_of_work() as session:
        stored = session.execute(
            select(ApplicationRow.id).where(ApplicationRow.idempotency_key == "retry-0001")
        ).all()
    assert len(stored) == 1


def test_enquiries_are_answered_and_stored_alike(pair: Pair) -> None:
    world = pair.world
    body = {"question": "邊個計劃資助智能生產線？", "channel": "web", "profile": {"員工": 40}}
    hot, took = pair.hot_call("POST", "/api/v1/enquiries", "officer", json=body)
    orm = pair.orm.post("/api/v1/enquiries", json=body, headers=world.auth("officer"))
    assert took and hot.status_code == orm.status_code == 201
    hot_body, orm_body = hot.json(), orm.json()
    for varying in ("id", "received_at"):
        hot_body.pop(varying), orm_body.pop(varying)
    assert hot_body == orm_body and hot.headers["etag"] == orm.headers["etag"]
    with world.db.unit_of_work() as session:
        rows = [session.get_one(EnquiryRow, a.json()["id"]) for a in (hot, orm)]
        shown = [(r.channel, r.state, r.question, r.profile, r.suggested_schemes) for r in rows]
        assert shown[0] == shown[1]
        assert verify_chain(session).ok
    for who, changes, status in (
        ("analyst", {}, 403),
        ("officer", {"question": " "}, 400),
        ("officer", {"channel": "x" * 21}, 400),
        ("officer", {"enterprise_id": "no-such-enterprise"}, None),
    ):
        hot, orm, took = pair.both("POST", "/api/v1/enquiries", who, json={**body, **changes})
        assert not took and _meaning(hot) == _meaning(orm)
        assert status is None or hot.status_code == status


def test_a_revoked_or_expired_token_is_refused_on_the_next_request(pair: Pair) -> None:
    world = pair.world
    apps = _subjects(world)
    path = f"/api/v1/applications/{apps['own']}"
    for who, change in (
        ("officer", {"revoked_at": datetime.now(UTC)}),
        ("approver", {"expires_at": datetime.now(UTC) - timedelta(seconds=1)}),
    ):
        served = pair.counts.served
        assert pair.hot.get(path, headers=world.auth(who)).status_code == 200
        assert pair.counts.served == served + 1  # the holder is now cached
        with world.db.unit_of_work() as session:
            digest = token_digest(world.tokens[who])
            session.execute(
                update(ApiTokenRow).where(ApiTokenRow.secret_sha256 == digest).values(**change)
            )
        refused = pair.hot.get(path, headers=world.auth(who))
        assert refused.status_code == 401, refused.text
        assert pair.counts.served == served + 1


def test_a_holder_whose_role_changed_is_told_to_send_again_then_served_in_the_new_role(
    pair: Pair,
) -> None:
    world = pair.world
    apps = _subjects(world)
    path = f"/api/v1/applications/{apps['own']}"
    assert pair.hot.get(path, headers=world.auth("officer")).json()["state_label"]["en"] == (
        "Screening"
    )
    with world.db.unit_of_work() as session:
        session.execute(
            update(UserRow).where(UserRow.id == world.user_ids["officer"]).values(role="applicant")
        )
        session.execute(
            update(UserRow)
            .where(UserRow.id == world.user_ids["officer"])
            .values(enterprise_id=world.enterprise_a)
        )
    changed = pair.hot.get(path, headers=world.auth("officer"))
    assert (changed.status_code, changed.json()["code"]) == (409, "account_changed")
    now = pair.hot.get(path, headers=world.auth("officer"))
    assert now.status_code == 200
    assert now.json()["state_label"]["en"] == "Under review"  # the applicant's label
    draft = pair.hot.post(
        "/api/v1/applications",
        json=_draft(world, enterprise_id=world.enterprise_b),
        headers=world.auth("officer"),
    )
    assert draft.status_code == 403


def test_parallel_writes_on_the_hot_path_all_land_in_one_unbroken_chain(pair: Pair) -> None:
    world = pair.world
    app = pair.hot.app
    officer = world.auth("officer")

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hot") as client:
            drafts = [
                client.post(
                    "/api/v1/applications",
                    json=_draft(world, title=f"Line {i}"),
                    headers={**officer, "Idempotency-Key": f"burst-{i:04d}"},
                )
                for i in range(30)
            ]
            enquiries = [
                client.post("/api/v1/enquiries", json={"question": f"Q{i}"}, headers=officer)
                for i in range(30)
            ]
            return list(await asyncio.gather(*drafts, *enquiries))

    served = pair.counts.served
    answers = pair.hot.portal.call(burst)  # type: ignore[union-attr]
    assert [a.status_code for a in answers] == [201] * 60
    assert pair.counts.served == served + 60
    with world.db.unit_of_work() as session:
        report = verify_chain(session)
        stored = session.execute(
            select(AuditEventRow.subject_id).where(
                AuditEventRow.kind.in_(["application.created", "enquiry.recorded"])
            )
        ).scalars()
        assert {a.json()["id"] for a in answers} <= set(stored)
    assert report.ok, report


def test_the_hot_path_is_only_on_postgresql() -> None:
    assert asyncpg_dsn("sqlite:///var/reind.db") is None
    assert asyncpg_dsn("postgresql+psycopg://u:p@h:5/d") == "postgresql://u:p@h:5/d"


def test_a_lost_connection_during_a_write_is_reported_not_retried_and_a_refusal_hands_on() -> None:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("not called")

    hot = HotPath(app, "postgresql://nowhere/none", HotPathCounts(), engine=default_engine())

    async def lost() -> int | None:
        raise ConnectionResetError("reset by peer")

    async def refused() -> int | None:
        raise asyncpg.UniqueViolationError("duplicate key")

    with pytest.raises(WriteUncertainError, match="send it again"):
        asyncio.run(hot.write(lost()))
    assert asyncio.run(hot.write(refused())) is None


def test_under_uvicorn_the_lifespan_opens_the_pool_and_the_hot_path_serves(
    postgres_server: PostgresServer, postgres_template: str
) -> None:
    database = Database(_fresh_postgres(postgres_server, template=postgres_template))
    world = make_world(database)
    apps = _subjects(world)
    app = create_app(Platform(database, default_engine()), password_hasher=FAST_HASHER)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_for_port(port)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            answer = client.get(
                f"/api/v1/applications/{apps['own']}", headers=world.auth("officer")
            )
            enquiry = client.post(
                "/api/v1/enquiries", json={"question": "RFS?"}, headers=world.auth("officer")
            )
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        database.dispose()
    assert (answer.status_code, enquiry.status_code) == (200, 201)
    assert app.state.hot_path == HotPathCounts(served=2, handed_on=0)


def test_after_the_database_drops_every_connection_the_hot_path_reconnects(pair: Pair) -> None:
    world = pair.world
    apps = _subjects(world)
    path = f"/api/v1/applications/{apps['own']}"
    assert pair.hot_call("GET", path, "officer")[1]
    with world.db.unit_of_work() as session:
        dropped = session.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    assert dropped >= 1
    time.sleep(0.5)  # time for the client loop to notice the closed sockets (not relied on)
    read = pair.hot.get(path, headers=world.auth("officer"))
    assert read.status_code == 200  # served, or handed on if it met a closed connection first
    wrote, took_write = pair.hot_call(
        "POST", "/api/v1/enquiries", "officer", json={"question": "Still there?"}
    )
    again, took_again = pair.hot_call("GET", path, "officer")
    assert (wrote.status_code, again.status_code) == (201, 200), wrote.text
    assert took_write and took_again  # on fresh connections, not the ORM path
