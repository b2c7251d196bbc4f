"""Where the shipped data files are: `sexting_protocol/data` in an installed package, the
repository's `data/` in a checkout. The bottom layer: it imports nothing of the package."""

from __future__ import annotations

from pathlib import Path


def data_dir() -> Path:
    package = Path(__file__).resolve().parent.parent
    installed = package / "data"
    return installed if installed.is_dir() else package.parent.parent / "data"


def shipped(name: str) -> str:
    return str(data_dir() / name)
