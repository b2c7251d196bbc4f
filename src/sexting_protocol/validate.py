"""`sexting-protocol validate`: every problem in the files in use, not only the first.

The fast path (loading for a command) stops at the first type error; here the files are also
checked against the JSON Schema of the model, which lists all of them, each with its line.
"""

from __future__ import annotations

from . import data, schema
from .errors import DataError, Problem


def problems_in(src: data.Source, schema: dict) -> list[Problem]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(src.raw), key=lambda e: list(map(str, e.absolute_path))):
        parts = list(err.absolute_path)
        message = err.message if len(err.message) < 200 else err.message[:200] + "…"
        out.append(src.problem(parts, message))
    return out


def run(state, as_json: bool = False) -> int:
    env = state.env
    ppath, cpath = data.paths(state.protocol, state.contacts, env.environ)
    lproto, lcontacts = data.layer_paths(env.environ) if state.layers else (None, None)
    checks = [(ppath, schema.full("protocol")), (cpath, schema.full("contacts"))]
    checks += [(p, schema.layer(n)) for p, n in ((lproto, "protocol"), (lcontacts, "contacts")) if p]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    for path, s in checks:
        try:
            problems += problems_in(data.read(path), s)
        except DataError as e:
            problems += e.problems
    if not problems:
        try:
            bundle = data.load(state.protocol, state.contacts, state.layers, env, cache=False)
        except DataError as e:
            problems += e.problems
        else:
            warnings = data.missing_english(bundle)
    if as_json:
        def entry(p: Problem) -> dict:
            return {"file": p.file, "line": p.line, "path": p.path, "message": p.message}

        state.json({"ok": not problems, "files": [p for p, _ in checks], "problems": [entry(p) for p in problems],
                    "warnings": [entry(w) for w in warnings]})
        return 2 if problems else 0
    for w in warnings:
        env.err(f"{w} (warning)")
    for p in problems:
        env.err(str(p))
    if problems:
        env.err(f"{len(problems)} problem(s).")
        return 2
    env.out("OK: " + ", ".join(p for p, _ in checks))
    return 0
