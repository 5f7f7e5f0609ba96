"""The auditor's CSV export at volume: streamed a page at a time, whole, in order, as filtered."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Callable, MutableMapping
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from reind.bootstrap import Platform
from reind.core.clock import FixedClock
from reind.programme import audit
from reind.programme.actors import SYSTEM, Actor, Role
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.web.test_sessions import sign_in
from tests.web.world import FAST_HASHER, World, add_person

KINDS = ("enquiry.recorded", "money.claimed", "application.transitioned")
EVENTS = 72
PAGE = 4
"""Events per page of the export in these tests (``EXPORT_PAGE``): a dozen pages."""


def _log(world: World) -> list[tuple[int, str, str, str]]:
    """``EVENTS`` events over three kinds, three actors and five days: (seq, kind, actor, day)."""
    add_person(world, "chan_tai_man", Role.OFFICER)
    chan = Actor(world.user_ids["chan_tai_man"], Role.OFFICER)
    lee = Actor("officer-lee", Role.OFFICER)
    written = []
    with world.db.unit_of_work() as session:
        for n in range(EVENTS):
            kind, actor, day = (
                KINDS[n % 3],
                (chan, lee, SYSTEM)[n // 3 % 3],
                date(2024, 3, 1 + n % 5),
            )
            row = audit.record(session, actor, kind, "enquiry", f"e-{n}", {}, FixedClock.on(day))
            written.append((row.seq, kind, actor.id, day.isoformat()))
    return written


def _rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())  # the BOM first, for Excel
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("", None),  # the whole log: the world's own events too
        ("kind=money.claimed", lambda e, chan: e[1] == "money.claimed"),
        ("actor=Chan Tai Man", lambda e, chan: e[2] == chan),
        ("from=2024-03-02&to=2024-03-03", lambda e, chan: "2024-03-02" <= e[3] <= "2024-03-03"),
        (
            "kind=enquiry.recorded&actor=officer-lee",
            lambda e, chan: e[1:3] == (KINDS[0], "officer-lee"),
        ),
        ("kind=money.claimed&sort=seq", lambda e, chan: e[1] == "money.claimed"),
    ],
)
def test_an_export_of_many_pages_holds_every_event_the_page_selects_in_its_order(
    any_world: World, monkeypatch: pytest.MonkeyPatch, query: str, keep: Any
) -> None:
    """The export reads a page at a time while it is sent: every page is read through one
    session that stays open (one transaction) until the last one, then returned to the pool."""
    written = _log(any_world)
    chan = any_world.user_ids["chan_tai_man"]
    monkeypatch.setattr("reind.web.views.audit.EXPORT_PAGE", PAGE)
    web, _ = sign_in(any_world, "auditor")
    ran: list[tuple[str, int]] = []

    def keep_statement(connection: Any, _cur: Any, statement: str, *_: Any) -> None:
        ran.append((statement, id(connection.connection.dbapi_connection)))

    def keep_end(connection: Any) -> None:
        ran.append(("END", id(connection.connection.dbapi_connection)))

    engine = any_world.db.engine
    listeners: list[tuple[str, Callable[..., Any]]] = [
        ("before_cursor_execute", keep_statement),
        ("commit", keep_end),
    ]
    listeners.append(("rollback", keep_end))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    try:
        answer = web.get(f"/audit/events.csv?{query}")
    finally:
        for name, listener in listeners:
            event.remove(engine, name, listener)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = _rows(answer.content)
    newest_first = "sort=seq" not in query
    expected = sorted((e for e in written if keep is None or keep(e, chan)), reverse=newest_first)
    assert len(expected) > PAGE  # more than one page of the export
    if keep is None:
        assert [int(r["seq"]) for r in rows] == list(range(written[-1][0], 0, -1))
        rows = rows[: len(written)]
    assert [int(r["seq"]) for r in rows] == [e[0] for e in expected]
    assert [(r["kind"], r["actor_id"], r["recorded_at"][:10]) for r in rows] == [
        e[1:] for e in expected
    ]
    assert {r["actor"] for r in rows if r["actor_id"] == chan} <= {"Chan Tai Man"}
    pages = [i for i, (s, _) in enumerate(ran) if "FROM audit_events" in s and "ORDER BY" in s]
    assert len(pages) == -(-len(_rows(answer.content)) // PAGE)  # each page read once
    reader = {ran[i][1] for i in pages}
    assert len(reader) == 1  # one connection for every page...
    between = ran[pages[0] : pages[-1]]
    assert ("END", *reader) not in between  # ...in one transaction...
    assert ("END", *reader) in ran[pages[-1] :]  # ...ended after the last page
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # and returned


def test_the_export_is_sent_a_page_at_a_time_as_it_is_read(
    any_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the whole file was joined into one string before its first byte went out."""
    _log(any_world)
    monkeypatch.setattr("reind.web.views.audit.EXPORT_PAGE", PAGE)
    app = create_app(
        Platform(any_world.db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
    )
    pieces: list[bytes] = []
    started: list[dict[str, Any]] = []
    asked: list[bool] = []

    async def receive() -> dict[str, Any]:
        if not asked:
            asked.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await sent.wait()  # the client stays until the whole file is in
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            started.append(dict(message))
            return
        if message.get("body"):
            pieces.append(message["body"])
        if not message.get("more_body"):
            sent.set()

    async def request() -> None:
        await app(scope, receive, send)

    sent = asyncio.Event()

    token = any_world.tokens["auditor"]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/audit/events.csv",
        "raw_path": b"/audit/events.csv",
        "root_path": "",
        "query_string": b"kind=enquiry.recorded",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(request())
    assert started and started[0]["status"] == 200
    rows = _rows(b"".join(pieces))
    assert len(rows) == EVENTS // 3 and len(pieces) > -(-len(rows) // PAGE), len(pieces)
    assert pieces[0].startswith("\ufeff".encode())


@pytest.mark.parametrize(
    ("lang", "refusal"),
    [("en", "your role may not read the audit trail"), ("zh-Hant", "您的職能不可查閱審計記錄")],
)
def test_only_the_auditor_may_export_the_log_and_others_hear_why_in_their_language(
    any_world: World, lang: str, refusal: str
) -> None:
    for who in ("applicant", "officer"):
        web, _ = sign_in(any_world, who)
        answer = web.get(f"/audit/events.csv?kind=money.claimed&lang={lang}")
        assert answer.status_code == 403, answer.status_code
        assert "text/csv" not in answer.headers["content-type"]
        shown = " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())
        assert refusal in shown, shown
