"""The protocol's conditions: one walker over a condition's parts, and what a condition is tested
against (`Ctx`). Everything that looks inside a condition without testing it (the checks of a
file, the questions a rule reads, the numbers where a rule turns) walks it with `walk`.
"""

from __future__ import annotations

from typing import Callable, Iterator, Mapping, Optional, Union

from .model import UNKNOWN, Cond

Value = Union[str, int]
Answers = Mapping[str, Value]
Path = tuple


def parts(c: Cond) -> list[tuple[Path, Cond]]:
    """The conditions c is made of, each with its step of the path (`("all", 0)`, `("not",)`)."""
    out: list[tuple[Path, Cond]] = [(("all", i), x) for i, x in enumerate(c.all_ or [])]
    out += [(("any", i), x) for i, x in enumerate(c.any_ or [])]
    return out + ([(("not",), c.not_)] if c.not_ is not None else [])


def walk(c: Optional[Cond], named: Optional[Mapping[str, Cond]] = None, path: Path = (),
         keep: Optional[Callable[[Path, Cond], bool]] = None) -> Iterator[tuple[Path, Cond]]:
    """Every condition in c, c first, depth first in the order they are written, each with its
    path (`path` and the steps below it). With `named`, a named condition (`holds`) is walked in
    its place (the named conditions only name those defined before them: the walk ends). A part
    for which `keep(path, part)` is false is left out, with the parts below it."""
    stack = [(path, c)] if c is not None else []
    while stack:
        at, x = stack.pop()
        if named is not None and x.holds is not None:
            stack.append((at, named[x.holds]))
            continue
        if keep is not None and not keep(at, x):
            continue
        yield at, x
        stack += [((*at, *step), sub) for step, sub in reversed(parts(x))]


def read(c: Cond) -> list[str]:
    """The questions one part reads itself (not those of its parts)."""
    return [c.q] if c.q else list(c.gap or c.younger or [])


def questions(c: Optional[Cond], named: Optional[Mapping[str, Cond]] = None) -> list[str]:
    """The question ids a condition reads (with `named`, the named conditions' too), in the order
    they are written, once each."""
    out: list[str] = []
    for _, x in walk(c, named):
        out += [q for q in read(x) if q not in out]
    return out


def turns(c: Cond) -> Iterator[tuple[str, Optional[str], int]]:
    """Where a number question makes a part of c turn: (question, None, n) where the answer is
    compared with n, (question, other, n) where the gap between it and the other one is."""
    for _, x in walk(c):
        for bound in (x.lt, x.gte, x.is_, *(x.in_ or [])):
            if not isinstance(bound, int) or isinstance(bound, bool):
                continue
            if x.gap:
                a, b = x.gap
                yield a, b, bound
                yield b, a, bound
            else:
                for q in [x.q] if x.q else (x.younger or []):
                    yield q, None, bound


class Ctx:
    """What a condition is tested against; named conditions are worked out once."""

    __slots__ = ("answers", "named", "setting", "criteria", "flag", "routes", "priority", "_memo")

    def __init__(self, answers: Answers, named: Mapping[str, Cond], setting: str, criteria=None, flag=None,
                 routes=(), priority=None):
        self.answers, self.named, self.setting = answers, named, setting
        self.criteria, self.flag, self.routes, self.priority = criteria or {}, flag, routes, priority
        self._memo: dict[str, bool] = {}

    def holds(self, c: Cond) -> bool:
        if c.all_ is not None:
            return all(self.holds(x) for x in c.all_)
        if c.any_ is not None:
            return any(self.holds(x) for x in c.any_)
        if c.not_ is not None:
            return not self.holds(c.not_)
        if c.holds is not None:
            if c.holds not in self._memo:
                self._memo[c.holds] = self.holds(self.named[c.holds])
            return self._memo[c.holds]
        if c.q is not None:
            return _test(self.answers.get(c.q, UNKNOWN), c)
        if c.criterion is not None:
            return _test(self.criteria.get(c.criterion, UNKNOWN), c)
        if c.flag is not None:
            return self.flag in c.flag
        if c.route is not None:
            return c.route in self.routes
        if c.priority is not None:
            return self.priority in c.priority
        if c.setting is not None:
            return self.setting in c.setting
        pair = c.gap or c.younger
        a, b = (self.answers.get(q, UNKNOWN) for q in pair)
        if not (isinstance(a, int) and isinstance(b, int)):
            return False
        return _test(abs(a - b) if c.gap else min(a, b), c)

    def why(self, c: Cond) -> list[str]:
        """The questions whose answers make c hold (of an `any`, only the parts that hold)."""
        out: list[str] = []
        if c.all_ is not None:
            held = c.all_
        elif c.any_ is not None:
            held = [x for x in c.any_ if self.holds(x)]
        elif c.holds is not None:
            held = [self.named[c.holds]]
        else:
            return read(c)
        for x in held:
            out += [q for q in self.why(x) if q not in out]
        return out


def _test(v: Value, c: Cond) -> bool:
    if c.is_ is not None:
        return v == c.is_
    if c.in_ is not None:
        return v in c.in_
    if not isinstance(v, int):
        return False
    return v < c.lt if c.lt is not None else v >= c.gte
