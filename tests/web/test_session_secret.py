"""One session secret for every entry point: serve, demo and the ASGI factory agree."""

from __future__ import annotations

import inspect
from pathlib import Path

from reind import serve
from reind.bootstrap import session_secret
from reind.demo import run
from reind.settings import Settings
from reind.web import asgi


def test_the_configured_secret_wins_and_the_kept_one_is_shared(tmp_path: Path) -> None:
    configured = Settings(session_secret="from-the-environment", data_dir=tmp_path)
    assert session_secret(configured) == "from-the-environment"
    kept = Settings(data_dir=tmp_path)
    assert session_secret(kept) == session_secret(Settings(data_dir=tmp_path))
    assert (tmp_path / "session.key").read_text(encoding="utf-8") == session_secret(kept)


def test_every_entry_point_takes_the_secret_from_the_composition_root() -> None:
    for module in (run, asgi):
        source = inspect.getsource(module)
        assert "session_secret=session_secret(settings)" in source, module.__name__
    assert "served_app(platform, settings)" in inspect.getsource(serve)  # asgi's wiring
