"""The ASGI app for a server process: ``uvicorn reind.web.asgi:app_from_settings --factory``.

Reads the settings once (``REIND_*``), migrates nothing (run ``reind``'s
commands or the deploy step for that), and signs session cookies with the
same secret as ``reind serve`` (``bootstrap.session_secret``:
``REIND_SESSION_SECRET``, else ``data_dir/session.key``), so every worker
process shares it and sessions survive a restart.
"""

from __future__ import annotations

from fastapi import FastAPI

from reind.bootstrap import build_platform, session_secret
from reind.programme.applications.workflow import all_workflows
from reind.settings import Settings
from reind.web.app import create_app


def app_from_settings() -> FastAPI:
    """The application wired from the environment's settings (one ``Platform`` per worker)."""
    settings = Settings()
    platform = build_platform(settings, serving=True)  # loads the rules engine now
    # Load the workflows now too, not on some unlucky first request of each worker.
    all_workflows()
    return create_app(
        platform,
        session_secret=session_secret(settings),
        secure_cookies=settings.secure_cookies,
        hot_path=settings.api_hot_path,
    )
