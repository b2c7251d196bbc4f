"""In a real terminal (issue 17): Enter at "Bestandsnaam" saves the report in the user's documents
folder as platformdirs finds it (here $HOME/Documents; no SEXTING_PROTOCOL_DOCUMENTS), never in
the folder the command was started in, and the session says where."""

from __future__ import annotations

import datetime as dt
import pytest

from test_pty import DOWN, ENTER, answer, settle, spawn  # noqa: F401

pexpect = pytest.importorskip("pexpect")


def test_enter_at_the_file_name_saves_in_the_documents_folder_and_says_where(spawn, tmp_path):
    child = spawn("triage", extra={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})  # started in tmp_path
    while (i := child.expect_exact(["verslag opslaan", "pijltjestoetsen en Enter", "(getal"])) != 0:
        child.send(ENTER)                                       # the first option, 'weet ik niet' to an age
        settle(child, i)
    child.expect_exact("pijltjestoetsen en Enter")
    child.send(ENTER)                                           # Markdown
    for prompt in ("Kenmerk van de casus", "Jouw rol", "Datum van het signaal"):
        child.expect_exact(prompt)
        child.send(ENTER)
    child.expect_exact("Bestandsnaam")
    child.expect_exact(str(tmp_path / "Documents"))             # the name offered, with its folder
    child.send(ENTER)
    child.expect(r"Geschreven \(alleen voor jou leesbaar\): (\S+\.md)")
    said = child.match.group(1)
    answer(child, "agenda", DOWN + ENTER)                       # no calendar
    child.expect_exact("Klaar.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    documents = tmp_path / "Documents"
    saved = sorted(p.name for p in documents.iterdir())
    assert len(saved) == 2 and saved[0].endswith(".json") and saved[1].endswith(".md"), saved
    assert saved[1].startswith(f"sexting-verslag-{dt.date.today().isoformat()}")
    assert [p for p in tmp_path.iterdir() if p.is_file()] == [], "nothing in the folder it was started in"
    assert said == str(documents / saved[1]), "the session says where the file went"
