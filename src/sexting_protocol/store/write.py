"""Writing the files a person asks for, one writer for every front (the command line's reports,
the browser's organisation layer).

Every target is checked before any is written (a folder, the same path twice, an existing file
without force, anything but a regular file even with force: a device, a FIFO, a link; a missing
folder, no permission): the content goes to a temp file beside each target first, and only when
all of them stand is each put in place, atomically (a hard link, which never overwrites, or a
rename with force). Files are readable by the owner alone (0600) where the system has POSIX
modes; on Windows the folder's access rights decide.
"""

from __future__ import annotations

import os
import stat
import tempfile
from typing import Optional, Sequence

from ..core.errors import UserError, os_reason, printable
from ..text.texts import Texts

dutch = Texts("nl")  # the default words, for a caller that does not know the language

class Exists(UserError):
    exit_code = 1

    def __init__(self, path: str, t: Texts = dutch):
        super().__init__(t("SP751", path=path))
        self.path = path


def os_error(path, e: OSError, t: Texts = dutch) -> UserError:
    """An OS error while writing (disk full, a folder in the way, no permission) as the user's:
    the path, the reason and what to do, that nothing was written; exit status 2."""
    return UserError(t("SP758", path=path, reason=os_reason(e, t)))


def private_folder(path, t: Texts = dutch) -> None:
    """Make a folder and any missing parents, each 0700 whatever the umask."""
    path = os.path.abspath(path)
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)  # the umask can only narrow this
        except OSError as e:
            if not os.path.isdir(folder):
                raise not_a_folder(folder, e, t) from None


def not_a_folder(folder, e: OSError, t: Texts = dutch) -> UserError:
    """A folder that cannot be made: a file (or a device) in its place says so ("File exists"
    said nothing), any other reason as the OS gives it."""
    if isinstance(e, (FileExistsError, NotADirectoryError)) or os.path.lexists(folder):
        return UserError(t("SP759", path=folder))
    return os_error(folder, e, t)


def _discard(tmp: str) -> None:
    try:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    except OSError:
        pass


def _target(path: str, t: Texts) -> str:
    """The absolute path of a file to write; no name, a folder (or a path ending in a separator)
    and anything but a regular file (a device such as /dev/null, a FIFO, a link such as
    /dev/stdout) are refused, with --force too: a report never replaces them."""
    seps = tuple(s for s in (os.sep, os.altsep) if s)
    if not path.strip():
        raise UserError(t("SP753"))
    if "\0" in path:  # the OS calls raise ValueError, not OSError: it ended a session's case
        raise UserError(t("SP755", path=printable(path)))
    if os.path.isdir(path):
        raise UserError(t("SP752", path=path))
    if path.endswith(seps):  # `r.md/`: no folder is there, and a file cannot end in a separator
        name = os.path.basename(path.rstrip("".join(seps)))  # not empty: "/" is a folder
        raise UserError(t("SP757", path=path, name=name))
    _regular(path, t)
    try:
        return os.path.abspath(path)
    except OSError as e:  # the current folder was removed meanwhile
        raise UserError(t("SP756", path=path)) from None


def _regular(path: str, t: Texts) -> None:
    """Refuse a path that is there but is not a regular file: a device, a FIFO, or a symbolic
    link (to anything: replacing it would replace the link itself, and /dev/stdout is one, to
    /proc/self/fd/1, whatever standard output is)."""
    try:
        st = os.lstat(path)
    except OSError:  # not there: written later
        return
    if not stat.S_ISREG(st.st_mode):
        raise UserError(t("SP754", path=path))


def _same_key(target: str) -> str:
    """Two spellings of one file give one key (a symlinked folder, `a/../b`, case on Windows)."""
    folder, name = os.path.split(target)
    return os.path.normcase(os.path.join(os.path.realpath(folder), name))


def _temp(target: str, content: str, mode: int, t: Texts) -> str:
    """The content in a temp file beside the target, on disk, with its mode."""
    folder = os.path.dirname(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sexting-protocol-", suffix=".tmp", dir=folder)
    except FileNotFoundError:
        raise UserError(t("SP760", path=target, folder=folder)) from None
    except OSError as e:  # no permission, a file where the folder should be, ...
        raise os_error(target, e, t) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            if hasattr(os, "fchmod"):
                os.fchmod(f.fileno(), mode)
            else:  # Windows before Python 3.13: chmod sets only the read-only flag, which this leaves off
                os.chmod(tmp, mode)
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:  # disk full, ...
        _discard(tmp)
        raise os_error(target, e, t) from None
    except BaseException:
        _discard(tmp)
        raise
    return tmp


def _place(tmp: str, target: str, force: bool, t: Texts) -> None:
    if force:
        _regular(target, t)  # again, just before: a FIFO or device put there meanwhile
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # fails if the target appeared meanwhile: never overwrite
    except FileExistsError:
        raise Exists(target, t) from None
    except OSError:  # a file system without hard links (FAT, some shares, Windows without the right)
        if os.path.lexists(target):
            raise Exists(target, t) from None
        os.replace(tmp, target)


def _partly(t: Texts, target: str, reason: str, written: list[str], code: int) -> UserError:
    return UserError(t("SP762", path=target, reason=reason, paths=", ".join(written)), exit_code=code)


def write_all(files: Sequence[tuple[str, str]], force: bool = False, t: Texts = dutch, mode: int = 0o600,
              done: Optional[list] = None) -> list[str]:
    """Write each (path, content); all are checked, and their content is on disk beside them,
    before the first is put in place. Returns the absolute paths, also appended to `done` as
    each is written (for a message if interrupted). Nothing half-written is ever left at a path;
    if a later one still fails, the message names those already written."""
    targets = [_target(path, t) for path, _ in files]
    seen: set[str] = set()
    for target in targets:
        key = _same_key(target)
        if key in seen:
            raise UserError(t("SP761", path=target))
        seen.add(key)
    if not force:
        for target in targets:
            if os.path.lexists(target):
                raise Exists(target, t)
    temps: list[str] = []
    written: list[str] = []
    try:
        for target, (_, content) in zip(targets, files):
            temps.append(_temp(target, content, mode, t))
        for target, tmp in zip(targets, temps):
            try:
                _place(tmp, target, force, t)
            except Exists:
                if written:
                    raise _partly(t, target, t("os_exists"), written, 1) from None
                raise
            except OSError as e:
                if written:
                    raise _partly(t, target, os_reason(e, t), written, 2) from None
                raise os_error(target, e, t) from None
            written.append(target)
            if done is not None:
                done.append(target)
    finally:
        for tmp in temps:
            _discard(tmp)
    return written


def write_private(path: str, content: str, force: bool = False, t: Texts = dutch, mode: int = 0o600) -> str:
    """Write one file (see write_all)."""
    return write_all([(path, content)], force, t, mode)[0]
