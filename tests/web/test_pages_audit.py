"""The auditor's screen: the log searched and in words, the chain and checkpoints checked, CSV."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update

from reind.bootstrap import Platform
from reind.programme import audit
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.audit.checkpoints import load_or_create_key, write_checkpoint
from reind.programme.audit.store import AuditEventRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.web.test_pages_world import Browser, Demo, demo, demo_template, text_of
from tests.web.test_sessions import sign_in
from tests.web.world import FAST_HASHER, World, add_person

__all__ = ["demo", "demo_template"]  # fixtures


def _auditor(demo: Demo, key: Path | None = None, log: Path | None = None) -> Browser:
    platform = Platform(demo.db, default_engine(), audit_checkpoints=log, audit_key=key)
    web = Browser(create_app(platform, secure_cookies=False, password_hasher=FAST_HASHER))
    user = demo.portfolio.user("auditor")
    web.post("/sign-in", data={"email": user.email, "password": user.password})
    return web


def test_the_auditor_searches_the_log_by_subject_and_reads_each_event_in_words(
    demo: Demo,
) -> None:
    web = _auditor(demo)
    home = web.get("/audit")
    assert home.status_code == 200 and 'href="/audit"' in home.text
    app_id = demo.app_id("RFS-DEMO-0004")
    page = web.get(f"/audit?subject={app_id}")
    shown = text_of(page)
    table = page.text.split("<tbody>")[1]
    assert "Application started" in shown and "Milestone achieved" in shown
    assert "application.transitioned" not in shown and "Programme officer" in shown
    assert "Enquiry recorded" not in table and "Milestone achieved" in table
    kinds = web.get("/audit?kind=money.claimed").text.split("<tbody>")[1]
    assert "Claim submitted" in kinds and "Milestone achieved" not in kinds
    zh = text_of(web.get(f"/audit?subject={app_id}&lang=zh-Hant"))
    assert "審計記錄" in zh and "Application started" not in zh


def test_the_auditor_searches_by_reference_sees_claims_by_reference_and_hears_of_unknown_ones(
    demo: Demo,
) -> None:
    web = _auditor(demo)
    app_id = demo.app_id("RFS-DEMO-0004")
    by_id = web.get(f"/audit?subject={app_id}").text.split("<tbody>")[1]
    by_reference = web.get("/audit?subject=rfs-demo-0004").text.split("<tbody>")[1]
    assert "Milestone achieved" in by_reference and by_id.count("<tr>") <= by_reference.count(
        "<tr>"
    )
    claims = web.get("/audit?kind=money.claimed").text.split("<tbody>")[1]
    assert "Claim RFS-DEMO-" in " ".join(re.sub(r"<[^>]+>", " ", claims).split())  # not an id
    unknown = web.get("/audit?subject=BUD-1905-99999")
    assert "No record with reference BUD-1905-99999" in text_of(unknown)
    assert "No event matches." not in text_of(unknown)
    zh = text_of(web.get("/audit?subject=BUD-1905-99999&lang=zh-Hant"))
    assert "沒有參考編號為 BUD-1905-99999 的記錄" in zh


def test_the_chain_is_checked_on_request_and_a_tampered_event_is_named(demo: Demo) -> None:
    web = _auditor(demo)
    assert "The chain is intact" not in web.get("/audit").text
    intact = text_of(web.get("/audit?verify=1"))
    assert "The chain is intact" in intact
    assert "No signed checkpoints are kept by this server." in intact
    with demo.db.unit_of_work() as session:
        session.execute(
            update(AuditEventRow).where(AuditEventRow.seq == 3).values(payload='{"forged":1}')
        )
    broken = text_of(web.get("/audit?verify=1"))
    assert "The chain is broken" in broken and "at event 3" in broken


def test_the_signed_checkpoints_are_shown_with_the_chain(demo: Demo, tmp_path: Path) -> None:
    key_path, log = tmp_path / "audit-key.pem", tmp_path / "checkpoints.jsonl"
    web = _auditor(demo, key_path, log)
    load_or_create_key(key_path)
    assert "No signed checkpoint yet" in text_of(web.get("/audit?verify=1"))
    with demo.db.unit_of_work() as session:
        written = write_checkpoint(session, load_or_create_key(key_path), log)
    assert written is not None
    shown = text_of(web.get("/audit?verify=1"))
    assert "1 signed checkpoint, held by the chain." in shown
    assert f"Latest: event {written.seq}" in shown


def test_the_events_export_as_csv_with_the_same_filters(demo: Demo) -> None:
    web = _auditor(demo)
    app_id = demo.app_id("RFS-DEMO-0004")
    answer = web.get(f"/audit/events.csv?subject={app_id}")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:7] == ["seq", "recorded_at", "actor", "actor_id", "role", "kind", "what"]
    assert len(rows) > 5 and {r[8] for r in rows[1:]} == {app_id}
    assert "Application started" in {r[6] for r in rows[1:]}


def test_an_applicant_may_not_read_the_audit_log(demo: Demo) -> None:
    assert demo.browser("applicant").get("/audit").status_code == 403
    assert demo.browser("applicant").get("/audit/events.csv").status_code == 403


def test_the_administrator_reads_the_notices_the_demo_kept_in_its_outbox(demo: Demo) -> None:
    admin = demo.browser("admin")
    page = admin.get("/admin/outbox")
    assert page.status_code == 200 and 'href="/admin/outbox"' in page.text
    shown = text_of(page)
    assert "We have received your application RFS-DEMO-0003" in shown  # submitted in the demo
    assert "applicant@demo.reind.hk" in shown and "Waiting to be sent" in shown
    zh = text_of(admin.get("/admin/outbox?lang=zh-Hant"))
    assert "通知寄件箱" in zh and "等待寄出" in zh
    assert demo.browser("officer").get("/admin/outbox").status_code == 403


def test_every_event_kind_the_programme_records_has_words() -> None:
    from reind.web.views.words import EVENT_WORDS

    source = Path(__file__).resolve().parents[2] / "src" / "reind" / "programme"
    kinds = set()
    for path in source.rglob("*.py"):
        for call in re.finditer(
            r"record(?:_at_commit)?\(\s*[^,]+,\s*[^,]+,\s*\"([a-z_]+\.[a-z_]+)\"", path.read_text()
        ):
            kinds.add(call.group(1))
    assert kinds and kinds <= set(EVENT_WORDS), sorted(kinds - set(EVENT_WORDS))


def test_the_administrator_reads_every_parameter_in_force_with_its_recorded_source(
    demo: Demo,
) -> None:
    admin = demo.browser("admin")
    page = admin.get("/admin/parameters?as_of=2021-08-31")
    assert page.status_code == 200 and 'href="/admin/parameters"' in page.text
    shown = text_of(page)
    assert "RFS" in shown and "news.gov.hk" in shown and "Rules version" in shown
    assert "unsourced recollection" in admin.get("/admin/parameters").text  # what to confirm
    zh = text_of(admin.get("/admin/parameters?lang=zh-Hant"))
    assert "現行參數" in zh
    # each note in Chinese (issue 16: they were labelled 附註（只有英文）)
    assert "附註（只有英文）" not in zh and "備註： 理解為該企業所有獲批資助的累計總額" in zh
    assert demo.browser("officer").get("/admin/parameters").status_code == 403


def test_the_auditor_finds_a_persons_events_by_name_or_e_mail_and_hears_of_nobody(
    demo: Demo,
) -> None:
    web = _auditor(demo)
    officer = demo.portfolio.user("officer")
    by_email = web.get(f"/audit?actor={officer.email.upper()}")
    table = by_email.text.split("<tbody>")[1]
    assert "No event matches." not in table and "No one named" not in table
    actors = set(re.findall(r'href="/audit\?actor=([^"]+)"', table))
    assert len(actors) == 1  # one person's events only
    by_name = web.get(f"/audit?actor={officer.display_name}").text.split("<tbody>")[1]
    assert by_name == table and officer.display_name in text_of(by_email)
    by_id = web.get(f"/audit?actor={actors.pop()}").text.split("<tbody>")[1]
    assert by_id == table
    assert (
        'value="' + officer.display_name + '"'
        in web.get(f"/audit?actor={officer.display_name}").text
    )
    nobody = text_of(web.get("/audit?actor=nobody@example.org"))
    assert "No one named nobody@example.org" in nobody and "No event matches." not in nobody
    zh = text_of(web.get("/audit?actor=nobody@example.org&lang=zh-Hant"))
    assert "沒有名為 nobody@example.org 的使用者" in zh and "操作者（姓名或電郵）" in zh


@pytest.mark.parametrize(
    ("search", "refusal", "lang"),
    [
        ("actor=nobody-xyz", "No one named nobody-xyz", "en"),
        ("actor=nobody-xyz", "沒有名為 nobody-xyz 的使用者", "zh-Hant"),
        ("subject=BUD-1905-99999", "No record with reference BUD-1905-99999", "en"),
        ("subject=BUD-1905-99999", "沒有參考編號為 BUD-1905-99999 的記錄", "zh-Hant"),
    ],
)
def test_a_search_naming_nobody_is_refused_once_not_again_as_the_tables_empty_row(
    any_world: World, search: str, refusal: str, lang: str
) -> None:
    """Issue 16: the refusal was said twice, as the alert and again as the table's empty row."""
    web, _ = sign_in(any_world, "auditor")
    page = web.get(f"/audit?{search}&lang={lang}")
    assert page.status_code == 200
    shown = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
    assert shown.count(refusal) == 1, shown
    assert 'role="alert"' in page.text and "<tbody>" not in page.text  # no table of nothing
    assert "events.csv" not in page.text  # nor a download the export would refuse


@contextmanager
def _statements(world: World) -> Iterator[list[tuple[str, list[Any]]]]:
    """Every statement the database runs meanwhile, with its parameters flattened."""
    ran: list[tuple[str, list[Any]]] = []

    def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        ran.append((statement, list(values)))

    event.listen(world.db.engine, "before_cursor_execute", keep)
    try:
        yield ran
    finally:
        event.remove(world.db.engine, "before_cursor_execute", keep)


def test_the_csv_names_each_actor_as_the_page_does_reading_each_name_once(
    any_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: the export's actor column held the raw actor id. It names the person (the
    id kept beside it) and the system by its word; each name is read once however many
    pages of events the export reads, never once per event."""
    world = any_world
    add_person(world, "chan_tai_man", Role.OFFICER)
    chan = Actor(world.user_ids["chan_tai_man"], Role.OFFICER)
    nameless = Actor("officer-without-account", Role.OFFICER)
    with world.db.unit_of_work() as session:
        for n in range(40):
            actor = (chan, SYSTEM, nameless)[n % 3]
            audit.record(session, actor, "enquiry.recorded", "enquiry", f"enquiry-{n}", {})
    monkeypatch.setattr("reind.web.views.audit.EXPORT_PAGE", 7)  # several pages of events
    web, _ = sign_in(world, "auditor")
    for lang, system_word in (("en", "System"), ("zh-Hant", "系統")):
        with _statements(world) as ran:
            answer = web.get(f"/audit/events.csv?kind=enquiry.recorded&lang={lang}")
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
        assert len(rows) == 40 and list(rows[0])[:4] == ["seq", "recorded_at", "actor", "actor_id"]
        named = {r["actor_id"]: r["actor"] for r in rows}
        assert named == {chan.id: "Chan Tai Man", SYSTEM.id: system_word, nameless.id: nameless.id}
        page = web.get(f"/audit?kind=enquiry.recorded&lang={lang}").text
        shown = {  # the page's names, link by link
            href: re.sub(r"<[^>]+>", "", text)
            for href, text in re.findall(r'<a href="/audit\?actor=([^"]+)">(.*?)</a>', page)
        }
        assert shown[chan.id] == "Chan Tai Man" and shown[SYSTEM.id] == system_word
        reads = [params for statement, params in ran if "display_name" in statement]
        for actor in named:
            assert sum(actor in params for params in reads) <= 1, (actor, reads)
        assert 0 < len(reads) <= -(-40 // 7)  # at most one read per page of events


def test_a_bulk_load_of_historic_records_reads_as_an_import_in_either_language(
    any_world: World,
) -> None:
    """The log showed what a bulk load is about by its raw subject type (``bulk_import``),
    English on the Chinese page."""
    with any_world.db.unit_of_work() as session:
        audit.record(session, SYSTEM, "import.bulk_historic", "bulk_import", "load-1", {})
    web, _ = sign_in(any_world, "auditor")
    for lang, word in (("en", "Import load-1"), ("zh-Hant", "匯入 load-1")):
        page = web.get(f"/audit?kind=import.bulk_historic&lang={lang}")
        shown = " ".join(re.sub(r"<[^>]+>", " ", page.text.split("<tbody>")[1]).split())
        assert word in shown and "bulk_import" not in shown, shown
