"""Jinja2 templates with the i18n extension, one environment per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from reind.core.money import Money
from reind.reporting.figures import format_money
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


def _amount(value: Money | int) -> Money:
    return value if isinstance(value, Money) else Money(int(value))


@pass_context
def money(context: Context, value: Money | int) -> str:
    """An amount a person reads in a list or a case (a Money or integer cents).

    In Chinese as officials write them, by the progress report's own
    ``format_money`` (5,143萬港元, 32.29億港元; a sum owed is written 負...),
    so the office and the report read alike; in English to the cent, as the
    office has always shown them. Where money is entered or paid, pages use
    ``exact_money`` instead (ADR 0163).
    """
    amount = _amount(value)
    if context.get("lang") != "zh-Hant":
        return str(amount)
    written = format_money(-amount if amount.is_negative() else amount, "zh-Hant")
    return f"負{written}" if amount.is_negative() else written


@pass_context
def exact_money(context: Context, value: Money | int) -> str:
    """An amount to the cent, where money is claimed or paid (1,500,000港元, 12.50港元).

    The claim and payment screens and a ledger's movements: a figure finance
    reconciles with a bank statement, or an applicant with an invoice, must
    not be rounded to 萬 (ADR 0163).
    """
    amount = _amount(value)
    return amount.zh_words() if context.get("lang") == "zh-Hant" else str(amount)


def file_size(size: int) -> str:
    """A document's size as people read it: 512 B, 12.5 KB, 3.2 MB (never "0.0 KB")."""
    if size < 1024:
        return f"{size:,} B"
    if size < 1024 * 1024:
        return f"{size / 1024:,.1f} KB"
    return f"{size / (1024 * 1024):,.1f} MB"


_env.filters["file_size"] = file_size
_env.filters["money"] = money
_env.filters["exact_money"] = exact_money
templates = Jinja2Templates(env=_env)


def compile_all() -> int:
    """Compile every page template now (a server at start); how many there are."""
    names = _env.list_templates(extensions=["html"])
    for name in names:
        _env.get_template(name)
    return len(names)


def punctuation(lang: str) -> dict[str, Any]:
    """The colon and brackets a label takes in ``lang``: ``colon``, ``bracketed``.

    Chinese text writes them full width (狀況：已遞交, 審核中（申請人看到：已收到）); a
    template that wrote ``{{ _("Status") }}: `` put an English colon on every
    Chinese page. Templates write ``{{ _("Status") }}{{ colon }}`` instead.
    """
    chinese = lang == "zh-Hant"

    def bracketed(text: object) -> Markup:
        # an aside after the text it qualifies: "score (pass mark 60)", "評分（合格分數 60）"
        return Markup("（{}）").format(text) if chinese else Markup(" ({})").format(text)

    return {"colon": "：" if chinese else ": ", "bracketed": bracketed}


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """Render ``name`` in the request's language; remember an explicit choice."""
    lang = negotiate(request)
    env = templates.env
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    context.update(lang=lang, languages=LANGUAGES, other_lang="en" if lang != "en" else "zh-Hant")
    context.update(punctuation(lang))
    response = templates.TemplateResponse(request, name, context, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie("lang", lang, samesite="lax", httponly=True)
    return response


def render_fragment(name: str, lang: str, **context: Any) -> str:
    """Render a partial template to text in ``lang`` (for live updates pushed over SSE)."""
    env = templates.env
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env.get_template(name).render(lang=lang, **punctuation(lang), **context)
