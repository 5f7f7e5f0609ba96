"""A serving app does at start what its first requests did (web.warm_start).

The first request a process served took 360 ms on the demo's workbench: every
workflow file parsed, its templates compiled, FastAPI's routes worked out.
"""

from __future__ import annotations

import gc
from typing import Any

import pytest
from jinja2 import Environment

from reind.bootstrap import Platform
from reind.programme.applications import workflow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from reind.web.templating import templates
from tests.web.test_pages_world import Browser, Demo, demo, demo_template
from tests.web.world import FAST_HASHER

__all__ = ["demo", "demo_template"]  # fixtures


@pytest.mark.parametrize("warm", [True, False])
def test_a_warmed_server_compiles_and_parses_nothing_on_its_first_requests(
    demo: Demo, monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    templates.env.cache.clear()  # type: ignore[union-attr]  # as a process starts
    workflow.all_workflows.cache_clear()
    app = create_app(
        Platform(demo.db, default_engine()),
        secure_cookies=False,
        password_hasher=FAST_HASHER,
        warm_at_start=warm,
    )
    done: list[str] = []
    real_compile, real_parse = Environment.compile, workflow.parse_workflow

    def compiling(env: Environment, source: Any, name: str | None = None, *rest: Any) -> Any:
        done.append(f"compiled {name}")
        return real_compile(env, source, name, *rest)

    def parsing(text: str, name: str) -> workflow.Workflow:
        done.append(f"parsed {name}")
        return real_parse(text, name)

    try:
        with Browser(app) as web:  # the context runs the app's lifespan
            frozen = gc.get_freeze_count()
            monkeypatch.setattr(Environment, "compile", compiling)
            monkeypatch.setattr(workflow, "parse_workflow", parsing)
            user = demo.portfolio.user("officer")
            web.post("/sign-in", data={"email": user.email, "password": user.password})
            for url in ("/workbench", "/desk", "/workbench/claims"):
                assert web.get(url).status_code == 200
    finally:
        gc.unfreeze()  # this test process is no server: its later tests' garbage is collected
    # what the process held at start is out of the collector's way (a full collection: 150 ms)
    assert (frozen > 100_000) is warm
    if warm:
        assert done == []
    else:
        assert any(d.startswith("compiled") for d in done)
        assert any(d.startswith("parsed") for d in done)
