"""The review app's guards: security headers on every response, and the checks a form must
pass (small, from the app's own origin, carrying the running app's CSRF token)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: A decision form is a few hundred bytes; anything much larger is not one.
MAX_FORM_BYTES = 16 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class FormGuard:
    """ASGI middleware: security headers on every response; a POST must be small and come from
    the app's own origin (the CSRF token is checked where the form is read)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        refused = _refusal(scope["method"], headers)
        if refused is not None:
            await _secure(refused)(scope, receive, send)
            return

        async def send_secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = list(message.get("headers", []))
                raw += [(k.encode(), v.encode()) for k, v in _SECURITY_HEADERS.items()]
                message = {**message, "headers": raw}
            await send(message)

        await self.app(scope, receive, send_secure)


#: ``same-origin``, not ``no-referrer``: under the latter browsers send ``Origin: null`` with
#: the app's own forms, which the origin check must refuse.
_SECURITY_HEADERS = {"content-security-policy": CSP, "x-content-type-options": "nosniff",
                     "referrer-policy": "same-origin", "x-frame-options": "DENY"}


def _secure(response: Response) -> Response:
    response.headers.update(_SECURITY_HEADERS)
    return response


def _refusal(method: str, headers: Mapping[str, str]) -> Response | None:
    """Why a request is refused before it reaches a route: None when it may go on."""
    if method not in ("GET", "HEAD", "POST"):
        return PlainTextResponse("method not allowed", status_code=405)
    if method != "POST":
        return None
    length = headers.get("content-length")
    if length is None or not length.isdigit():
        return PlainTextResponse("a form needs a Content-Length", status_code=411)
    if int(length) > MAX_FORM_BYTES:
        return PlainTextResponse(f"form too large (over {MAX_FORM_BYTES} bytes)",
                                 status_code=413)
    origin = headers.get("origin")
    host = headers.get("host", "")
    if origin is not None and origin != f"http://{host}":
        return PlainTextResponse("cross-origin form refused", status_code=403)
    if headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        return PlainTextResponse("cross-site form refused", status_code=403)
    return None


async def read_form(request: Request, csrf: str) -> dict[str, str]:
    """The urlencoded form (first value of each field), after the CSRF token is checked.

    Raises:
        PermissionError: the token is missing or wrong.
    """
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:  # Content-Length lied
        raise PermissionError("form too large")
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"),
                                           max_num_fields=50).items()}
    if not hmac.compare_digest(fields.get("csrf", ""), csrf):
        raise PermissionError("missing or wrong CSRF token: reload the page")
    return fields
