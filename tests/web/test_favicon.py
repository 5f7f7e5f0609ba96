"""Every page names its icon, so a browser never asks for a missing ``/favicon.ico``.

Without a ``<link rel="icon">`` Chromium requests ``/favicon.ico`` on every page and logs a
404 in the console, which operators and officers see as an error on each screen.
"""

from __future__ import annotations

import re

import pytest

from tests.web.world import World

ICON = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


@pytest.mark.parametrize("path", ["/", "/schemes", "/sign-in", "/api/v1/docs"])
def test_a_page_names_an_icon_that_is_served(world: World, path: str) -> None:
    page = world.client.get(path)
    assert page.status_code == 200
    found = ICON.search(page.text)
    assert found is not None, f"{path} names no icon"
    icon = world.client.get(found.group(1))
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg")
