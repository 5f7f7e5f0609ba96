"""Dates the law cares about are the system's (issue 12).

An application's ``received`` is the server's date at submission and a
claim's ``submitted_on`` the server's date: a client that sends either is
refused with a problem naming the field, in English and Chinese, and
nothing is stored. An officer may correct a received date, with a reason,
and the correction is in the audit log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from reind.core.clock import hk_today
from reind.core.money import HKD
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit.chain import events_for
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.store import ClaimRow
from tests.programme.factories import funded_rfs_project, rfs_application
from tests.web.test_api_guarantees import DRAFT
from tests.web.world import World


def _count(world: World, model: type[ApplicationRow] | type[ClaimRow]) -> int:
    with world.db.unit_of_work() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _refused_for(answer_json: dict[str, object], field: str) -> None:
    assert answer_json["code"] == "system_owned_field"
    assert answer_json["field"] == field
    assert field in str(answer_json["detail"])
    assert field in str(answer_json["detail_zh_hant"])
    assert "系統" in str(answer_json["detail_zh_hant"])


def test_an_applicant_cannot_choose_the_received_date_of_a_new_application(
    any_world: World,
) -> None:
    world = any_world
    body = {**DRAFT, "enterprise_id": world.enterprise_a, "received": "2020-07-15"}
    answer = world.client.post("/api/v1/applications", json=body, headers=world.auth("applicant"))
    assert answer.status_code == 422, answer.text
    _refused_for(answer.json(), "received")
    assert _count(world, ApplicationRow) == 0


def test_an_applicant_cannot_choose_the_received_date_at_submission(world: World) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
    path = f"/api/v1/applications/{app.id}/transitions"
    sneaky = world.client.post(
        path, json={"action": "submit", "received": "2020-07-15"}, headers=world.auth("applicant")
    )
    assert sneaky.status_code == 422, sneaky.text
    _refused_for(sneaky.json(), "received")
    assert (
        world.client.get(f"/api/v1/applications/{app.id}", headers=world.auth("applicant")).json()[
            "state"
        ]
        == "draft"
    )
    plain = world.client.post(path, json={"action": "submit"}, headers=world.auth("applicant"))
    assert plain.status_code == 200, plain.text
    assert plain.json()["received"] == hk_today().isoformat()


def test_the_refusal_is_in_chinese_when_asked(world: World) -> None:
    body = {**DRAFT, "enterprise_id": world.enterprise_a, "received": "2020-07-15"}
    answer = world.client.post(
        "/api/v1/applications",
        json=body,
        headers={**world.auth("applicant"), "Accept-Language": "zh-HK"},
    )
    assert answer.status_code == 422
    assert "系統" in answer.json()["detail"]


def test_a_claim_is_dated_by_the_server_and_a_client_date_is_refused(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        app = funded_rfs_project(session, company, grant=HKD("100000"), completed=True)
    path = f"/api/v1/applications/{app.id}/claims"
    dated = world.client.post(
        path,
        json={"amount": "100", "submitted_on": "1999-01-01"},
        headers=world.auth("applicant"),
    )
    assert dated.status_code == 422, dated.text
    _refused_for(dated.json(), "submitted_on")
    assert _count(world, ClaimRow) == 0
    plain = world.client.post(path, json={"amount": "100"}, headers=world.auth("applicant"))
    assert plain.status_code == 201, plain.text
    assert plain.json()["submitted_on"] == hk_today().isoformat()


def test_an_officer_corrects_a_received_date_with_a_reason_and_it_is_audited(
    world: World,
) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(
            session, session.get_one(EnterpriseRow, world.enterprise_a), state="submitted"
        )
    path = f"/api/v1/applications/{app.id}/received-date"
    body = {"received": "2024-02-28", "reason": "Paper form stamped 28 Feb at the counter"}
    by_applicant = world.client.post(path, json=body, headers=world.auth("applicant"))
    assert by_applicant.status_code == 403
    no_reason = world.client.post(
        path, json={"received": "2024-02-28", "reason": "  "}, headers=world.auth("officer")
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    future = world.client.post(
        path, json={"received": "2999-01-01", "reason": "typo"}, headers=world.auth("officer")
    )
    assert future.status_code == 400 and "future" in future.json()["detail"]
    corrected = world.client.post(path, json=body, headers=world.auth("officer"))
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["received"] == "2024-02-28"
    with world.db.unit_of_work() as session:
        events = events_for(session, "application", app.id)
    last = events[-1]
    assert last.kind == "application.received_corrected"
    assert '"reason":"Paper form stamped 28 Feb at the counter"' in last.payload
    assert '"to":"2024-02-28"' in last.payload
    assert date.fromisoformat("2024-02-28") < hk_today()


def test_a_received_date_cannot_be_corrected_before_submission(world: World) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
    answer = world.client.post(
        f"/api/v1/applications/{app.id}/received-date",
        json={"received": "2024-02-28", "reason": "Stamped at the counter"},
        headers=world.auth("officer"),
    )
    assert answer.status_code == 409, answer.text
