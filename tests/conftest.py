"""Shared fixtures for the non-interactive tests.

`run(*args, ...)` calls `sexting_protocol.cli.main` in-process with an `Env` of string streams,
so a test controls whether stdin/stdout are terminals, the environment and today's date.
`write(name, content)` puts a file in tmp_path; `protocol_copy(...)` / `contacts_copy(...)`
write an altered copy of a shipped data file (the alteration must find its anchor).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import pathlib
import re
import shutil
import tempfile
import textwrap
from typing import Any, NamedTuple, Optional

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SHARED = REPO.parent / "shared"
EXAMPLES = SHARED / "scenarios" / "examples.yaml"
CONTRACT = SHARED / "spec" / "triage-contract.md"
LEAFLET = SHARED / "seed" / "do-s-en-don-ts-sexting.txt"
FACTS = SHARED / "domain" / "facts.md"

# A fixed "today", so follow-up dates and report dates are known.
TODAY = dt.date(2026, 3, 2)

FLAGS = ["green", "yellow", "red", "black"]
CRITERIA = ["consent", "voluntariness", "equality", "age_appropriate", "context", "self_respect"]
JSON_KEYS = ["flag", "confirmed_flag", "urgent", "criteria", "routes", "contacts", "unknown", "asked", "plan",
             "reasons", "answers"]
ANSI = re.compile(r"\x1b\[")

# A case where nothing is wrong (the contract's worked example "consensual-peers"), as an answers file
# would hold it: every option as a string.
CLEAR: dict[str, Any] = {
    "immediate_danger": "no", "self_harm_concern": "no", "sexual_violence_recent": "no", "adult_involved": "no",
    "extortion": "no", "violent_content": "no", "other_person": "peer", "online_only_contact": "no",
    "age_depicted": 15, "age_other": 15, "made_by": "self", "voluntary": "yes", "recipient_wanted": "yes",
    "shared_further": "no", "spread_to_hurt": "no", "still_spreading": "no", "power_difference": "none",
    "context_ok": "yes", "impact": "none", "repeated": "no", "home_risk": "no",
    "exploitation": "no", "capacity_concern": "no",
}

_ENV_VARS = ("SEXTING_PROTOCOL_LANG", "SEXTING_PROTOCOL_FILE", "SEXTING_CONTACTS_FILE", "NO_COLOR", "FORCE_COLOR",
             "SEXTING_PROTOCOL_DEBUG")
_TMP: list[str] = []


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: builds a wheel and installs it in a fresh venv (runs by default; -m 'not slow' skips it)")
    # The tests choose language, files and colour themselves: nothing from the caller's shell. The
    # organisation's layer folder is an empty one, and the cache lives in a folder of its own.
    for name in _ENV_VARS:
        os.environ.pop(name, None)
    for name in ("SEXTING_PROTOCOL_HOME", "SEXTING_PROTOCOL_CACHE", "SEXTING_PROTOCOL_DOCUMENTS"):
        folder = tempfile.mkdtemp(prefix="sexting-protocol-tests-")
        _TMP.append(folder)
        os.environ[name] = folder


def pytest_unconfigure(config):
    for folder in _TMP:
        shutil.rmtree(folder, ignore_errors=True)


class Result(NamedTuple):
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(*args: str, stdin_tty: bool = False, stdout_tty: bool = False, environ: Optional[dict] = None,
            today: dt.date = TODAY, debug: bool = True) -> Result:
    """Run the command line in-process; `debug` lets an internal error raise instead of being
    turned into one line (so a bug shows its traceback in the test report)."""
    from sexting_protocol.cli.main import main
    from sexting_protocol.cli.env import Env

    env_vars = {k: os.environ[k] for k in ("SEXTING_PROTOCOL_HOME", "SEXTING_PROTOCOL_CACHE", "SEXTING_PROTOCOL_DOCUMENTS")
                if k in os.environ}
    env_vars.update(environ or {})
    if debug:
        env_vars.setdefault("SEXTING_PROTOCOL_DEBUG", "1")
    out, err = io.StringIO(), io.StringIO()
    env = Env(stdin=io.StringIO(), stdout=out, stderr=err, stdin_isatty=stdin_tty, stdout_isatty=stdout_tty,
              environ=env_vars, today=today)
    code = main([str(a) for a in args], env=env)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def run():
    return run_cli


def write_file(folder: pathlib.Path, name: str, content: Any) -> str:
    """Text is written as given (dedented); other content as JSON for .json, else YAML."""
    path = folder / name
    if isinstance(content, str):
        path.write_text(textwrap.dedent(content), encoding="utf-8")
    elif name.endswith(".json"):
        path.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def write(tmp_path):
    return lambda name, content: write_file(tmp_path, name, content)


def alter(text: str, old: str, new: str, after: Optional[str] = None) -> str:
    """Replace the first `old` (after the first `after`, when given); fail loudly when absent."""
    start = 0
    if after is not None:
        assert after in text, f"anchor {after!r} not found in the shipped file"
        start = text.index(after)
    i = text.find(old, start)
    assert i >= 0, f"{old!r} not found in the shipped file" + (f" after {after!r}" if after else "")
    return text[:i] + new + text[i + len(old):]


def line_of(text: str, snippet: str, after: Optional[str] = None) -> int:
    """1-based line of the first `snippet` (after `after`)."""
    start = text.index(after) if after else 0
    return text.count("\n", 0, text.index(snippet, start)) + 1


def shipped_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


@pytest.fixture
def protocol_text():
    return shipped_text("protocol.yaml")


@pytest.fixture
def contacts_text():
    return shipped_text("contacts.yaml")


@pytest.fixture(scope="session")
def bundle():
    from sexting_protocol.store import bundle as data

    return data.load()


@pytest.fixture(scope="session")
def engine(bundle):
    from sexting_protocol.core.engine import Engine

    return Engine(bundle.protocol)


@pytest.fixture(scope="session")
def engine_en(bundle):
    from sexting_protocol.core.engine import Engine

    return Engine(bundle.protocol)


def load_examples() -> list[dict]:
    if not EXAMPLES.exists():
        return []
    return yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))


def load_cases() -> list[dict]:
    return yaml.safe_load((DATA / "cases.yaml").read_text(encoding="utf-8"))


def expect_misses(out: dict, e: dict) -> list[str]:
    """What a decision object lacks against a scenario's `expect` (the keys check-scenarios reads)."""
    misses = []
    flag = out.get("flag")
    if "flag" in e and flag != e["flag"]:
        misses.append(f"flag {flag}, want {e['flag']}")
    if "flag_at_least" in e and (flag not in FLAGS or FLAGS.index(flag) < FLAGS.index(e["flag_at_least"])):
        misses.append(f"flag {flag}, want at least {e['flag_at_least']}")
    if "confirmed_flag" in e and out.get("confirmed_flag") != e["confirmed_flag"]:
        misses.append(f"confirmed_flag {out.get('confirmed_flag')}, want {e['confirmed_flag']}")
    if "urgent" in e and out.get("urgent") is not e["urgent"]:
        misses.append(f"urgent {out.get('urgent')}, want {e['urgent']}")
    for key, field in (("routes_include", "routes"), ("contacts_include", "contacts"), ("unknown_include", "unknown")):
        lacking = [x for x in e.get(key, []) if x not in (out.get(field) or [])]
        if lacking:
            misses.append(f"{field} lack {lacking}")
    extra = [x for x in e.get("routes_exclude", []) if x in (out.get("routes") or [])]
    if extra:
        misses.append(f"routes must not hold {extra}")
    if "max_asked" in e:
        asked = out.get("asked")
        if not isinstance(asked, list) or not asked or len(asked) > e["max_asked"]:
            misses.append(f"asked {asked!r}, want at most {e['max_asked']} questions")
    return misses


# --- a school's own folders (layers, init, cache) ------------------------------------------------


@pytest.fixture
def user_home(tmp_path, monkeypatch) -> pathlib.Path:
    """An empty HOME and no XDG or SEXTING_* folders in the process environment, so a test sees
    (with assert_no_leak) that nothing was written outside its own folders."""
    from sexting_protocol.text import catalogue

    # The interface texts are read once per process, through os.environ: read them here with the
    # cache off, before HOME is swapped, so that nothing is written anywhere.
    monkeypatch.setenv("SEXTING_PROTOCOL_CACHE", "off")
    catalogue.ui()
    home = tmp_path / "user-home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "SEXTING_PROTOCOL_HOME", "SEXTING_PROTOCOL_CACHE",
                 "SEXTING_PROTOCOL_FILE", "SEXTING_CONTACTS_FILE", "SEXTING_PROTOCOL_DOCUMENTS"):
        monkeypatch.delenv(name, raising=False)
    return home


def assert_no_leak(home: pathlib.Path) -> None:
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"written outside the test's folders: {written}"


class Org:
    """A school's config folder and cache folder, and the command line run against them."""

    def __init__(self, tmp_path: pathlib.Path, home: Optional[pathlib.Path] = None, cache: Optional[str] = None):
        self.tmp = tmp_path
        self.home = home or tmp_path / "org-config"
        self.cache = tmp_path / "org-cache"
        self.cache_setting = str(self.cache) if cache is None else cache

    def env(self, out=None, err=None, extra: Optional[dict] = None):
        from sexting_protocol.cli.env import Env

        environ = {"SEXTING_PROTOCOL_HOME": str(self.home), "SEXTING_PROTOCOL_CACHE": self.cache_setting,
                   "SEXTING_PROTOCOL_DEBUG": "1", **(extra or {})}
        return Env(stdin=io.StringIO(), stdout=out or io.StringIO(), stderr=err or io.StringIO(),
                   stdin_isatty=False, stdout_isatty=False, environ=environ, today=TODAY)

    def run(self, *args: str, extra: Optional[dict] = None) -> Result:
        from sexting_protocol.cli.main import main

        out, err = io.StringIO(), io.StringIO()
        code = main([str(a) for a in args], env=self.env(out, err, extra))
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def open_umask():
    """A umask that would leave new files readable by all: the tool must still write 0600."""
    old = os.umask(0)
    yield
    os.umask(old)


def mode(path) -> int:
    import stat

    return stat.S_IMODE(os.stat(path).st_mode)
