"""Writing files: readable by the owner alone, atomically, never over an existing file without force."""

from __future__ import annotations

import os

import pytest

from conftest import mode
from sexting_protocol.cli import files
from sexting_protocol.core.errors import UserError


def leftovers(folder, keep):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def test_writes_mode_0600_whatever_the_umask(tmp_path, open_umask):
    path = tmp_path / "verslag.md"
    written = files.write_private(str(path), "inhoud\n")
    assert written == str(path)
    assert path.read_text(encoding="utf-8") == "inhoud\n"
    assert mode(path) == 0o600
    assert leftovers(tmp_path, {"verslag.md"}) == []


def test_relative_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = files.write_private("v.txt", "x")
    assert os.path.isabs(written) and os.path.samefile(written, tmp_path / "v.txt")


def test_utf8_and_unix_newlines(tmp_path):
    path = tmp_path / "v.txt"
    files.write_private(str(path), "zorgcoördinator\nregel 2\n")
    assert path.read_bytes() == "zorgcoördinator\nregel 2\n".encode("utf-8")


def test_refuses_an_existing_file(tmp_path):
    path = tmp_path / "v.md"
    path.write_text("ouder", encoding="utf-8")
    with pytest.raises(files.Exists) as e:
        files.write_private(str(path), "nieuw")
    assert e.value.exit_code == 1
    assert path.read_text(encoding="utf-8") == "ouder"
    assert leftovers(tmp_path, {"v.md"}) == []


@pytest.mark.parametrize("force", [False, True])
def test_refuses_a_dangling_symlink(tmp_path, force):
    link = tmp_path / "v.md"
    link.symlink_to(tmp_path / "elders.md")
    with pytest.raises(UserError) as e:  # a link is not a file to write over (issue 18)
        files.write_private(str(link), "nieuw", force=force)
    assert "geen gewoon bestand" in e.value.message
    assert not (tmp_path / "elders.md").exists() and link.is_symlink()


def test_force_replaces_and_sets_0600(tmp_path, open_umask):
    path = tmp_path / "v.md"
    path.write_text("ouder", encoding="utf-8")
    os.chmod(path, 0o644)
    files.write_private(str(path), "nieuw", force=True)
    assert path.read_text(encoding="utf-8") == "nieuw"
    assert mode(path) == 0o600
    assert leftovers(tmp_path, {"v.md"}) == []


def test_a_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError) as e:
        files.write_private(str(tmp_path / "nope" / "v.md"), "x")
    assert "nope" in e.value.message


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", broken_fsync)
    with pytest.raises(UserError) as e:  # the user's problem (exit 2), not an internal error
        files.write_private(str(tmp_path / "v.md"), "x" * 10_000)
    assert e.value.exit_code == 2
    assert str(tmp_path / "v.md") in e.value.message and "de schijf is vol" in e.value.message and "Niets geschreven" in e.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_folder_at_the_path_with_force_is_a_user_error(tmp_path):
    folder = tmp_path / "verslag.md"
    folder.mkdir()
    with pytest.raises(UserError) as e:
        files.write_private(str(folder), "x", force=True)
    assert e.value.exit_code == 2
    assert str(folder) in e.value.message
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert leftovers(tmp_path, {"verslag.md"}) == [], "no temp file left behind"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_folder_without_permission_is_a_user_error(tmp_path):
    folder = tmp_path / "dicht"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(UserError) as e:
            files.write_private(str(folder / "v.md"), "x")
        assert str(folder / "v.md") in e.value.message
    finally:
        folder.chmod(0o700)
    assert list(folder.iterdir()) == []


def test_a_failed_rename_leaves_nothing(tmp_path, monkeypatch):
    def broken_replace(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.os, "replace", broken_replace)
    with pytest.raises(UserError) as e:
        files.write_private(str(tmp_path / "v.md"), "x", force=True)
    assert "je mag daar niet schrijven" in e.value.message and "Niets geschreven" in e.value.message
    assert list(tmp_path.iterdir()) == []


def test_the_cli_reports_a_folder_at_the_report_path_with_force(run, write, tmp_path):
    """`triage --report DIR --force`: exit 2 naming the path, no traceback, nothing left over."""
    from conftest import CLEAR

    answers = write("a.yaml", CLEAR)
    folder = tmp_path / "verslag.md"
    folder.mkdir()
    r = run("triage", "--answers", answers, "--report", str(folder), "--force", debug=False)
    assert r.code == 2, r.err
    assert str(folder) in r.err
    assert "Traceback" not in r.err and "interne fout" not in r.err
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert leftovers(tmp_path, {"a.yaml", "verslag.md"}) == []


def test_an_interrupted_write_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.write_private(str(tmp_path / "v.md"), "x")
    assert list(tmp_path.iterdir()) == []


def test_the_target_never_holds_half_a_file(tmp_path, monkeypatch):
    """While the content is being written, the target does not exist yet."""
    path = tmp_path / "v.md"
    seen = []
    real_fsync = os.fsync

    def watching_fsync(fd):
        seen.append(path.exists())
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", watching_fsync)
    files.write_private(str(path), "inhoud")
    assert seen == [False]
    assert path.read_text(encoding="utf-8") == "inhoud"


def test_a_file_appearing_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    path = tmp_path / "v.md"
    real_fsync = os.fsync

    def racing_fsync(fd):
        real_fsync(fd)
        path.write_text("van een ander", encoding="utf-8")

    monkeypatch.setattr(files.os, "fsync", racing_fsync)
    with pytest.raises(files.Exists):
        files.write_private(str(path), "inhoud")
    assert path.read_text(encoding="utf-8") == "van een ander"
    assert leftovers(tmp_path, {"v.md"}) == []


# --- all targets checked first (issue 11 #8-#10), folders (#27) ----------------------------------


def test_write_all_writes_nothing_when_one_target_is_bad(tmp_path):
    with pytest.raises(UserError):
        files.write_all([(str(tmp_path / "a.md"), "a"), (str(tmp_path / "nope" / "b.ics"), "b")])
    assert list(tmp_path.iterdir()) == []


def test_write_all_writes_every_file_and_records_each(tmp_path):
    done: list = []
    written = files.write_all([(str(tmp_path / "a.md"), "a"), (str(tmp_path / "b.ics"), "b")], done=done)
    assert written == done == [str(tmp_path / "a.md"), str(tmp_path / "b.ics")]
    assert (tmp_path / "b.ics").read_text(encoding="utf-8") == "b"
    assert leftovers(tmp_path, {"a.md", "b.ics"}) == []


def test_write_all_refuses_one_path_twice_even_with_force(tmp_path):
    with pytest.raises(UserError) as e:
        files.write_all([(str(tmp_path / "x"), "a"), (str(tmp_path / "x"), "b")], force=True)
    assert e.value.exit_code == 2 and str(tmp_path / "x") in e.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_write_all_gives_the_mode_asked(tmp_path, open_umask):
    files.write_all([(str(tmp_path / "s.json"), "{}")], mode=0o644)
    assert mode(tmp_path / "s.json") == 0o644


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_private_folder_makes_every_missing_level_0700(tmp_path, open_umask):
    files.private_folder(tmp_path / "a" / "b")
    assert mode(tmp_path / "a") == mode(tmp_path / "a" / "b") == 0o700
    files.private_folder(tmp_path / "a" / "b")  # an existing folder is fine


def test_private_folder_with_a_file_in_the_way(tmp_path):
    (tmp_path / "a").write_text("x", encoding="utf-8")
    with pytest.raises(UserError) as e:
        files.private_folder(tmp_path / "a" / "b")
    assert "a" in e.value.message


def test_announce_falls_back_to_stderr():
    import io

    from sexting_protocol.cli.env import Env

    env = Env(stdout=None, stderr=io.StringIO())  # stdout closed when the program started
    files.announce(env, "Geschreven: x")
    assert env.stderr.getvalue() == "Geschreven: x\n"
