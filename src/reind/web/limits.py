"""A cap on request bodies, checked before anything is parsed or spooled.

Starlette spools uploads to disk without a size limit, so an unbounded body
could fill the disk before the document service ever sees it. This ASGI
middleware refuses a declared ``Content-Length`` over the cap at once and
stops reading a streamed body as soon as it passes the cap (413). A chunked
body has no ``Content-Length``: when it passes the cap, the form parser
that was reading it turns the error into its own 400, so whatever the app
answers then is replaced by the 413.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reind.web.problems import problem_response

MAX_BODY_BYTES = 21 * 1024 * 1024
"""Largest request body: a 20 MiB document plus its multipart framing."""


class BodyTooLargeError(Exception):
    """The client sent more than the cap."""


class BodyLimit:
    """Refuse request bodies larger than ``limit`` bytes with 413 problem details."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting the body's bytes."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        over = False
        refused = False
        started = False

        async def counted() -> Message:
            nonlocal seen, over
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    over = True
                    raise BodyTooLargeError
            return message

        async def answer(message: Message) -> None:
            nonlocal refused, started
            if not over or started:
                started = True
                await send(message)
            elif not refused:  # the app's answer to a body it could not read: ours instead
                refused = True
                await self._refuse(scope, receive, send)

        try:
            await self.app(scope, counted, answer)
        except BodyTooLargeError:
            if not refused and not started:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            {
                "type": "https://reind.example/problems/body_too_large",
                "title": "Request too large",
                "status": 413,
                "detail": f"the request body is over the limit of {self.limit} bytes",
                "code": "body_too_large",
                "instance": scope.get("path", ""),
            }
        )
        await response(scope, receive, send)
