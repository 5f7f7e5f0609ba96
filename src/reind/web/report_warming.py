"""Today's progress report rendered ahead of the analysts who will ask for it.

The report page keeps what it computed until a write reaches the records it
read (``reporting.kept``), but whatever a process has not yet kept it must
compute on the view that asks: the first view after a start (0.7 s on the
demo's SQLite, 2.5 s on PostgreSQL at 1,000,000 applications), the first of
a new day (every figure dated by it), and the first after a write (the parts
the write reached). A server renders the page for today in both languages at
start and every few seconds after (``Settings.report_warm_seconds``), through
the page's own ``report_page``: with nothing written since the last round a
round reads the tokens and renders from what is kept (a few milliseconds);
after a write it computes what the write reached, before an analyst asks.
Each process keeps its own parts, so each server process warms its own.
"""

from __future__ import annotations

from datetime import date

from reind.bootstrap import Platform
from reind.core.clock import hk_today
from reind.core.periodic import Periodic
from reind.reporting.progress import LANGUAGES
from reind.web.views.analyst import report_page


def warm_report(platform: Platform, day: date | None = None) -> None:
    """Render the report page as at ``day`` (today in Hong Kong) in every language, where the
    page reads (the replica when there is one), keeping what it computes."""
    as_of = day or hk_today()
    with platform.read_database.unit_of_work(read_only=True) as session:
        for lang in LANGUAGES:
            report_page(session, as_of, lang, platform.telemetry)


def report_warming(platform: Platform, every: float) -> Periodic:
    """The rounds of ``warm_report``, the first at once, then every ``every`` seconds."""
    return Periodic(
        "report-warming", "rendering the report ahead failed", lambda: warm_report(platform), every
    )
