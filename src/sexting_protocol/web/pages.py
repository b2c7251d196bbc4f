"""What every page of the browser front is made with: the `Page` a template gets (the view in
the page's language, links that keep it) and `render`. Below both app (the look-ups, the
composition) and triage (the conversation), which import it; it imports neither."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response

from .. import __version__
from ..text.texts import LANGS, Texts
from ..present.views import View
from ..render import html

MAX_BODY = 1 << 20  # a posted form or report is a few kB


class Page:
    """What every template gets: the view in the page's language, and links that keep it."""

    def __init__(self, request: Request, default_lang: str):
        asked = request.query_params.get("lang")
        self.lang = asked if asked in LANGS else default_lang
        self.default_lang = default_lang
        self.request = request
        self.v = View(request.app.state.bundle, self.lang)

    def t(self, key: str, **values: Any) -> str:
        return self.v.t(key, **values)

    def url(self, path: str, **params: Any) -> str:
        """A link within the site in this page's language."""
        if self.lang != self.default_lang:
            params.setdefault("lang", self.lang)
        query = urlencode({k: v for k, v in params.items() if v is not None})
        return path + ("?" + query if query else "")

    def here(self) -> str:
        """The path of this page as a link within the site: one leading slash (`//host/x`, `/\\host`
        and `/%2f%2fhost` would make a link to another site), every other character that could
        end or change the path (`?`, `#`, `%`, a space, a backslash) percent-encoded."""
        path = self.request.scope.get("path", "/")
        return "/" + quote(path.lstrip("/\\"), safe="/:@!$&'()*+,;=-._~")

    def switch(self) -> list[dict[str, str]]:
        """This very page in each other language."""
        here = dict(self.request.query_params)
        return [{"lang": lang, "name": Texts(lang)("web_lang_name"),
                 "href": self.here() + "?" + urlencode({**here, "lang": lang})}
                for lang in LANGS if lang != self.lang]

def _page(request: Request) -> Page:
    return Page(request, request.app.state.lang)


def render(request: Request, name: str, status: int = 200, **context: Any) -> Response:
    p = _page(request)
    return request.app.state.templates.TemplateResponse(
        request, name, {"p": p, "v": p.v, "t": p.t, "html": html, "version": __version__, **context},
        status_code=status)
