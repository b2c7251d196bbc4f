"""Writing the files a person asks for on the command line: the one writer is `store.write`
(every target checked before any is written, each put in place atomically, readable by the
owner alone); here what the command line adds: saying what was written, and where a file goes
when the person named no folder (their documents folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from ..core.errors import UserError, os_reason  # noqa: F401 (os_reason: env's)
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


def documents_dir(environ) -> Path:
    """Where a file the user asked for lands when they named none: SEXTING_PROTOCOL_DOCUMENTS
    (the tests' own folder), else the user's documents folder (platformdirs)."""
    given = environ.get("SEXTING_PROTOCOL_DOCUMENTS")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_documents_dir())


def case_path(path: str, environ, t) -> str:
    """A case file named without its folder that is not here but in the documents folder, where
    the save prompts put it: say where it is (a file is never read from elsewhere unasked)."""
    if path != "-" and not os.path.isabs(path) and not os.path.lexists(path):
        there = documents_dir(environ) / path
        if os.path.isfile(there):  # False for any name the system refuses (too long, a NUL)
            raise UserError(t("SP816", path=path, there=str(there)))
    return path


def offer_name(environ, stem: str, suffix: str, beside: Optional[str] = None) -> str:
    """The path a save prompt offers: a name not yet taken in the user's documents folder (made
    if it is missing), never the current folder, which may be anything (a git checkout, the
    system folder a shortcut starts in). What the person types instead is theirs: a relative
    path there means the current folder, as --report's does."""
    from ..present.report import free_name

    folder = documents_dir(environ)
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:  # said when the save is tried, with the path, and asked again
        pass
    return os.path.join(str(folder), free_name(str(folder), stem, suffix, beside))
