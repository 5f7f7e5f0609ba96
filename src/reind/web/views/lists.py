"""What every paged list page shares: its filters read from the query string, its own URL.

The lists themselves are read by the aggregates' ``views`` modules
(``reind.core.paging``); a page only turns the query string into filters and
keeps them on the "Next page" link and the search form.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import Request

from reind.core.errors import InvalidInputError, Words
from reind.programme.applications.lists import ApplicationFilters


def base_url(request: Request) -> str:
    """This list's URL with its filters but without the page cursor."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor" and v]
    return f"{request.url.path}?{urlencode(kept)}" if kept else request.url.path


_DATE_NAMES = {
    "from": ("the first date", "開始日期"),
    "to": ("the last date", "結束日期"),
    "as_of": ("the date", "日期"),
}
"""The date filters in words, for the message that refuses one."""


def day(request: Request, name: str) -> date | None:
    """A date from the query string (YYYY-MM-DD), None when absent; anything else is a 400."""
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            "{name} must be a date written YYYY-MM-DD, not “{text}”",
            name=Words(name, *_DATE_NAMES.get(name, (name, name))),
            text=text,
        ) from None


def quick(request: Request) -> bool:
    """Whether a list counts a search's matches quickly (to ``QUICK_CAP``): unless ``count=all``.

    The page says "more than 1,000" and links to the same list with
    ``count=all``, which counts on to ``COUNT_CAP`` (``core.paging.cap_for``).
    """
    return request.query_params.get("count") != "all"


def sort_of(request: Request, default: str) -> str:
    """The list's order named in the query string (``sort``), its default when absent.

    A name the list does not offer is refused by the list itself (a 400).
    """
    return request.query_params.get("sort") or default


def application_filters(
    request: Request, state: str | None = None, me: str | None = None
) -> ApplicationFilters:
    """The filters of a list of applications from its query string.

    ``officer`` narrows to one officer's cases; ``officer=me`` to the reader's own (``me``).
    """
    params = request.query_params
    officer = params.get("officer") or None
    return ApplicationFilters(
        state=state,
        scheme=params.get("scheme") or None,
        industry=params.get("industry") or None,
        received_from=day(request, "from"),
        received_to=day(request, "to"),
        q=(params.get("q") or "").strip() or None,
        assigned_officer=me if officer == "me" else officer,
    )


INDUSTRY_LABELS = {
    "food_manufacturing": "Food manufacturing",
    "food_processing": "Food processing",
    "textiles": "Textiles and clothing",
    "construction_materials": "Construction materials",
    "medical_devices": "Medical devices",
    "pharmaceuticals": "Pharmaceuticals",
    "electronics": "Electronics",
    "printing": "Printing",
    "chemicals": "Chemicals",
    "metals": "Metals",
    "information_technology": "Information technology",
    "trading": "Trading",
    "services": "Services",
    "other": "Other",
}
"""Each industry code in words (msgids of their translations)."""
