"""`sexting-protocol validate`: every problem of every file in use, not only the first, each on
one line with its file, line and code, in the user's language.

It reads the files themselves, never the cache. Each file is first checked on its own (control
characters and depth, then the JSON Schema of the model, which lists every type problem); then
the files are loaded together as every command loads them, which adds the checks of ids and
references. A layer that commands leave out fails here (exit status 2).
"""

from __future__ import annotations

from ..store import bundle as data
from ..text import catalogue as messages
from ..core import schema
from ..core.errors import DataError, Problem
from ..text.texts import Texts


def problems_in(src: data.Source, file_schema: dict, lang: str = "nl") -> list[Problem]:
    """The schema's problems of a file: the first MAX_PROBLEMS (a file of 50,000 wrong entries
    is not validated to its end)."""
    import itertools

    import jsonschema

    from ..store.yamlio import MAX_PROBLEMS

    validator = jsonschema.Draft202012Validator(file_schema)
    errors = list(itertools.islice(validator.iter_errors(src.raw), MAX_PROBLEMS + 1))
    found = [x for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path)))
             for x in messages.from_jsonschema(err, file_schema)]
    more = -1 if len(errors) > MAX_PROBLEMS else None  # more errors than were asked for: not counted
    return messages.bounded(found, lambda f: messages.problem(src.problem, *f, lang), src.path, data.texts(lang), more)


def _own_problems(path: str, name: str, layer: bool, lang: str) -> list[Problem]:
    """The problems a file has on its own."""
    try:
        src = data.read_layer(path, lang) if layer else data.read(path, lang)
        data.checked(src, lang)
    except DataError as e:
        return e.problems
    return problems_in(src, schema.layer(name) if layer else schema.full(name), lang)


def run(state, as_json: bool = False) -> int:
    env, lang = state.env, state.lang
    ppath, cpath = data.paths(state.protocol, state.contacts, env.environ)
    lproto, lcontacts = data.layer_paths(env.environ) if state.layers else (None, None)
    checks = [(ppath, "protocol", False), (cpath, "contacts", False)]
    checks += [(p, n, True) for p, n in ((lproto, "protocol"), (lcontacts, "contacts")) if p]
    problems: list[Problem] = []
    unreadable = data.folder_problem(env.environ, lang) if state.layers else None
    if unreadable is not None:  # the school's layers cannot even be looked for
        problems.append(unreadable)
    broken: set[str] = set()
    for path, name, layer in checks:
        found = _own_problems(path, name, layer, lang)
        problems += found
        broken |= {path} if found else set()
    warnings: list[Problem] = []
    if not broken & {ppath, cpath}:
        try:
            bundle = data.load(state.protocol, state.contacts, state.layers, env, cache=False)
        except DataError as e:
            problems += e.problems
        else:  # what a file has on its own is listed above already
            problems += [p for p in bundle.layer_problems if p.file not in broken]
            warnings = data.missing_english(bundle, lang)
    files = [p for p, _, _ in checks]
    problems.sort(key=lambda p: files.index(p.file) if p.file in files else len(files))  # file by file
    t = Texts(lang, env.environ)
    if as_json:
        def entry(p: Problem) -> dict:
            return {"file": p.file, "line": p.line, "path": p.path, "code": p.code, "message": p.message}

        state.json({"ok": not problems, "files": files, "problems": [entry(p) for p in problems],
                    "warnings": [entry(w) for w in warnings]})
        return 2 if problems else 0
    for w in warnings:
        env.err(t("validate_warning", problem=w))
    for p in problems:
        env.err(str(p))
    if problems:
        env.err(t("validate_count", count=sum(p.more or 1 for p in problems)))
        return 2
    env.out(t("validate_ok", files=", ".join(files)))
    return 0
