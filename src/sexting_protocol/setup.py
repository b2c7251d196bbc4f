"""Making the tool a school's own: `init` (its contacts file), `schema` (for editors) and
`handout` (the protocol on one printed sheet)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from . import data, schema
from .errors import UserError
from .files import Exists, write_private


def init(state, force: bool = False) -> int:
    """Write the organisation's contacts file, with the layer schema beside it."""
    folder = data.config_dir(state.env.environ)
    target = folder / "contacts.yaml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        template = Path(data.shipped("init-contacts.yaml")).read_text(encoding="utf-8")
        write_private(str(target), template, force)
    except Exists:
        raise UserError(state.t("err_exists", path=target), exit_code=1) from None
    except OSError as e:
        raise UserError(f"{folder}: {e.strerror}") from None
    write_private(str(folder / "contacts-layer.schema.json"), schema.dumps(schema.layer("contacts")), force=True)
    state.env.out(state.t("init_written", path=target))
    return 0


def schemas(state, output: Optional[str]) -> int:
    all_ = schema.all_schemas()
    if output is None:
        state.json(all_)
        return 0
    os.makedirs(output, exist_ok=True)
    for name, s in all_.items():
        write_private(os.path.join(output, name), schema.dumps(s), force=True)
        os.chmod(os.path.join(output, name), 0o644)  # a schema is no secret
        state.env.out(state.t("written_plain", path=os.path.join(output, name)))
    return 0


def handout(state, output: Optional[str], force: bool = False) -> int:
    """The whole protocol as one self-contained HTML page for the staff room."""
    from .render import html
    from .views import View

    v = View(state.bundle(), state.lang)
    p = v.p
    blocks = [*v.images_blocks()]
    for s in p.steps:
        blocks += v.section_blocks(v.step_title(s), s)
    blocks += v.section_blocks(v.tx(p.zvh_route.title), p.zvh_route)
    blocks += v.section_blocks(v.tx(p.followup.title), p.followup)
    blocks += v.advice_blocks()
    contacts = [c for c in state.bundle().contacts.contacts if not c.historical]
    blocks += v.contacts_blocks(contacts, state.bundle().region_note(state.lang))
    page = html(blocks, title=v.tx(p.leaflet.title), lang=state.lang, intro=v.tx(p.leaflet.intro),
                footer=v.tx(p.leaflet.disclaimer))
    if output is None:
        state.env.out(page)
        return 0
    try:
        written = write_private(output, page, force)
    except Exists:
        raise UserError(state.t("err_exists", path=output), exit_code=1) from None
    state.env.out(state.t("written_plain", path=written))
    return 0
