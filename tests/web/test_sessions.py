"""Sign-in, sessions, CSRF and API tokens."""

from __future__ import annotations

from fastapi.testclient import TestClient

from reind.bootstrap import Platform
from reind.programme.accounts.store import ApiTokenRow, UserRow
from reind.programme.audit.views import events_for
from reind.programme.enterprises.store import EnterpriseRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.programme.factories import rfs_application
from tests.web.world import FAST_HASHER, PASSWORD, World


def sign_in(world: World, who: str, client: TestClient | None = None) -> tuple[TestClient, str]:
    """A client signed in as ``who`` by session cookie, and its CSRF token."""
    client = client or TestClient(
        create_app(
            Platform(world.db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
        )
    )
    answer = client.post("/api/v1/session", json={"email": world.email(who), "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client, str(answer.json()["csrf_token"])


ENQUIRY = {"question": "Which scheme pays for a smart line?", "profile": {}}


def test_a_signed_in_officer_reads_with_the_cookie_alone(world: World) -> None:
    client, _ = sign_in(world, "officer")
    answer = client.get(f"/api/v1/enterprises/{world.enterprise_a}")
    assert answer.status_code == 200
    assert client.get("/api/v1/session").json()["user"]["role"] == "officer"


def test_the_session_cookie_is_httponly_samesite_lax_and_secure_by_default(world: World) -> None:
    client = TestClient(
        create_app(Platform(world.db, default_engine()), password_hasher=FAST_HASHER)
    )
    answer = client.post(
        "/api/v1/session", json={"email": world.email("officer"), "password": PASSWORD}
    )
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


def test_a_cookie_authenticated_write_without_the_csrf_token_is_refused(world: World) -> None:
    client, _ = sign_in(world, "officer")
    answer = client.post("/api/v1/enquiries", json=ENQUIRY)
    assert answer.status_code == 403
    assert answer.json()["code"] == "csrf_failed"
    wrong = client.post("/api/v1/enquiries", json=ENQUIRY, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403


def test_a_cookie_authenticated_write_with_the_csrf_header_goes_through(world: World) -> None:
    client, csrf = sign_in(world, "officer")
    answer = client.post("/api/v1/enquiries", json=ENQUIRY, headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 201, answer.text


def test_a_form_post_may_carry_the_csrf_token_as_a_field(world: World) -> None:
    client, csrf = sign_in(world, "applicant")
    with world.db.unit_of_work() as session:
        app_id = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a)).id
    files = {"file": ("quote.pdf", b"%PDF-1.4 quotation", "application/pdf")}
    refused = client.post(f"/api/v1/applications/{app_id}/documents", files=files)
    assert refused.status_code == 403
    accepted = client.post(
        f"/api/v1/applications/{app_id}/documents", files=files, data={"csrf_token": csrf}
    )
    assert accepted.status_code == 201, accepted.text
    assert len(accepted.json()["sha256"]) == 64


def test_bearer_token_calls_need_no_csrf_token(world: World) -> None:
    answer = world.client.post("/api/v1/enquiries", json=ENQUIRY, headers=world.auth("officer"))
    assert answer.status_code == 201


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(world: World) -> None:
    wrong = world.client.post(
        "/api/v1/session", json={"email": world.email("officer"), "password": "not the password"}
    )
    unknown = world.client.post(
        "/api/v1/session", json={"email": "nobody@example.gov.hk", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_signing_out_needs_the_csrf_token_and_ends_the_session(world: World) -> None:
    client, csrf = sign_in(world, "officer")
    assert client.delete("/api/v1/session").status_code == 403
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/session").status_code == 401


def test_deactivating_a_user_ends_its_sessions_and_revokes_its_tokens(world: World) -> None:
    client, _ = sign_in(world, "analyst")
    answer = world.client.post(
        f"/api/v1/users/{world.user_ids['analyst']}/deactivation",
        headers=world.auth("administrator"),
    )
    assert answer.status_code == 200 and answer.json()["active"] is False
    assert client.get("/api/v1/session").status_code == 401
    assert world.client.get("/api/v1/session", headers=world.auth("analyst")).status_code == 401


def test_a_token_is_shown_once_and_stored_only_as_its_hash(world: World) -> None:
    answer = world.client.post(
        f"/api/v1/users/{world.user_ids['finance']}/tokens",
        json={"name": "payments system"},
        headers=world.auth("administrator"),
    )
    assert answer.status_code == 201
    secret = answer.json()["secret"]
    assert secret.startswith("reind_")
    with world.db.unit_of_work() as session:
        stored = session.get_one(ApiTokenRow, answer.json()["id"])
        assert secret not in (stored.secret_sha256, stored.prefix)
        user = session.get_one(UserRow, world.user_ids["finance"])
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    me = world.client.get("/api/v1/session", headers={"Authorization": f"Bearer {secret}"})
    assert me.json()["user"]["role"] == "finance"
    revoked = world.client.delete(
        f"/api/v1/tokens/{answer.json()['id']}", headers=world.auth("administrator")
    )
    assert revoked.status_code == 200 and revoked.json()["secret"] is None
    gone = world.client.get("/api/v1/session", headers={"Authorization": f"Bearer {secret}"})
    assert gone.status_code == 401


def test_no_credentials_is_a_401_problem(world: World) -> None:
    answer = world.client.get(f"/api/v1/applications/{world.enterprise_a}")
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == "not_authenticated"
    malformed = world.client.get("/api/v1/session", headers={"Authorization": "Basic abc"})
    assert malformed.status_code == 401


def test_five_wrong_passwords_lock_the_address_for_the_api_and_the_pages(world: World) -> None:
    client = TestClient(
        create_app(
            Platform(world.db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
        )
    )
    email = world.email("officer")
    for _ in range(5):
        wrong = client.post("/api/v1/session", json={"email": email, "password": "guess"})
        assert wrong.status_code == 401
    right = client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert right.status_code == 429
    assert right.json()["code"] == "too_many_sign_ins"
    assert 0 < int(right.headers["retry-after"]) <= 15 * 60
    page = client.post("/sign-in?lang=zh-Hant", data={"email": email.upper(), "password": PASSWORD})
    assert page.status_code == 429 and "retry-after" in page.headers
    assert "登入失敗次數過多" in page.text and "15 分鐘" in page.text
    other = client.post(
        "/api/v1/session", json={"email": world.email("finance"), "password": PASSWORD}
    )
    assert other.status_code == 200, other.text


def test_failed_page_sign_ins_count_towards_the_lock(world: World) -> None:
    client = TestClient(
        create_app(
            Platform(world.db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
        )
    )
    email = world.email("applicant")
    for _ in range(5):
        assert client.post("/sign-in", data={"email": email, "password": "x"}).status_code == 401
    page = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert page.status_code == 429
    assert "Too many failed sign-ins for this e-mail address" in page.text


def test_a_copied_cookie_is_refused_once_its_browser_has_signed_out(world: World) -> None:
    client, csrf = sign_in(world, "officer")
    thief = TestClient(client.app)
    thief.cookies.update(client.cookies)
    assert thief.get("/api/v1/session").status_code == 200
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert thief.get("/api/v1/session").status_code == 401
    assert thief.get(f"/api/v1/enterprises/{world.enterprise_a}").status_code == 401


def test_a_copied_cookie_is_refused_after_signing_out_on_the_page(world: World) -> None:
    client, csrf = sign_in(world, "applicant")
    thief = TestClient(client.app)
    thief.cookies.update(client.cookies)
    out = client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert thief.get("/api/v1/session").status_code == 401
    page = thief.get("/portal", follow_redirects=False)
    assert page.status_code == 303 and "/sign-in" in page.headers["location"]


def test_an_administrator_lists_and_revokes_a_users_sessions_and_tokens(world: World) -> None:
    client, _ = sign_in(world, "finance")
    admin = world.auth("administrator")
    uid = world.user_ids["finance"]
    sessions = world.client.get(f"/api/v1/users/{uid}/sessions", headers=admin)
    assert sessions.status_code == 200, sessions.text
    live = [s for s in sessions.json() if s["active"]]
    assert len(live) == 1 and live[0]["created_at"].endswith(("Z", "+00:00"))
    assert (
        world.client.get(f"/api/v1/users/{uid}/sessions", headers=world.auth("officer")).status_code
        == 403
    )
    gone = world.client.delete(f"/api/v1/sessions/{live[0]['id']}", headers=admin)
    assert gone.status_code == 204
    assert client.get("/api/v1/session").status_code == 401
    after = world.client.get(f"/api/v1/users/{uid}/sessions", headers=admin).json()
    assert not any(s["active"] for s in after)
    tokens = world.client.get(f"/api/v1/users/{uid}/tokens", headers=admin).json()
    assert [t["secret"] for t in tokens] == [None] and tokens[0]["revoked_at"] is None
    with world.db.unit_of_work() as session:
        kinds = [e.kind for e in events_for(session, "user", uid)]
    assert "account.session_revoked" in kinds


def test_one_sign_out_leaves_the_users_other_browsers_signed_in(world: World) -> None:
    first, csrf = sign_in(world, "auditor")
    second, _ = sign_in(world, "auditor")
    assert first.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert second.get("/api/v1/session").status_code == 200
