"""Publishing the lake to shared storage named by an fsspec URL (``file://``, ``s3://`` ...).

The export writes a local lake, where a day can be swapped in by renaming a
folder (:mod:`.export`). Object stores have no rename, so publishing copies
finished days out: each day whose partition checksums differ from the
remote's ``_checksums.json`` is uploaded whole (its old files removed
first), and the checksums and manifest go last, so a reader that starts from
the remote manifest names only complete days. Publishing again uploads
nothing; a re-exported (late or repaired) day is uploaded again.

Any fsspec filesystem works: ``file://`` ships with fsspec; ``s3://`` needs
``s3fs`` and credentials in the environment (its own variables), and is read
back by DuckDB's ``httpfs`` and Spark's ``s3a`` from the same layout. Only
``file://`` and ``memory://`` are tested here: no S3 server can be installed on
these machines (ADR 0183).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import fsspec

from reind.factory.lake.layout import CHECKSUMS, MANIFEST, TABLES, Lake

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Published:
    """What one publication copied: the days, and how many files."""

    days: list[str]
    files: int


def _remote(url: str) -> tuple[Any, str]:
    filesystem, root = fsspec.core.url_to_fs(url)
    return filesystem, root.rstrip("/")


def remote_checksums(url: str) -> dict[str, Any]:
    """The ``_checksums.json`` at ``url`` (empty when nothing was published yet)."""
    filesystem, root = _remote(url)
    path = f"{root}/{CHECKSUMS}"
    if not filesystem.exists(path):
        return {}
    with filesystem.open(path, "rb") as file:
        loaded: dict[str, Any] = json.loads(file.read())
    return loaded


def publish(lake: Lake, url: str) -> Published:
    """Copy every day whose content differs at ``url``; checksums and manifest last."""
    filesystem, root = _remote(url)
    local = lake.checksums()
    remote = remote_checksums(url)
    changed = sorted(day for day, sums in local.items() if remote.get(day) != sums)
    files = 0
    for day in changed:
        for table in TABLES:
            target = f"{root}/{table}/day={day}"
            if filesystem.exists(target):
                filesystem.rm(target, recursive=True)
            folder = lake.root / table / f"day={day}"
            for source in sorted(folder.rglob("*.parquet")):
                relative = source.relative_to(folder).as_posix()
                filesystem.makedirs(f"{target}/{relative.rsplit('/', 1)[0]}", exist_ok=True)
                filesystem.put_file(source.as_posix(), f"{target}/{relative}")
                files += 1
    if changed or not filesystem.exists(f"{root}/{MANIFEST}"):
        for name in (CHECKSUMS, MANIFEST):
            source = lake.root / name
            if source.exists():
                filesystem.put_file(source.as_posix(), f"{root}/{name}")
    logger.info("lake: published %d day(s), %d file(s) to %s", len(changed), files, url)
    return Published(changed, files)
