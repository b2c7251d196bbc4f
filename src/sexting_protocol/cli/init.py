"""Making the tool a school's own: `init` (its contacts file), `schema` (for editors) and
`handout` (the protocol on one printed sheet)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

from ..store import bundle as data
from ..core import schema
from ..core.errors import UserError
from .files import (Exists, announce, documents_dir, not_a_folder, os_error, private_folder,  # noqa: F401
                    write_all, write_private)
from ..store.yamlio import parse, show


def init(state, force: bool = False, as_json: bool = False, setting: Optional[str] = None) -> int:
    """Write the organisation's contacts file, with the layer schema beside it; with a setting,
    also its protocol layer that names the kind of organisation (contract version 3)."""
    settings = [x.id for x in state.bundle().protocol.settings]
    if setting is not None:  # read as an answers file reads it: `SPORT` is sport
        given, setting = setting, " ".join(setting.split()).lower()
        if setting not in settings:  # echoed as every refused value is: quoted, escaped, short
            raise UserError(state.t("SP854", value=show(given), allowed=", ".join(settings)))
    folder = data.config_dir(state.env.environ)
    target = folder / "contacts.yaml"
    files = [(str(target), None)]
    if setting is not None:
        files.append((str(folder / "protocol.yaml"), state.t("init_setting_file", setting=_scalar(setting, state.t))))
    try:
        private_folder(folder, state.t)  # 0700 whatever the umask: the school's own numbers
        files[0] = (str(target), Path(data.shipped("init-contacts.yaml")).read_text(encoding="utf-8"))
        written = write_all(files, force, state.t)
    except Exists:
        raise UserError(state.t("SP751", path=target), exit_code=1) from None
    except OSError as e:  # the folder cannot be made, or the template cannot be read
        raise os_error(e.filename or folder, e, state.t) from None
    schemas = [(str(folder / f"{kind}-layer.schema.json"), schema.dumps(schema.layer(kind)))
               for kind in ("contacts", "protocol")[:len(files)]]
    write_all(schemas, True, state.t)
    if as_json:
        state.json({"written": str(target), "schema": schemas[0][0], **({"protocol": written[1]} if setting else {})})
    else:
        announce(state.env, state.t("init_written", path=target))
        if setting:
            announce(state.env, state.t("init_setting_written", path=written[1], setting=setting))
    return 0


def _scalar(value: str, t) -> str:
    """A text as YAML that the tool reads back as the same text: plain where it is (`sport`),
    else double-quoted (`"club #2"` plain is `club`, `null` plain is nothing, `on` is true)."""
    try:
        if parse(f"v: {value}\n", "-", t) == {"v": value}:
            return value
    except UserError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def schemas(state, output: Optional[str], as_json: bool = False, force: bool = False) -> int:
    """Without --output one JSON object of all schemas (so --json changes nothing there). With it,
    the four files, none over an existing one without --force."""
    all_ = schema.all_schemas()
    if output is None:
        state.json(all_)
        return 0
    if not output.strip():
        raise UserError(state.t("SP753"))
    try:
        os.makedirs(output, exist_ok=True)
    except OSError as e:  # a file in the way (/dev/null), no permission, ...
        raise not_a_folder(output, e, state.t) from None
    files = [(os.path.join(output, name), schema.dumps(s)) for name, s in all_.items()]
    written = write_all(files, force, state.t, mode=0o644)  # a schema is no secret
    if as_json:
        state.json({"written": written})
    else:
        for path in written:
            announce(state.env, state.t("written_plain", path=path))
    return 0


def handout(state, output: Optional[str], force: bool = False, as_json: bool = False) -> int:
    """The poster for the staff room: one A4 sheet, both sides, as a self-contained HTML page
    (or the whole protocol's content as JSON). Without --output on a terminal the page is saved
    in the user's documents folder (raw HTML is no use on a screen); piped, it goes to stdout."""
    from ..render import to_json
    from ..present.views import View

    v = View(state.bundle(), state.lang, state.texts)
    p = v.p
    if as_json:
        contacts = [v.contact_json(c) for c in state.bundle().contacts.contacts if not c.historical]
        page = to_json({"title": v.tx(p.leaflet.title), "intro": v.tx(p.leaflet.intro),
                        "images_rule": v.images_json(), "steps": [v.section_json(s) for s in p.steps],
                        "zvh_route": v.section_json(p.zvh_route), "followup": v.section_json(p.followup),
                        **v.jsonable(v.advice()),
                        "contacts": contacts, "disclaimer": v.tx(p.leaflet.disclaimer)})
        return _emit(state, page, output, force)
    from ..web.poster import poster

    page, _ = poster(state.bundle(), state.lang, state.env.today)
    if output is None and state.env.stdout_isatty:
        return _save(state, page)
    if output is None and not _utf8(state.env.stdout):
        # the page declares UTF-8: to a stream in another encoding (a Windows redirect in cp1252,
        # PYTHONIOENCODING=latin-1) every character outside ASCII goes as a character reference,
        # which reads the same in all of them, rather than as a byte the page says is UTF-8
        page = page.encode("ascii", "xmlcharrefreplace").decode("ascii")
    return _emit(state, page, output, force)


def _save(state, page: str) -> int:
    """The poster in the documents folder, under a name not yet taken there; said where."""
    from ..present.report import free_name

    folder = documents_dir(state.env.environ)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise not_a_folder(str(folder), e, state.t) from None
    path = str(folder / free_name(str(folder), f"sexting-protocol-{state.lang}", ".html"))
    written = write_private(path, page, False, state.t, mode=0o644)  # the protocol and public numbers
    announce(state.env, state.t("handout_written", path=written))
    return 0


def _utf8(stream) -> bool:
    import codecs

    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _emit(state, page: str, output: Optional[str], force: bool) -> int:
    if output is None:
        state.env.out(page)
        return 0
    try:
        written = write_private(output, page, force, state.t)
    except Exists:
        raise UserError(state.t("SP751", path=output), exit_code=1) from None
    announce(state.env, state.t("written_plain", path=written))
    return 0
