"""Writing the files a person asks for on the command line: the one writer is `store.write`
(every target checked before any is written, each put in place atomically, readable by the
owner alone); here what the command line adds: saying what was written, and where a file goes
when the person named no folder (their documents folder).
"""

from __future__ import annotations

import os

from ..core.errors import os_reason  # noqa: F401 (env's)
from ..render import clean
from ..store.write import (Exists, dutch, not_a_folder, os_error, private_folder, write_all,  # noqa: F401
                           write_private)
from ..text.texts import Texts

POSIX_MODES = os.name != "nt"


def written_text(t: Texts, path: str) -> str:
    """What protects a written file, honestly for the platform (the one place that chooses)."""
    return t("written" if POSIX_MODES else "written_windows", path=path)


def announce(env, text: str, quiet: bool = False) -> None:
    """Say what was written: on stdout (stderr when quiet, or when stdout is closed, `>&-`, or
    full). The file is saved either way, so a message that cannot be shown is no error."""
    if not quiet:
        env.write(clean(text + "\n"), flush=True)
    if quiet or not env.stdout_ok:
        env.err(text)
