"""Hostile and broken input, eighth round: a red-team pass of the newest surfaces (the page for
the organisation's own contacts, the browser's follow-up, the .zip, a case file named without
its folder, the case log in the reports). Each test names what it keeps fixed, and goes through
the command line (or the page) where a user would meet it."""

from __future__ import annotations

import pytest


# --- a case file named without its folder ----------------------------------------------------


@pytest.mark.parametrize("command", [("followup",), ("triage", "--answers")], ids=["followup", "triage"])
def test_a_case_file_name_too_long_for_the_documents_folder_is_not_an_internal_error(run, tmp_path, command):
    """`followup NAME.json` with a name longer than the file system allows (a pasted text, a
    mistake): the look-up in the documents folder ended in "interne fout (OSError: File name
    too long)". The reader's own message (the name is too long), exit 2."""
    documents = tmp_path / "documents"
    documents.mkdir()
    name = "a" * 300 + ".json"
    r = run(*command, name, environ={"SEXTING_PROTOCOL_DOCUMENTS": str(documents)})
    assert r.code == 2 and "SP704" in r.err and "interne fout" not in r.err, r.err
