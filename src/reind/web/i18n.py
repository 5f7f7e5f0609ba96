"""English and Traditional Chinese for every page.

Templates mark text with ``{% trans %}`` / ``_()``; translations live in
``locale/zh_Hant_HK/LC_MESSAGES/messages.po`` and are compiled in memory at
start-up with Babel, so no binary ``.mo`` file is committed. The language
comes from ``?lang=``, then the ``lang`` cookie, then ``Accept-Language``.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

from reind.core.errors import ReindError

LANGUAGES = ("en", "zh-Hant")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_BABEL_LOCALE = {"zh-Hant": "zh_Hant_HK"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """Compiled translations for ``lang`` (English is the source language)."""
    folder = _BABEL_LOCALE.get(lang)
    if folder is None:
        return gettext.NullTranslations()
    po = LOCALE_DIR / folder / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=folder)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(request: Request) -> str:
    """The language this request should be answered in."""
    asked = request.query_params.get("lang") or request.cookies.get("lang")
    if asked in LANGUAGES:
        return asked
    header = request.headers.get("accept-language", "").lower()
    if header.startswith("zh"):
        return "zh-Hant"
    return "en"


def error_text(error: ReindError, lang: str) -> str:
    """A service's error message in ``lang``, through the message catalogue (API and pages)."""
    return error.localized(lang, translations(lang).gettext)
