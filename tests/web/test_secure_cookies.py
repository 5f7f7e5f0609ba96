"""Cookies are ``Secure`` by default: only the demo bound to loopback sends them over http.

A real server (``reind serve``, the ASGI factory) may be reached over a network, where a
session cookie sent over plain http can be read on the path (issue 13, ADR 0134). Each
entry point's app is built here as the entry point builds it, and a real sign-in shows the
``Set-Cookie`` it answers with.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from reind import serve
from reind.bootstrap import Platform
from reind.demo.run import demo_app, on_loopback
from reind.schemes.catalogue import default_engine
from reind.settings import Settings
from reind.web.asgi import app_from_settings, served_app
from tests.web.world import PASSWORD, World


def _session_cookie(app: FastAPI, world: World) -> str:
    with TestClient(app, base_url="https://testserver") as client:
        answer = client.post(
            "/api/v1/session", json={"email": world.email("officer"), "password": PASSWORD}
        )
    assert answer.status_code == 200, answer.text
    cookies = [v for k, v in answer.headers.multi_items() if k == "set-cookie"]
    assert cookies
    return "; ".join(cookies).lower()


def test_a_served_app_sets_secure_cookies(world: World, tmp_path: Path) -> None:
    app = served_app(Platform(world.db, default_engine()), Settings(data_dir=tmp_path))
    assert "secure" in _session_cookie(app, world)


def test_the_asgi_factory_sets_secure_cookies(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REIND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("REIND_DATABASE_URL", world.db.url)
    assert "secure" in _session_cookie(app_from_settings(), world)


def test_reind_serve_wires_the_served_app_whatever_its_host() -> None:
    """``reind serve`` builds its app through ``served_app`` alone (so its cookies are Secure)."""
    source = inspect.getsource(serve.run_serve)
    assert "served_app(platform, settings)" in source and "create_app" not in source


@pytest.mark.parametrize(
    ("host", "secure"),
    [
        ("127.0.0.1", False),
        ("127.0.0.2", False),
        ("::1", False),
        ("[::1]", False),
        ("0.0.0.0", True),  # noqa: S104  # the point: every interface keeps Secure
        ("::", True),
        ("192.168.1.20", True),
        ("localhost", True),  # a name may resolve to anything
    ],
)
def test_the_demo_drops_secure_only_on_loopback(
    world: World, tmp_path: Path, host: str, secure: bool
) -> None:
    assert on_loopback(host) is not secure
    app = demo_app(Platform(world.db, default_engine()), Settings(data_dir=tmp_path), host)
    assert ("secure" in _session_cookie(app, world)) is secure


def test_an_insecure_cookie_setting_is_refused() -> None:
    """There is no switch to send a real server's cookies over http."""
    assert "secure_cookies" not in Settings.model_fields
