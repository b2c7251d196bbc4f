"""Writing the files a person asks for: readable by them alone (0600), atomically (a temp file
beside the target, then a rename or link), and never over an existing file without --force."""

from __future__ import annotations

import os
import tempfile

from .errors import UserError


class Exists(UserError):
    exit_code = 1


def os_error(path, e: OSError) -> UserError:
    """An OS error while writing (disk full, a folder in the way, no permission) as the user's:
    the path and the OS's reason, exit status 2."""
    return UserError(f"{path}: {e.strerror or e}")


def _discard(tmp: str) -> None:
    try:
        if os.path.lexists(tmp):
            os.unlink(tmp)
    except OSError:
        pass


def write_private(path: str, content: str, force: bool = False) -> str:
    """Write content to path; nothing half-written is ever left at path."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    if not force and os.path.lexists(path):
        raise Exists(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sexting-protocol-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise os_error(path, e) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(content)
            f.flush()
            os.fsync(f.fileno())
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if path appeared meanwhile: never overwrite
            except FileExistsError:
                raise Exists(path) from None
            except OSError:  # a file system without hard links
                if os.path.lexists(path):
                    raise Exists(path) from None
                os.replace(tmp, path)
            _discard(tmp)
    except OSError as e:  # disk full, a folder at the path (--force), no permission, ...
        _discard(tmp)
        raise os_error(path, e) from None
    except BaseException:
        _discard(tmp)
        raise
    return path
