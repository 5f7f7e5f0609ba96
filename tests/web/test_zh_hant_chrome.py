"""A Chinese reader meets no English in the pages' chrome.

Each demo role signs in, chooses 中文, and walks the pages its navigation
reaches (one page of each route pattern, a bounded number per role); every
word of Latin letters in the page's text is an English word a reader had
to read, unless it is

- data people typed (names, titles, e-mail addresses, enquiry texts): the
  templates mark it ``translate="no"`` (the HTML attribute for text that is
  not to be translated), and nothing inside such an element is checked;
- a name Chinese officials also write in Latin letters (scheme acronyms,
  units, standards: ``LATIN``), or an all-capital code such as a reference.

A label, heading, button, state, rule name or code left in English fails
the test with the page and the words. The same rule as
``shared/tools/crawl``'s, which finds words the same way.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

from tests.web.test_pages_world import Browser, Demo, demo, demo_template

__all__ = ["demo", "demo_template"]  # fixtures, shared with the other page tests

ROLES = (
    "applicant",
    "officer",
    "assessor",
    "member",
    "approver",
    "finance",
    "analyst",
    "auditor",
    "admin",
)
"""Every demo role but the plant engineer, whose pages need a running plant (tests/e2e)."""
PAGES_PER_ROLE = 45
LATIN = frozenset(
    """reind HK HKD RFS NIFS NIAS RTTP NITTP ITVF ITVF-ES TSSSU BUD EMF ESS TVP CRS PSTS RTH
    ITF ITC HKPC TID HKTDC HKSTP HKSTPC VTC OEE ISO ISA PackML OPC UA MQTT Sparkplug PDF CSV
    API SME kWh degC ml pcs BR LegCo GBA ASEAN FTA IPPA RCEP YYYY-MM-DD English TecONE
    Excel Word""".split()
)
"""Latin words a zh-Hant reader expects (as in ``shared/tools/crawl``)."""

_WORD = re.compile(r"[A-Za-z][A-Za-z_\-']{2,}")
_SKIP = re.compile(r"sign-out|/events$|/stream$|\.(pdf|csv|xlsx|zip|png|jpg|svg|js|css)$|/download")
_ID = re.compile(r"^(?:[0-9a-f]{8,}(?:-[0-9a-f]{4,})*|\d+|[A-Z0-9]+(?:-[A-Z0-9]+)+)$")


class _Page(HTMLParser):
    """The text a reader sees, outside ``translate="no"``, script and style; and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._open: list[bool] = []  # per open element: is it skipped?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag in {"br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"}:
            return
        # a page's <title> repeats its heading, which is checked; it may hold a typed name
        skipped = tag in {"script", "style", "svg", "title"} or found.get("translate") == "no"
        self._open.append(skipped)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not any(self._open):
            self.text.append(data)


def english_words(text: str) -> list[str]:
    """The words of ``text`` a Chinese reader would read as English."""
    return [w for w in _WORD.findall(text) if w not in LATIN and not w.isupper()]


_ASCII_COLON = re.compile(r"[\u3400-\u9fff）」]\s*:(?!//)")


def ascii_colons(text: str) -> list[str]:
    """Chinese labels followed by an English colon (狀況: 已遞交), with a little context.

    Chinese text writes the full-width colon (狀況：已遞交); templates write
    ``{{ colon }}``, which is the right one for the reader's language.
    """
    return [text[max(0, m.start() - 6) : m.end() + 6] for m in _ASCII_COLON.finditer(text)]


def pattern(path: str) -> str:
    """A route pattern: ids and references as ``*``, the query's keys without values."""
    parts = urlsplit(path)
    segments = ["*" if _ID.match(s) else s for s in parts.path.split("/")]
    keys = sorted(
        {kv.split("=")[0] for kv in parts.query.split("&") if kv and kv != "lang=zh-Hant"}
    )
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def walk(browser: Browser) -> dict[str, list[str]]:
    """Each page reached (one per route pattern) and the English words (or colons) on it."""
    todo: deque[str] = deque(["/"])
    seen: set[str] = set()
    found: dict[str, list[str]] = {}
    while todo and len(found) < PAGES_PER_ROLE:
        path = todo.popleft()
        if pattern(path) in seen:
            continue
        seen.add(pattern(path))
        answer = browser.get(path)
        if "html" not in answer.headers.get("content-type", ""):
            continue
        page = _Page()
        page.feed(answer.text)
        text = " ".join(page.text)
        found[path] = english_words(text) + ascii_colons(text)
        for href in page.links:
            link = urlsplit(href)
            if link.netloc or not link.path.startswith("/") or _SKIP.search(link.path):
                continue
            target = link.path + (f"?{link.query}" if link.query else "")
            if pattern(target) not in seen:
                todo.append(target)
    return found


def test_the_chrome_of_every_page_reads_chinese_for_every_role(demo: Demo) -> None:
    english: dict[str, list[str]] = {}
    walked = 0
    for role in ROLES:
        browser = demo.browser(role)
        browser.cookies.set("lang", "zh-Hant")
        pages = walk(browser)
        walked += len(pages)
        for path, words in pages.items():
            if words:
                english[f"{role} {path}"] = sorted(set(words))
    assert walked > 60
    assert english == {}


def test_a_chinese_label_takes_the_full_width_colon() -> None:
    assert ascii_colons("狀況: 已遞交 · 個案主任：陳") == ["狀況: 已遞交 ·"]
    assert ascii_colons("出處 https://www.itf.gov.hk · Note: x") == []


def test_user_data_is_left_out_only_where_marked() -> None:
    page = _Page()
    page.feed(
        '<h1>申請</h1><p translate="no">Golden <b>Egg</b> line</p><p>Status <span>Draft</span></p>'
    )
    assert english_words(" ".join(page.text)) == ["Status", "Draft"]
    assert pattern("/workbench/applications/5f0e8a8c-1d2b-4c3e?lang=zh-Hant&page=2") == (
        "/workbench/applications/*?page"
    )
