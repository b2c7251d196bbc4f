"""The browser front: an ASGI application (Starlette, Jinja2 templates with autoescape) over the
same views as the command line.

The server keeps nothing between requests: the data files are read once, at start; the page's
language travels in the address (`?lang=en`), and every page is made from the request alone.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, get_args

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..core.conversation import MAX_TEXT
from ..text.texts import language
from ..core.errors import DataError, UserError, shorten
from ..core.model import Kind
from ..render import html
from .pages import MAX_BODY, _page, render
from .security import DEBUG_VARIABLE, ERROR_KEYS, LOOPBACK, Guard, Hosts, failure

HERE = Path(__file__).resolve().parent
MAX_PROBLEMS = 10  # the problems of a posted or uploaded file shown on its page; the rest counted
MAX_LINE = 500  # characters of one problem shown


# --- the look-ups ----------------------------------------------------------------------------


async def home(request: Request) -> Response:
    return render(request, "home.html")


async def checklist(request: Request) -> Response:
    v = _page(request).v
    return render(request, "checklist.html", steps=v.p.steps, routes=v.p.triage.routes, images=v.images_blocks())


async def step(request: Request) -> Response:
    v = _page(request).v
    steps = {str(s.number): s for s in v.p.steps}  # by their text: 5,000 digits are never converted
    s = steps.get(request.path_params["n"])
    if s is None:
        raise HTTPException(404)
    numbers = [x.number for x in v.p.steps]
    n, i = s.number, numbers.index(s.number)
    return render(request, "section.html", title=v.step_title(s),
                  body=v.section_blocks(v.step_title(s), s, with_advice=n)[1:],
                  prev=numbers[i - 1] if i else None, next=numbers[i + 1] if i + 1 < len(numbers) else None)


async def route(request: Request) -> Response:
    v = _page(request).v
    routes = {r.id: r for r in v.p.triage.routes}
    r = routes.get(request.path_params["rid"])
    if r is None:
        raise HTTPException(404)
    body = v.route_blocks(r)
    return render(request, "section.html", title=body[0].text, body=body[1:])


async def followup(request: Request) -> Response:
    v = _page(request).v
    title = v.tx(v.p.followup.title)
    return render(request, "section.html", title=title, body=v.section_blocks(title, v.p.followup)[1:])


async def contacts(request: Request) -> Response:
    p = _page(request)
    v = p.v
    q = request.query_params.get("q", "").strip() or None
    kind = request.query_params.get("kind") or None
    kinds = list(get_args(Kind))
    if kind is not None and kind not in kinds:
        raise UserError(p.t("SP877", kind=kind if len(kind) <= 40 else kind[:39] + "…", allowed=", ".join(kinds)))
    found = v.find_contacts(q, kind)
    table = [v.contact_rows(found)] if found else []
    return render(request, "contacts.html", q=q or "", kind=kind or "", kinds=kinds, table=table, found=found,
                  missing=p.t("no_contacts", query=q or kind or "") if not found else None,
                  note=v.region_note())


async def advice(request: Request) -> Response:
    v = _page(request).v
    return render(request, "blocks.html", title=v.t("web_nav_advice"), body=v.advice_blocks(), nav="advice")


async def criteria(request: Request) -> Response:
    v = _page(request).v
    return render(request, "blocks.html", title=v.t("web_nav_criteria"), body=v.criteria_blocks(), top=2, nav="criteria")


async def handout(request: Request) -> Response:
    from .poster import poster

    p = _page(request)
    page, csp = poster(request.app.state.bundle, p.lang, dt.date.today())
    return HTMLResponse(page, headers={"content-security-policy": csp})


# --- errors: a page in the chosen language, never a traceback ----------------------------------


async def _error(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", status, code=status, message=message)


async def http_error(request: Request, exc: HTTPException) -> Response:
    key = ERROR_KEYS.get(exc.status_code, "SP885")
    return await _error(request, exc.status_code, _page(request).t(key))


def bounded(exc: UserError, t) -> str:
    """A user error's message as a page shows it: at most MAX_PROBLEMS problems of a file (the
    rest counted), each at most MAX_LINE characters; a file of 20,000 wrong keys is one page."""
    # a reader already names its first MAX_PROBLEMS and counts the rest in one more line
    limit = MAX_PROBLEMS + 1 if isinstance(exc, DataError) else MAX_PROBLEMS
    lines = [str(p) for p in exc.problems[:limit]] if isinstance(exc, DataError) else exc.message.split("\n")
    more = len(exc.problems) - limit if isinstance(exc, DataError) else len(lines) - limit
    lines = [shorten(x, MAX_LINE) for x in lines[:limit]]
    if more > 0:
        lines.append(t("SP876", n=more))
    return "\n".join(lines)


async def user_error(request: Request, exc: UserError) -> Response:
    return await _error(request, 400, bounded(exc, _page(request).t))


async def internal_error(request: Request, exc: Exception) -> Response:
    """Whatever no page answered (Starlette's last handler): a page with the failure's status
    (a client that went away, input nested too deep: 400); security.Guard logs it."""
    status, key = failure(exc)
    return await _error(request, status, _page(request).t(key))


def create_app(bundle=None, lang: Optional[str] = None, allowed_hosts: Optional[Iterable[str]] = None,
               environ: Optional[Mapping[str, str]] = None, contacts_form: Optional[bool] = None,
               sources: Optional[Mapping[str, Any]] = None) -> Starlette:
    """The application. Without arguments (`uvicorn --factory sexting_protocol.web:create_app`)
    it reads the shipped data with the organisation's layers, the language from
    SEXTING_PROTOCOL_LANG and the accepted Host names from SEXTING_PROTOCOL_ALLOWED_HOSTS
    (comma-separated, `name` or `name:port`; default: the loopback names). The page for the
    organisation's own contacts is off unless `contacts_form` (or SEXTING_PROTOCOL_CONTACTS_FORM=on)
    turns it on: `sexting-protocol web` does, on 127.0.0.1. `sources` says how the data was read
    ({protocol, contacts, layers}), to read it again the same way after that page saves."""
    from ..store import bundle as data
    from .own import routes as own_routes, switched_on
    from .triage import routes as triage_routes
    from .followup import routes as followup_routes

    environ = os.environ if environ is None else environ
    if bundle is None:
        bundle = data.load(environ=dict(environ))
    lang = language(lang or environ.get("SEXTING_PROTOCOL_LANG"), "SEXTING_PROTOCOL_LANG")
    if allowed_hosts is None:
        listed = environ.get("SEXTING_PROTOCOL_ALLOWED_HOSTS", "")
        allowed_hosts = [h for h in listed.split(",") if h.strip()] or LOOPBACK
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             finalize=html.visible)
    env.globals["max_text"] = MAX_TEXT  # a text field's maxlength: what a page's state carries
    routes = [
        Route("/", home),
        Route("/checklist", checklist),
        Route("/checklist/step/{n}", step),
        Route("/checklist/route/{rid}", route),
        Route("/checklist/followup", followup),
        Route("/contacts", contacts),
        *own_routes,
        Route("/advice", advice),
        Route("/criteria", criteria),
        Route("/handout", handout),
        *triage_routes,
        *followup_routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Application(routes=routes,  # the body's limit: security.Guard (its refusal is a page)
                      exception_handlers={HTTPException: http_error, UserError: user_error, Exception: internal_error})
    app.state.bundle, app.state.lang = bundle, lang
    app.state.environ = dict(environ)
    app.state.contacts_form = switched_on(contacts_form, environ)
    app.state.sources = {"protocol": None, "contacts": None, "layers": True, **(sources or {})}
    app.state.templates = Jinja2Templates(env=env)
    hosts = Hosts(allowed_hosts)

    async def refuse(scope, receive, send, status: int, key: str):
        request = Request({**scope, "app": app}, receive)
        response = render(request, "error.html", status, code=status, message=_page(request).t(key))
        await response(scope, receive, send)

    debug = bool(environ.get(DEBUG_VARIABLE))
    app.guard = lambda inner: Guard(inner, hosts=hosts, refuse=refuse, max_body=MAX_BODY, debug=debug)
    return app


class Application(Starlette):
    """Starlette with the Guard outside everything, its own error middleware and body limit
    included: so every answer, a failure's too, carries the security headers, and no exception
    reaches the server."""

    guard: Any = None

    def build_middleware_stack(self):
        stack = super().build_middleware_stack()
        return self.guard(stack) if self.guard is not None else stack
