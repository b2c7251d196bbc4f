"""What a professional sees in a terminal of 80 columns and 24 rows, read off a terminal emulator
(pyte) fed with the real session's output in a pseudo-terminal."""

from __future__ import annotations

import io
import os
import sys
import time

import pytest

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

COMMAND = os.path.join(os.path.dirname(sys.executable), "sexting-protocol")
ROWS, COLS = 24, 80
STAFF = ("immediate_danger: no\nself_harm_concern: no\nsexual_violence_recent: no\nadult_involved: yes\n"
         "other_person: staff_or_volunteer\nage_depicted: 16\nage_other: 34\nstill_spreading: no\nhome_risk: no\n")


def screen_at(tmp_path, text: str, colour: bool) -> list[str]:
    """Start the triage on an answers file, accept the review, and return the screen's rows
    when the confirmation question shows."""
    if not os.path.exists(COMMAND):
        pytest.skip("sexting-protocol is not installed beside this interpreter")
    (tmp_path / "casus.yaml").write_text(text, encoding="utf-8")
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), "TERM": "xterm-256color",
           "PROMPT_TOOLKIT_NO_CPR": "1", "LANG": "C.UTF-8", "SEXTING_PROTOCOL_HOME": str(tmp_path / "config"),
           "SEXTING_PROTOCOL_CACHE": "off", **({} if colour else {"NO_COLOR": "1"})}
    log = io.StringIO()
    child = pexpect.spawn(COMMAND, ["triage", "--answers", "casus.yaml"], cwd=str(tmp_path), env=env,
                          encoding="utf-8", timeout=30, dimensions=(ROWS, COLS))
    child.logfile_read = log
    try:
        child.expect_exact("Kloppen je antwoorden")
        child.send("\r")
        child.expect_exact("bevestig de vlag")
        time.sleep(0.5)  # let the prompt finish drawing
        try:
            child.read_nonblocking(100000, timeout=0.5)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
    finally:
        child.terminate(force=True)
    screen = pyte.Screen(COLS, ROWS)
    pyte.Stream(screen).feed(log.getvalue())
    return screen.display


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_the_first_actions_and_their_numbers_are_on_screen_at_the_confirmation(tmp_path, colour):
    rows = screen_at(tmp_path, STAFF, colour)
    shown = "\n".join(rows)
    assert "bevestig de vlag" in shown
    assert "EERST DOEN (vandaag)" in shown, shown
    assert "bevoegd gezag" in shown and "0900-8844" in shown, shown
    assert "VOORSTEL: ZWART" in shown, shown


SEXTORTION_SUICIDAL = ("immediate_danger: no\nself_harm_concern: yes\nsexual_violence_recent: no\nadult_involved: unknown\n"
                       "extortion: yes\nviolent_content: no\nother_person: unknown\nonline_only_contact: yes\nage_depicted: 16\n"
                       "made_by: self\nvoluntary: yes\nrecipient_wanted: yes\nshared_further: no\nstill_spreading: no\nimpact: severe\nhome_risk: unknown\n")


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
def test_sextortion_with_suicidal_thoughts_keeps_113_blame_and_the_extortion_advice_in_view(tmp_path, colour):
    """The worked example v3-sextortion-suicidal: when the flag is to be confirmed, 113, "not to
    blame" and the advice on the blackmail stand on the 80x24 screen."""
    shown = " ".join(" ".join(screen_at(tmp_path, SEXTORTION_SUICIDAL, colour)).split())
    assert "bevestig de vlag" in shown
    assert "113" in shown, shown
    assert "geen schuld" in shown, shown
    assert "niets (meer) betalen" in shown, shown
