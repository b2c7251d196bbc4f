"""`sexting-protocol validate`: every problem in the files in use, not only the first.

The fast path (loading for a command) stops at the first type error; here the files are also
checked against the JSON Schema of the model, which lists all of them, each with its line.
"""

from __future__ import annotations

from . import data, model, yamlio
from .errors import DataError, Problem


def problems_in(src: data.Source, typ) -> list[Problem]:
    import jsonschema
    import msgspec

    schema = msgspec.json.schema(typ)
    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(src.raw), key=lambda e: list(map(str, e.absolute_path))):
        parts = list(err.absolute_path)
        message = err.message if len(err.message) < 200 else err.message[:200] + "…"
        out.append(src.problem(parts, message))
    return out


def run(state) -> int:
    env = state.env
    ppath, cpath = data.paths(state.protocol, state.contacts)
    problems: list[Problem] = []
    typed = True
    for path, typ in ((ppath, model.Protocol), (cpath, model.Contacts)):
        try:
            src = data.read(path)
        except DataError as e:
            problems += e.problems
            typed = False
            continue
        found = problems_in(src, typ)
        problems += found
        typed = typed and not found
    if typed:
        try:
            bundle = state.bundle()
        except DataError as e:
            problems += e.problems
        else:
            for w in data.missing_english(bundle):
                env.err(f"{w} (warning)")
    for p in problems:
        env.err(str(p))
    if problems:
        env.err(f"{len(problems)} problem(s).")
        return 2
    env.out(f"OK: {ppath}, {cpath}")
    return 0
