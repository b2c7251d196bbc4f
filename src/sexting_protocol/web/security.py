"""What guards the pages, because any website open in the same browser can send requests to a
local port (the threat Jupyter names):

- a request whose Host is not an address served is refused (DNS rebinding: a foreign name that
  resolves to 127.0.0.1 still carries its own name in the Host header);
- a POST (or any method that changes something) whose Origin, or Referer when there is no
  Origin, is not the page's own host is refused (a form on a foreign site);
- every answer gets a Content-Security-Policy that allows only the page's own origin, no
  sniffing, no referrer to other sites, and pages are not cached.

The access log names method and path only: never a query string or a form body.
"""

from __future__ import annotations

import logging
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

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

access_log = logging.getLogger("sexting_protocol.web.access")


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


class Guard:
    """Pure ASGI middleware; `refuse(scope, status, key)` renders the refusal page."""

    def __init__(self, app, hosts: Hosts, refuse: Callable):
        self.app, self.hosts, self.refuse = app, hosts, refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        method = scope["method"]
        status = None

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

        try:
            if host not in self.hosts:
                return await self.refuse(scope, receive, send_guarded, 400, "web_err_host")
            if method not in SAFE_METHODS:
                origin = headers.get("origin") or headers.get("referer")
                if not origin or not same_origin(origin, host):
                    return await self.refuse(scope, receive, send_guarded, 403, "web_err_origin")
            await self.app(scope, receive, send_guarded)
        finally:
            # method and path only: a query string or a body may hold answers
            access_log.info("%s %s %s", method, scope.get("path", ""), status)
