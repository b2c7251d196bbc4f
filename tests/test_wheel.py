"""A built wheel, installed into a fresh venv, runs from another folder with its own data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO


def sh(*args, cwd=None, env=None, timeout=600):
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
    assert p.returncode == 0, f"{args}: {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    return p


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, REPO, cwd=tmp)
    wheels = list(dist.glob("sexting_protocol-*.whl"))
    assert len(wheels) == 1, wheels
    venv = tmp / "venv"
    sh(sys.executable, "-m", "venv", venv)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    sh(bindir / "python", "-m", "pip", "install", "-q", wheels[0], cwd=tmp)
    return {"wheel": wheels[0], "bin": bindir, "tmp": tmp}


def clean_env(tmp) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SEXTING_", "PYTHON", "VIRTUAL_ENV")) and k != "NO_COLOR"}
    env.update(SEXTING_PROTOCOL_HOME=str(tmp / "home"), SEXTING_PROTOCOL_CACHE=str(tmp / "cache"))
    return env


@pytest.mark.slow
def test_wheel_holds_the_data(installed):
    names = zipfile.ZipFile(installed["wheel"]).namelist()
    for f in ("protocol.yaml", "contacts.yaml", "ui.yaml", "cases.yaml"):
        assert f"sexting_protocol/data/{f}" in names, f
    for f in ("templates/base.html", "templates/handout.html", "templates/handout.css", "templates/triage/question.html",
              "static/style.css", "static/icon.svg"):
        assert f"sexting_protocol/web/{f}" in names, f


@pytest.mark.slow
def test_installed_checklist_step_3_from_another_folder(installed, tmp_path):
    exe = installed["bin"] / "sexting-protocol"
    p = subprocess.run([exe, "checklist", "--step", "3"], capture_output=True, text=True, cwd=tmp_path,
                       env=clean_env(tmp_path), timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    assert "Stap 3: Ga in gesprek met de betrokkenen" in p.stdout
    assert "Praat eerst met de jongeren zelf" in p.stdout
    assert "\x1b[" not in p.stdout


@pytest.mark.slow
def test_installed_package_is_not_the_checkout(installed, tmp_path):
    p = subprocess.run([installed["bin"] / "python", "-c",
                        "import sexting_protocol, sexting_protocol.store.paths as d; print(sexting_protocol.__file__); "
                        "print(d.data_dir())"],
                       capture_output=True, text=True, cwd=tmp_path, env=clean_env(tmp_path), timeout=60)
    assert p.returncode == 0, p.stderr
    module, data_dir = p.stdout.split()
    assert str(REPO) not in module and str(REPO) not in data_dir
    assert data_dir.endswith(os.path.join("sexting_protocol", "data"))


@pytest.mark.slow
def test_installed_triage_and_english(installed, tmp_path):
    exe = installed["bin"] / "sexting-protocol"
    (tmp_path / "a.yaml").write_text("extortion: yes\nage_depicted: 15\n", encoding="utf-8")
    p = subprocess.run([exe, "--lang", "en", "triage", "--answers", "a.yaml", "--json"], capture_output=True,
                       text=True, cwd=tmp_path, env=clean_env(tmp_path), timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    import json

    out = json.loads(p.stdout)
    assert out["flag"] == "black"
    assert out["plan"][0]["title"] == "Map the signals"
