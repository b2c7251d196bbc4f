"""Installed as the README recommends (pipx), the command is there in a new terminal the next day,
without activating anything; and the README's install and test lines fit each system's shell."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from conftest import REPO

POSIX_SHELL = os.name == "posix" and os.path.exists("/bin/sh")


def run(args, env, cwd, timeout=600):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, f"{args}: {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    return p


@pytest.fixture(scope="module")
def pipx_home(tmp_path_factory):
    """The built wheel, installed with pipx into a fresh home folder (pipx's home and bin folder in
    it, where pipx puts them by default), and `pipx ensurepath` run there, as the README says.
    Its dependencies come from the package index, pinned by constraints.txt, as for test_wheel."""
    pytest.importorskip("pipx", reason="pipx is a test extra: pip install -c constraints.txt -e '.[test]'")
    tmp = tmp_path_factory.mktemp("pipx")
    dist = tmp / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO], os.environ, tmp)
    (wheel,) = dist.glob("sexting_protocol-*.whl")
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SEXTING_", "PYTHON", "VIRTUAL_ENV", "PIPX_", "XDG_")) and k != "NO_COLOR"}
    env.update(HOME=str(home), USERPROFILE=str(home), SHELL="/bin/bash",
               PIPX_HOME=str(home / ".local" / "share" / "pipx"), PIPX_BIN_DIR=str(home / ".local" / "bin"),
               PIPX_MAN_DIR=str(home / ".local" / "share" / "man"))
    constraints = shlex.quote(str(REPO / "constraints.txt"))
    run([sys.executable, "-m", "pipx", "install", f"--pip-args=-c {constraints}", wheel], env, tmp)
    run([sys.executable, "-m", "pipx", "ensurepath"], env, tmp)
    return {"home": home, "bin": home / ".local" / "bin", "tmp": tmp}


def new_shell(home, command: str, *, path: str, shell=("sh", "-c")) -> subprocess.CompletedProcess:
    """`command` in a shell started with an empty environment but for HOME and PATH: nothing
    activated, nothing inherited from this test's venv."""
    return subprocess.run(["env", "-i", f"HOME={home}", f"PATH={path}", *shell, command],
                          capture_output=True, cwd=home, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.skipif(not POSIX_SHELL, reason="starts a POSIX shell with env -i")
def test_pipx_install_gives_a_command_in_a_new_shell(pipx_home):
    home, bindir = pipx_home["home"], pipx_home["bin"]
    assert (bindir / "sexting-protocol").exists(), sorted(os.listdir(bindir))
    p = new_shell(home, "sexting-protocol contacts", path=f"{bindir}:/usr/bin:/bin")
    assert p.returncode == 0, p.stderr.decode()
    out = p.stdout.decode()
    assert "Contacten" in out and "Veilig Thuis" in out and "0800-2000" in out
    assert b"Traceback" not in p.stderr
    # the installed package and its data are pipx's, not this checkout's
    p = new_shell(home, 'exec "$(dirname "$(readlink -f "$(command -v sexting-protocol)")")/python" -c '
                        '"import sexting_protocol.store.paths as p; print(p.data_dir())"',
                  path=f"{bindir}:/usr/bin:/bin")
    assert p.returncode == 0, p.stderr.decode()
    assert str(REPO) not in p.stdout.decode() and str(home) in p.stdout.decode()


@pytest.mark.slow
@pytest.mark.skipif(not POSIX_SHELL or not shutil.which("bash"), reason="a login shell of bash")
def test_after_ensurepath_a_new_login_shell_finds_the_command(pipx_home):
    """The next day: a new terminal whose PATH is only what `pipx ensurepath` wrote in the home."""
    p = new_shell(pipx_home["home"], "sexting-protocol --lang en contacts 112", path="/usr/bin:/bin",
                  shell=("bash", "-l", "-c"))
    assert p.returncode == 0, p.stderr.decode()
    assert "112" in p.stdout.decode()


# --- the README's lines per system ------------------------------------------------------------------


from test_broken_layers import readme_blocks  # noqa: E402 (the README's fenced blocks)


def commands(blocks: list[str]) -> list[str]:
    return [line.split("  #")[0].strip() for b in blocks for line in b.splitlines() if line.strip()]


def test_the_readme_linux_test_line_is_what_ci_runs():
    ci = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines() if "pytest" in line]
    assert len(ci) == 1, ci
    assert ci[0] in commands(readme_blocks("sh"))


def test_the_readme_windows_lines_fit_powershell_and_cmd():
    """Windows PowerShell 5.1 refuses `&&`; cmd takes no single quotes and neither has `.venv/bin`."""
    ps, cmd = commands(readme_blocks("powershell")), commands(readme_blocks("bat"))
    for lines in (ps, cmd):
        assert any("py -m pipx install ." in line for line in lines), lines  # the recommended install
        assert any(re.search(r"\.venv\\Scripts\\python -m pytest", line) for line in lines), lines  # the tests
        for line in lines:
            assert line.startswith(("py ", ".venv\\Scripts\\", "sexting-protocol ")), line
            assert ".venv/" not in line and "python3" not in line and "'" not in line, line
    assert not any("&&" in line for line in ps), ps


def test_the_readme_recommends_pipx_on_every_system():
    sh = commands(readme_blocks("sh"))
    assert any(line.endswith("pipx install .") and "apt" in line for line in sh), sh  # Debian, Ubuntu
    assert any(line.startswith("python3 -m pip install --user pipx") for line in sh), sh  # macOS, others
    assert "sexting-protocol web" in sh and "sexting-protocol triage" in sh  # after the install: the one command


# --- Windows, simulated -------------------------------------------------------------------------


def test_a_report_path_ending_in_a_backslash_is_a_folder_on_windows(run, write, tmp_path, monkeypatch):
    """On Windows `--report verslagen\\` names a folder (os.sep is `\\`, os.altsep `/`): refused,
    as `verslagen/` is, and nothing written."""
    answers = write("a.yaml", {"extortion": "yes", "age_depicted": 14})
    monkeypatch.setattr(os, "sep", "\\")
    monkeypatch.setattr(os, "altsep", "/")
    for target in (f"{tmp_path}\\", f"{tmp_path}/"):
        r = run("triage", "--answers", answers, "--report", target)
        # a folder there: "is een map"; a name the separator ends, with no such folder (here the
        # backslash, which this machine's file system reads as part of a name): "noemt zo een map"
        assert r.code == 2 and ("is een map" in r.err or "noemt zo een map" in r.err), (target, r.err)
        assert "Niets geschreven" in r.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]
