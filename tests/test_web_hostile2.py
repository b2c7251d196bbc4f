"""The browser front against hostile and broken input, second file: a fifth fresh red-team pass
of the continue-a-case upload, the one-page summary and the downloads (issue 18)."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from test_web_hostile import client, guarded  # noqa: E402, F401 (client: a fixture)
from test_web import home  # noqa: E402, F401 (home: a fixture)
from test_web_triage import ORIGIN, Page, tx  # noqa: E402

from conftest import CLEAR  # noqa: E402


@pytest.mark.parametrize("name", ["verslag.md", "verslag.txt", "VERSLAG.MD", "casus-" + "x" * 90 + ".md"])
def test_a_report_for_reading_uploaded_to_continue_says_so_as_the_command_line_does(client, run, write, tmp_path,
                                                                                     name):
    """`triage --answers verslag.md` says the report is for reading and names the JSON saved
    beside it; the same report uploaded at "continue a case" got "YAML-fout: while scanning a
    block scalar did not find expected comment or line break" (Markdown) or "een
    antwoordenbestand koppelt vraag-ids aan antwoorden" (text): one reader, one message."""
    kind = name.lower().rsplit(".", 1)[1]
    r = run("triage", "--answers", write("a.yaml", CLEAR), "--report", tmp_path / f"r.{kind}")
    assert r.code == 0, r.err
    content = (tmp_path / f"r.{kind}").read_bytes()
    page = client.post("/triage/continue", files={"file": (name, content)}, headers=ORIGIN)
    assert page.status_code == 400 and guarded(page)
    words = Page(page.text).words()
    shown = name if len(name) <= 80 else name[:76] + "….md"  # a long name is shortened, its extension kept
    assert tx("SP811", path=shown, json=shown.rsplit(".", 1)[0] + ".json") in words, words
    assert "YAML" not in words


def test_the_zip_the_browser_gave_uploaded_to_continue_says_to_unpack_it(client, run, write, tmp_path):
    """The browser saves a report with its case file in a .zip; given back, it said "not UTF-8,
    save it as UTF-8 in Kladblok", which sends the user the wrong way. The command line too."""
    page = client.post("/triage/continue", files={"file": ("sexting-verslag-2026-03-02.zip", b"PK\x03\x04\x14\x00")},
                       headers=ORIGIN)
    assert page.status_code == 400 and guarded(page)
    words = Page(page.text).words()
    assert tx("SP815", path="sexting-verslag-2026-03-02.zip") in words and "UTF-8" not in words
    (tmp_path / "v.zip").write_bytes(b"PK\x03\x04\x14\x00")
    for command in ("followup", "triage"):
        args = [command, tmp_path / "v.zip"] if command == "followup" else [command, "--answers", tmp_path / "v.zip"]
        r = run(*args, debug=False)
        assert r.code == 2 and "pak het uit en kies het JSON-bestand" in r.err, r.err
