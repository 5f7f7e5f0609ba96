"""The ASGI app for a server process: ``uvicorn reind.web.asgi:app_from_settings --factory``.

Reads the settings once (``REIND_*``), migrates nothing (run ``reind``'s
commands or the deploy step for that), and signs session cookies with a
secret kept in ``data_dir/session.key`` (made on first start, mode 0600),
so every worker process shares it and sessions survive a restart.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

from fastapi import FastAPI

from reind.bootstrap import build_platform
from reind.programme.applications.workflow import all_workflows
from reind.settings import Settings
from reind.web.app import create_app


def session_secret(data_dir: Path) -> str:
    """The shared session-signing secret in ``data_dir`` (created if missing).

    Written to a private temporary file and linked into place, so two workers
    starting at once agree on one secret and never read a half-written file.
    """
    path = data_dir / "session.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=data_dir, prefix=".session-")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another worker got there first; use its secret
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="utf-8").strip()


def app_from_settings() -> FastAPI:
    """The application wired from the environment's settings (one ``Platform`` per worker)."""
    settings = Settings()
    platform = build_platform(settings, serving=True)  # loads the rules engine now
    # Load the workflows now too, not on some unlucky first request of each worker.
    all_workflows()
    return create_app(
        platform,
        session_secret=session_secret(settings.data_dir),
        hot_path=settings.api_hot_path,
    )
