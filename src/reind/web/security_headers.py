"""Security headers on every response, whichever layer answered it.

An ASGI layer outermost in the stack, so the hot path's answers, the body
limit's 413 and the static files carry the same headers as the pages:

* a Content-Security-Policy that allows script and style from this origin
  only (no inline script or style: page behaviour lives in ``static/*.js``),
  and ``frame-ancestors 'none'`` so no other site can frame the plant
  controls (clickjacking); ``X-Frame-Options: DENY`` says the same to older
  browsers (the analyst's report preview, shown in a frame of our own page,
  may be framed by this origin only);
* ``X-Content-Type-Options: nosniff``, so a browser never runs an upload or
  a JSON answer as something else;
* ``Referrer-Policy: same-origin``: case ids in our URLs never leave the site;
* ``Strict-Transport-Security`` when the request came over TLS.

The interactive API documentation (Swagger UI) loads its script and style
from the jsDelivr CDN, so its page alone also allows that origin; its own
start-up script is a static file like every other.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
"""The policy of every response but the API documentation's."""
DOCS_CDN = "https://cdn.jsdelivr.net"
DOCS_CSP = CSP.replace("script-src 'self'", f"script-src 'self' {DOCS_CDN}").replace(
    "style-src 'self'", f"style-src 'self' {DOCS_CDN}"
)
"""The API documentation page's policy: Swagger UI's files come from its CDN."""
DOCS_PATH = "/api/v1/docs"
FRAMED_BY_US = frozenset({"/analyst/report.html"})
"""Pages our own pages show in a frame (the analyst's report preview): framed by this origin
only (``frame-ancestors 'self'``, ``X-Frame-Options: SAMEORIGIN``), never by another site.
The report is one self-contained document, the same bytes the PDF is printed from, so its
styles are inline: its policy allows inline style (never script)."""
FRAMED_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
HSTS = "max-age=31536000; includeSubDomains"
"""One year, as browsers' preload lists expect."""

_COMMON = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


class SecurityHeaders:
    """Adds the security headers to every HTTP response of ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on and add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path")
        framed = path in FRAMED_BY_US
        policy = DOCS_CSP if path == DOCS_PATH else FRAMED_CSP if framed else CSP
        secure = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                for name, value in _COMMON:
                    headers[name] = value
                if framed:
                    headers["X-Frame-Options"] = "SAMEORIGIN"
                if secure:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, with_headers)
