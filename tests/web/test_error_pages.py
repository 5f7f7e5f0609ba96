"""Every error a person or a client meets is in their language: 429 and 500 as pages and as
problem details, and the services' own messages through the message catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi import APIRouter
from fastapi.testclient import TestClient

from reind.bootstrap import Platform
from reind.core.errors import TooManyRequestsError
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from reind.web.i18n import LOCALE_DIR
from reind.web.views.pages import PageRoute
from tests.web.world import FAST_HASHER, PASSWORD, World

SRC = Path(__file__).resolve().parents[2] / "src" / "reind"


def _client_with_failures(world: World) -> TestClient:
    """The office, plus a page and an endpoint that fail as a bug would, and a page that
    refuses as a rate limit does."""
    app = create_app(
        Platform(world.db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
    )

    def broken() -> None:
        raise RuntimeError("secret internals: table users_v2 is gone")

    pages = APIRouter(route_class=PageRoute)
    pages.add_api_route("/broken", broken)
    pages.add_api_route("/hurried", _hurried)
    app.include_router(pages)
    app.add_api_route("/api/v1/broken", broken)
    return TestClient(app)


def _hurried() -> None:
    raise TooManyRequestsError("too many requests from here", retry_after_seconds=90)


def test_an_unexpected_failure_is_a_500_page_in_the_readers_language(world: World) -> None:
    client = _client_with_failures(world)
    english = client.get("/broken")
    assert english.status_code == 500
    assert english.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in english.text
    assert "secret internals" not in english.text and "Traceback" not in english.text
    assert "frame-ancestors 'none'" in english.headers["content-security-policy"]
    chinese = client.get("/broken?lang=zh-Hant")
    assert chinese.status_code == 500
    assert "我們的系統出了問題" in chinese.text and "問題已記錄" in chinese.text


def test_an_unexpected_api_failure_is_a_500_problem_in_both_languages(world: World) -> None:
    client = _client_with_failures(world)
    answer = client.get("/api/v1/broken", headers={"Accept-Language": "zh-Hant-HK"})
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["code"] == "internal_error" and "secret internals" not in answer.text
    assert body["detail"].startswith("我們的系統出了問題")
    assert "nosniff" in answer.headers["x-content-type-options"]


def test_too_many_requests_is_a_429_page_in_both_languages_with_retry_after(
    world: World,
) -> None:
    client = _client_with_failures(world)
    english = client.get("/hurried")
    assert english.status_code == 429 and english.headers["retry-after"] == "90"
    assert "Too many attempts: please wait a little" in english.text
    assert "try again in 2 minute(s)" in english.text
    chinese = client.get("/hurried?lang=zh-Hant")
    assert "嘗試次數太多：請稍候" in chinese.text and "2 分鐘後再試" in chinese.text


def test_a_locked_sign_in_is_a_429_problem_in_chinese_when_asked(world: World) -> None:
    client = _client_with_failures(world)
    email = world.email("analyst")
    for _ in range(5):
        client.post("/api/v1/session", json={"email": email, "password": "guess"})
    answer = client.post(
        "/api/v1/session",
        json={"email": email, "password": PASSWORD},
        headers={"Accept-Language": "zh-Hant"},
    )
    assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0
    body = answer.json()
    assert body["detail"] == "此電郵地址登入失敗次數太多：請於 15 分鐘後再試"
    assert body["minutes"] == 15


def test_service_errors_answer_in_chinese_through_the_catalogue(world: World) -> None:
    officer = world.auth("officer")
    zh = {**officer, "Accept-Language": "zh-Hant"}
    missing = world.client.get("/api/v1/applications/no-such-app", headers=zh)
    assert missing.status_code == 404
    assert missing.json()["detail"] == "沒有申請 no-such-app"
    english = world.client.get("/api/v1/applications/no-such-app", headers=officer).json()
    assert english["detail"] == "no application no-such-app"
    assert english["detail_zh_hant"] == "沒有申請 no-such-app"
    assert english["application_id"] == "no-such-app"  # the template's field, structured
    nameless = world.client.post(
        f"/api/v1/enterprises/{world.enterprise_a}/contacts",
        json={"name": " ", "email": "x@example.hk"},
        headers=zh,
    )
    assert nameless.status_code == 400 and nameless.json()["detail"] == "聯絡人須有姓名"
    refused = world.client.get(
        f"/api/v1/applications/{world.enterprise_a}",
        headers={**world.auth("plant_engineer"), "Accept-Language": "zh-Hant"},
    )
    assert refused.status_code == 403 and refused.json()["detail"].startswith("您的職能不可")


_RAISED = re.compile(
    r"\b(?:NotFoundError|ConflictError|InvalidInputError|ForbiddenError|RuleError)"
    r"\(\s*\"([^\"]*)\"\s*(?:\)|,\s*(?!zh=)[a-z_]+=)"
)


def test_every_service_error_message_written_as_a_template_has_its_chinese() -> None:
    with (LOCALE_DIR / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id}
    messages = {
        found.group(1)
        for path in (SRC / "programme").rglob("*.py")
        if "demo_data" not in path.parts
        for found in _RAISED.finditer(path.read_text(encoding="utf-8"))
    }
    assert len(messages) > 60
    untranslated = sorted(m for m in messages if not catalogue.get(m))
    assert not untranslated
