"""The handout made to pin up in the staff room: one A4 sheet, both sides.

Front: whom to call at once, the four flags in their colours with what each means, the five
meldcode steps as a flow with the Zorg- en Veiligheidshuis route, "bij twijfel: overleg", and the
rule on images. Back: the do's and don'ts and the contacts, the school's own first. A date and the
version on both sides. One self-contained page (inline style, no script, nothing from elsewhere);
the web front serves it with a Content-Security-Policy that allows exactly its style.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from pathlib import Path

import jinja2

from .. import __version__
from ..present.views import View
from ..render.html import urgent, visible

HERE = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def _template() -> tuple[jinja2.Template, str, str]:
    """The template, its style and the style's CSP hash (made once: the server serves it often)."""
    css = (HERE / "templates" / "handout.css").read_text(encoding="utf-8")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, finalize=visible)
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("handout.html"), css, digest


def poster(bundle, lang: str, today: dt.date) -> tuple[str, str]:
    """The page and the Content-Security-Policy that lets its own style (and nothing else) in."""
    v = View(bundle, lang)
    p = v.p
    template, css, digest = _template()
    others = p.roles_elsewhere(p.setting or p.settings[0].id)
    contacts = [c for c in bundle.contacts.contacts if not c.historical and c.kind != "acuut" and c.id not in others]
    # whom to consult: step 2's, of this kind of organisation (a club has no zorgcoördinator), else its own roles
    consult = [c for cid in p.steps[1].contacts if cid not in others and (c := bundle.contact(cid)) and c.phone] \
        if len(p.steps) > 1 else []
    consult = consult or [c for c in contacts if c.kind == "intern" and c.phone]
    page = template.render(
        v=v, t=v.t, p=p, lang=lang, css=css, version=__version__, date=today.isoformat(),
        acute=urgent(v), consult=consult,
        school=[c for c in contacts if c.kind == "intern"], outside=[c for c in contacts if c.kind != "intern"],
        region_note=View(bundle, lang).region_note())
    csp = f"default-src 'none'; style-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    return page, csp
