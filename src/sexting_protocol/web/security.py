"""What guards the pages, because any website open in the same browser can send requests to a
local port (the threat Jupyter names):

- a request whose Host is not an address served is refused (DNS rebinding: a foreign name that
  resolves to 127.0.0.1 still carries its own name in the Host header);
- a POST (or any method that changes something) whose Origin, or Referer when there is no
  Origin, is not the page's own host is refused (a form on a foreign site);
- every answer gets a Content-Security-Policy that allows only the page's own origin, no
  sniffing, no referrer to other sites, and pages are not cached;
- every failure is answered with a page and a proper status, with these headers: the Guard sits
  outside the whole application, Starlette's own error middleware included, so no exception
  reaches the server (and no traceback the operator's terminal); the log gets one short line,
  the whole traceback only with SEXTING_PROTOCOL_DEBUG=1.

The access log names method, path and status only: never a query string or a form body. Every
log line is made visible (`loggable`): a path is the client's text, and ESC, BEL or a line break
in it would drive the operator's terminal or forge a line.
"""

from __future__ import annotations

import logging
import traceback
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

import anyio
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect

from ..core.errors import UserError, printable, shorten

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    # same-origin, not no-referrer: under no-referrer a browser posts `Origin: null` for the page's
    # own forms, and the Origin check could no longer tell them from a foreign form. Nothing is
    # sent to another site either way.
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")

DEBUG_VARIABLE = "SEXTING_PROTOCOL_DEBUG"
LOG_LIMIT = 300  # characters of a logged path: a request line can be many kB
BODY_TIMEOUT = 60.0  # seconds a client may pause while sending its body


def loggable(text: object, limit: int = LOG_LIMIT) -> str:
    """Text as it may stand in a log: every character that is not printable (ESC, BEL, a line
    break, a bidi override, a zero-width character) written as its escape (`\\x1b`, `\\n`,
    `\\u202e`), and at most `limit` characters."""
    return shorten(printable(str(text)), limit + 1)


def _trace(exc: BaseException) -> str:
    """A traceback whose lines are the program's own (files, code) and whose messages, which may
    hold a client's text, are escaped whole: a message cannot add a line."""
    chain, seen, e = [], set(), exc
    while e is not None and id(e) not in seen:
        chain.append(e)
        seen.add(id(e))
        e = e.__cause__ or (None if e.__suppress_context__ else e.__context__)
    out = []
    for e in reversed(chain):
        out.append("Traceback (most recent call last):")
        for frame in traceback.format_list(traceback.extract_tb(e.__traceback__)):
            out += [printable(line) for line in frame.rstrip("\n").split("\n")]
        out.append(loggable(f"{type(e).__name__}: {e}", 2000))
    return "\n".join(out)


class Escaped(logging.Filter):
    """The one place a web log line is made safe: the message with its arguments, and an
    exception's traceback (kept only when one is attached, that is with the debug setting)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "escaped", False):  # by the logger's filter, now at a handler's
            return True
        if isinstance(record.args, tuple):  # each value its own bound: a long path keeps the status
            record.args = tuple(loggable(a) if isinstance(a, str) else a for a in record.args)
        message = loggable(record.getMessage(), 4 * LOG_LIMIT)
        if record.exc_info and record.exc_info[1] is not None:
            message += "\n" + _trace(record.exc_info[1])
        record.msg, record.args, record.exc_info, record.exc_text = message, (), None, None
        record.escaped = True
        return True


access_log = logging.getLogger("sexting_protocol.web.access")
error_log = logging.getLogger("sexting_protocol.web.error")
for _log in (access_log, error_log):  # on the loggers themselves: whatever handler an ASGI server adds
    _log.addFilter(Escaped())


def split_host(value: str) -> tuple[str, Optional[str]]:
    """`name:port` → (name, port); an IPv6 address keeps its brackets."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        name, rest = value[:end + 1], value[end + 1:]
        return name, rest[1:] if rest.startswith(":") else None
    name, _, port = value.partition(":")
    return name, port or None


class Hosts:
    """The Host values accepted: `name` (any port) or `name:port`."""

    def __init__(self, allowed: Iterable[str]):
        self.allowed = [split_host(a) for a in allowed if a.strip()]

    def __contains__(self, host: str) -> bool:
        name, port = split_host(host)
        return any(name == n and (p is None or port == p) for n, p in self.allowed)


def same_origin(value: str, host: str) -> bool:
    """Whether an Origin or Referer value names the host the request was sent to. The scheme is
    not compared: behind a school's TLS proxy the page is https and the request it passes on is
    http."""
    try:
        u = urlsplit(value)
    except ValueError:
        return False
    return u.scheme in ("http", "https") and u.netloc.lower() == host.lower()


class BodyTimeout(HTTPException):
    """A client that stopped sending its body half-way and kept the connection open."""

    def __init__(self) -> None:
        super().__init__(408)


class TooLarge(HTTPException):
    """A body larger than the application takes (said by its Content-Length, or sent anyway)."""

    def __init__(self) -> None:
        super().__init__(413)


def failure(exc: BaseException) -> tuple[int, str]:
    """The status and the message (its code in messages.yaml) for a failure no page answered: the
    client's fault (400, or the HTTP error's own status) or the program's (500)."""
    if isinstance(exc, HTTPException):
        return exc.status_code, ERROR_KEYS.get(exc.status_code, "SP885")
    if isinstance(exc, (UserError, ClientDisconnect, MultiPartException, RecursionError, UnicodeDecodeError)):
        return 400, "SP885"  # RecursionError: input nested deeper than any reader goes
    return 500, "SP888"


ERROR_KEYS = {404: "SP883", 405: "SP884", 408: "SP886", 413: "SP887", 500: "SP888"}  # status: its message
BARE = b"<!DOCTYPE html><html><head><meta charset='utf-8'><title>%d</title></head><body><p>%d</p></body></html>"


class Guard:
    """Pure ASGI middleware around the whole application; `refuse(scope, receive, send, status,
    key)` renders the page for a refusal or a failure (a bare page if even that fails)."""

    def __init__(self, app, hosts: Hosts, refuse: Callable, max_body: int, debug: bool = False):
        self.app, self.hosts, self.refuse, self.max_body, self.debug = app, hosts, refuse, max_body, debug

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        method = scope["method"]
        status = None
        body_done, body_size = False, 0

        async def send_guarded(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out = list(message.get("headers", []))
                names = {k.lower() for k, _ in out}
                if b"content-security-policy" not in names:
                    out.append((b"content-security-policy", CSP.encode()))
                out += [h for h in HEADERS if h[0] not in names]
                page = dict(out).get(b"content-type", b"").startswith(b"text/html")
                if page and b"cache-control" not in names:
                    out.append((b"cache-control", b"no-store"))
                message = {**message, "headers": out}
            await send(message)

        async def receive_guarded():
            """The body within its size and time: a client that stops sending gets 408, not a
            wait forever; one that sends more than it may, 413."""
            nonlocal body_done, body_size
            if body_done:
                return await receive()
            try:
                with anyio.fail_after(BODY_TIMEOUT):
                    message = await receive()
            except TimeoutError:
                body_done = True
                raise BodyTimeout() from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            if message["type"] == "http.request":
                body_size += len(message.get("body", b""))
                if body_size > self.max_body:
                    body_done = True
                    raise TooLarge()
            return message

        try:
            if host not in self.hosts:
                return await self.refuse(scope, receive, send_guarded, 400, "SP881")
            if method not in SAFE_METHODS:
                origin = headers.get("origin") or headers.get("referer")
                if not origin or not same_origin(origin, host):
                    return await self.refuse(scope, receive, send_guarded, 403, "SP882")
            length = headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body:
                return await self.refuse(scope, receive, send_guarded, 413, "SP887")
            await self.app(scope, receive_guarded, send_guarded)
        except Exception as exc:  # every failure: a page (unless one was sent), one short line
            code, key = failure(exc)
            if status is None:
                try:
                    await self.refuse(scope, receive, send_guarded, code, key)
                except Exception:
                    await self.bare(send_guarded, code)
            if code >= 500:
                error_log.error("%s %s: internal error (%s)%s", method, scope.get("path", ""), type(exc).__name__,
                                "" if self.debug else f"; {DEBUG_VARIABLE}=1 logs the traceback",
                                exc_info=exc if self.debug else None)
        finally:
            # method and path only: a query string or a body may hold answers
            access_log.info("%s %s %s", method, scope.get("path", ""), status)

    @staticmethod
    async def bare(send, status: int) -> None:
        body = BARE % (status, status)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
