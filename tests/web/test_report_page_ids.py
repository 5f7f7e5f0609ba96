"""The report's page counts each figure's records; only the provenance download lists them.

At 1,000,000 applications the page read about 253,000 record ids on every
view (3 to 6 s) to show 200 of each figure's (issue 16). The page now counts
them and links the download, which still carries every id.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from reind.core.clock import hk_today
from reind.core.db import Database
from reind.reporting.queries import QUERIES
from tests.web.test_pages_world import Demo, demo, demo_template
from tests.web.world import World

__all__ = ["demo", "demo_template"]  # fixtures

TODAY = hk_today().isoformat()
QUERY = f"as_of={TODAY}&report_lang=en"


@contextmanager
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement run on ``database`` inside the block."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()))

    event.listen(database.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", note)


def _binds_as_marks(sql: str) -> str:
    """``sql`` with every bound parameter as ``?`` (``:name`` as written, ``%(name)s`` as run)."""
    return re.sub(r"%\(\w+\)s|(?<!:):\w+|\?", "?", " ".join(sql.split()))


def reads_ids(sql: str) -> bool:
    """Whether ``sql`` fetches a figure's record ids (its records statement, or their join)."""
    records = {_binds_as_marks(q.records) for q in QUERIES}
    return "string_agg" in sql or _binds_as_marks(sql) in records


def test_the_page_counts_the_records_and_the_download_lists_them(demo: Demo) -> None:
    browser = demo.browser("analyst")
    with statements(demo.db) as seen:
        page = browser.get(f"/analyst/report.html?{QUERY}")
    assert page.status_code == 200
    assert seen and not [sql for sql in seen if reads_ids(sql)]
    assert f'href="/analyst/report-provenance.csv?as_of={TODAY}&amp;report_lang=en"' in page.text
    assert 'class="ids"' not in page.text

    with statements(demo.db) as seen:
        download = browser.get(f"/analyst/report-provenance.csv?{QUERY}")
    assert download.status_code == 200 and [sql for sql in seen if reads_ids(sql)]
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    listed = {row["figure"]: row["records"].split() for row in rows}
    assert any(listed.values()), "the download lists the record ids"
    counts = {key: page.text.count(f'id="prov-{key}"') for key in listed}
    assert all(counts.values())


def test_on_both_databases_the_page_reads_no_ids(any_world: World) -> None:
    with statements(any_world.db) as seen:
        page = any_world.client.get(
            f"/analyst/report.html?{QUERY}", headers=any_world.auth("analyst")
        )
    assert page.status_code == 200, page.text
    assert seen and not [sql for sql in seen if reads_ids(sql)]
