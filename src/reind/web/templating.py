"""Jinja2 templates with the i18n extension, one environment per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from reind.web.i18n import LANGUAGES, error_text, negotiate, translations

TEMPLATES = Path(__file__).resolve().parent / "templates"

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    extensions=["jinja2.ext.i18n"],
)
_env.policies["ext.i18n.trimmed"] = True
_env.globals["error_text"] = error_text


def typed(value: object) -> Markup:
    """Text people typed (a name, a title, a note) marked as not to be translated.

    ``translate="no"`` is HTML's own mark for such text: translation tools
    leave it alone, and the zh-Hant chrome test skips it, so a word of
    English in it is data, while one anywhere else is a missing translation.
    """
    return Markup('<span translate="no">{}</span>').format(value)


_env.filters["typed"] = typed
templates = Jinja2Templates(env=_env)


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render ``name`` in the request's language; remember an explicit choice."""
    lang = negotiate(request)
    env = templates.env
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    context.update(lang=lang, languages=LANGUAGES, other_lang="en" if lang != "en" else "zh-Hant")
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response


def render_fragment(name: str, lang: str, **context: Any) -> str:
    """Render a partial template to text in ``lang`` (for live updates pushed over SSE)."""
    env = templates.env
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env.get_template(name).render(lang=lang, **context)
