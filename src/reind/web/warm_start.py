"""What a server process would otherwise do on its first requests, done at its start.

The first request a process served took 360 ms on the demo's workbench, three
times a warm one: FastAPI works out each included router's routes on the first
request that reaches them (120 ms for all of reind's), every workflow file was
parsed (120 ms of YAML) and each page's template compiled on its first use
(10-50 ms each). After a start or a deploy that is some officer's first click.
A serving app (``create_app(warm_at_start=True)``: ``reind serve``, the ASGI
factory, ``reind demo``) does all three in its lifespan before it accepts a
request; tests and tools that build an app pay for what they use.
"""

from __future__ import annotations

from fastapi import FastAPI

from reind.programme.applications.workflow import all_workflows
from reind.web.templating import compile_all

_NOWHERE = {
    "type": "http",
    "path": "/\x00",
    "root_path": "",
    "method": "GET",
    "headers": [],
    "query_string": b"",
}
"""A request no route matches: asking every route whether it does builds each one."""


def warm_start(app: FastAPI) -> None:
    """Read every workflow, compile every template and build every route of ``app``."""
    all_workflows()
    compile_all()
    for route in app.router.routes:
        route.matches(dict(_NOWHERE))
