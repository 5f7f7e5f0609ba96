"""What a server process would otherwise do on its first requests, done at its start.

The first request a process served took 360 ms on the demo's workbench, three
times a warm one: FastAPI works out each included router's routes on the first
request that reaches them (120 ms for all of reind's), every workflow file was
parsed (120 ms of YAML) and each page's template compiled on its first use
(10-50 ms each). After a start or a deploy that is some officer's first click.
And a full garbage collection, whenever one fell on a request, walked all the
process had loaded (135-150 ms).
A serving app (``create_app(warm_at_start=True)``: ``reind serve``, the ASGI
factory, ``reind demo``) does all of it in its lifespan before it accepts a
request; tests and tools that build an app pay for what they use.
"""

from __future__ import annotations

import gc

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
    """Read every workflow, compile every template and build every route of ``app``; then
    set everything the process holds by now aside from the garbage collector.

    A full collection walked the 300,000 objects a warmed server holds (modules,
    rules, routes, templates) in 135-150 ms, on whichever request happened to
    trigger it: the slow sample of an otherwise 30 ms page. Those objects live as
    long as the process, so ``gc.freeze`` moves them out of every collection's
    way; what requests allocate afterwards is collected as before.
    """
    all_workflows()
    compile_all()
    for route in app.router.routes:
        route.matches(dict(_NOWHERE))
    gc.collect()
    gc.freeze()
