"""The page for the organisation's own contacts (/contacts/own): the internal roles, the region's
organisations and the setting, written as the organisation's layer, the file `init` writes
(`store.own` makes the form from the files, checks the new files with the loader every command
uses, and writes them with the one writer). This module decides nothing about the data.

On the local instance (`sexting-protocol web`, 127.0.0.1) the page is on. On a server a school
runs for others (`create_app` under its own ASGI server) it is off, a page that says so with
status 404, unless the operator turns it on (`create_app(contacts_form=True)` or
SEXTING_PROTOCOL_CONTACTS_FORM=on). Its post is guarded as every post is (security.Guard: the
Host, and an Origin or Referer of the page's own host).

After a save the application reads its data again, as at its start, so every page (the
contacts, the decision, the poster) shows the new contacts at once; the answer is a redirect
to the page, which says what was saved where (a reload does not post again).
"""

from __future__ import annotations

import threading
from typing import Any, Mapping, Optional

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..core.errors import UserError
from ..store import own as layer
from .pages import MAX_BODY, _page, render

SWITCH = "SEXTING_PROTOCOL_CONTACTS_FORM"
ON = frozenset({"1", "on", "yes", "true", "ja", "aan"})
MAX_FIELDS = 100  # the form has about 75; an extra hand-written entry is kept, not shown as fields
_LOCK = threading.Lock()  # one save at a time: check, write and reload together


def switched_on(value: Optional[bool], environ: Mapping[str, str]) -> bool:
    """The operator's choice: the argument, else the environment variable; off by default."""
    if value is not None:
        return bool(value)
    return environ.get(SWITCH, "").strip().lower() in ON


def _sources(app) -> dict[str, Any]:
    return app.state.sources


def _read(request: Request, lang: str) -> layer.Own:
    s = _sources(request.app)
    return layer.read(request.app.state.environ, s["protocol"], s["contacts"], lang, s["layers"])


async def page(request: Request) -> Response:
    p = _page(request)
    if not request.app.state.contacts_form:
        return render(request, "own_off.html", 404)
    own = await run_in_threadpool(_read, request, p.lang)
    saved = request.query_params.get("saved") == "1"
    return render(request, "own.html", own=own, values={}, errors={}, problems=[], saved=saved)


async def save(request: Request) -> Response:
    p = _page(request)
    if not request.app.state.contacts_form:
        return render(request, "own_off.html", 404)
    form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_BODY)
    posted = {k: v for k, v in form.items() if isinstance(v, str)}
    result = await run_in_threadpool(_save, request, p, posted)
    if result is None:
        return RedirectResponse(p.url("/contacts/own", saved="1"), status_code=303)
    own, errors, problems, status = result
    return render(request, "own.html", status, own=own, values=posted, errors=errors, problems=problems, saved=False)


def _save(request: Request, p, posted: dict[str, str]):
    """None when saved (or nothing changed); else what the page shows again: the form with the
    values posted, each problem at its field, and the status."""
    app, s = request.app, _sources(request.app)
    with _LOCK:
        own = _read(request, p.lang)
        if own.problems:  # the file on disk is broken: the page says so, and has no form
            return own, {}, [], 409
        if posted.get("_stamp") != own.stamp:
            return own, {}, [(None, p.t("SP892"))], 409
        new = layer.changes(own, posted)
        if not new:
            return None
        files = layer.texts(own, new, p.t)
        found = layer.check(own, files, app.state.environ, s["protocol"], s["contacts"], p.lang)
        if found:
            errors: dict[str, list[str]] = {}
            problems = []
            for problem in found:
                name = layer.field_of(own, problem, new)
                if name is not None:
                    errors.setdefault(name, []).append(problem.message)
                problems.append((name, str(problem) if name is None else problem.message))
            return own, errors, problems, 400
        try:
            layer.save(own, files, posted["_stamp"], p.t)
        except UserError as e:
            return own, {}, [(None, e.message)], 409 if isinstance(e, layer.Stale) else 400
        reload(app)
    return None


def reload(app) -> None:
    """The data again, as the application read it at its start: every page uses the new layer."""
    from ..store import bundle as data

    s = app.state.sources
    app.state.bundle = data.load(s["protocol"], s["contacts"], layers=s["layers"], environ=dict(app.state.environ))
    app.state.engine = None  # the triage's rules, made again from the new data on its next page


routes = [
    Route("/contacts/own", page, methods=["GET"]),
    Route("/contacts/own", save, methods=["POST"]),
]
