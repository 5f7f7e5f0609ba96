"""The ASGI app for a server process: ``uvicorn reind.web.asgi:app_from_settings --factory``.

Reads the settings once (``REIND_*``), migrates nothing (run ``reind``'s
commands or the deploy step for that), and signs session cookies with the
same secret as ``reind serve`` (``bootstrap.session_secret``:
``REIND_SESSION_SECRET``, else ``data_dir/session.key``), so every worker
process shares it and sessions survive a restart. Its cookies are ``Secure``
always (ADR 0134): only ``reind demo`` bound to a loopback address sends
them over plain http.
"""

from __future__ import annotations

from fastapi import FastAPI

from reind.bootstrap import Platform, build_platform, session_secret
from reind.settings import Settings
from reind.web.app import create_app


def app_from_settings() -> FastAPI:
    """The application wired from the environment's settings (one ``Platform`` per worker)."""
    settings = Settings()
    platform = build_platform(settings, serving=True)  # loads the rules engine now
    return served_app(platform, settings)  # warmed at start (web.warm_start)


def served_app(platform: Platform, settings: Settings) -> FastAPI:
    """The app of a real server (this factory and ``reind serve``): one way to wire it.

    Cookies are ``Secure`` whatever the settings say: a server that is not the
    loopback demo may be reached over a network, where a session cookie sent
    over plain http can be read by anyone on the path.
    """
    return create_app(
        platform,
        session_secret=session_secret(settings),
        secure_cookies=True,
        hot_path=settings.api_hot_path,
        warm_report_every=settings.report_warm_seconds,
        warm_at_start=True,
    )
