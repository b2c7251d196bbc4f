"""Writing the files a person asks for: readable by them alone (0600), atomically (a temp file
beside the target, then a rename or link), and never over an existing file without --force."""

from __future__ import annotations

import os
import tempfile

from .errors import UserError


class Exists(UserError):
    exit_code = 1


def write_private(path: str, content: str, force: bool = False) -> str:
    """Write content to path; nothing half-written is ever left at path."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path)
    if not force and os.path.lexists(path):
        raise Exists(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".sexting-protocol-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise UserError(f"{path}: {e.strerror}") from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
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
            if os.path.exists(tmp):
                os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
