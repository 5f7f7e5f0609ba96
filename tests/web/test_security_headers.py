"""Security headers on every response: pages, API, static files, errors, the body limit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.world import World

EXPECTED = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _check(response_headers: dict[str, str], where: str) -> list[str]:
    wrong = [
        f"{where}: {name} is {response_headers.get(name)!r}"
        for name, value in EXPECTED.items()
        if response_headers.get(name) != value
    ]
    policy = response_headers.get("content-security-policy", "")
    for directive in ("frame-ancestors 'none'", "script-src 'self'", "style-src 'self'"):
        if directive not in policy:
            wrong.append(f"{where}: CSP {policy!r} lacks {directive}")
    if "unsafe-inline" in policy or "unsafe-eval" in policy:
        wrong.append(f"{where}: CSP {policy!r} allows inline code")
    return wrong


PAGES = [
    "/",
    "/schemes",
    "/schemes/rfs",
    "/schemes/rfs/calculate",
    "/sign-in",
    "/me",
    "/portal",
    "/workbench",
    "/workbench/claims",
    "/finance",
    "/finance/projects",
    "/committee",
    "/desk",
    "/analyst",
    "/plant",
    "/api/v1/session",
    "/api/v1/schemes",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/static/reind.css",
    "/no-such-page",
    "/api/v1/no-such-thing",
]
"""Pages and API answers of every kind: public, signed-in, refused, redirected, missing."""


def test_every_page_and_api_answer_carries_the_security_headers(world: World) -> None:
    wrong: list[str] = []
    for path in PAGES:
        for who in (None, "officer", "applicant"):
            headers = world.auth(who) if who else {}
            answer = world.client.get(path, headers=headers, follow_redirects=False)
            wrong += _check(dict(answer.headers), f"GET {path} as {who} ({answer.status_code})")
    answer = world.client.post(
        "/api/v1/applications", content=b"x" * 10, headers={"content-length": str(10**9)}
    )
    assert answer.status_code == 413
    wrong += _check(dict(answer.headers), "413")
    assert not wrong, "\n".join(wrong)


def test_hsts_only_over_tls(world: World) -> None:
    plain = world.client.get("/schemes")
    assert "strict-transport-security" not in plain.headers
    secure = TestClient(world.client.app, base_url="https://testserver").get("/schemes")
    assert secure.headers["strict-transport-security"].startswith("max-age=31536000")


def test_the_api_documentation_page_has_no_inline_script(world: World) -> None:
    answer = world.client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert "<script>" not in answer.text and 'src="/static/api-docs.js"' in answer.text
    assert "unsafe-inline" not in answer.headers["content-security-policy"]
    assert world.client.get("/static/api-docs.js").status_code == 200
