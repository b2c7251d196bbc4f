"""The cache of checked data: built once per content of the files that went into it, in the
user cache folder, sealed with a checksum of its own content; never needed for correctness (a
bad, edited or missing cache file is ignored and rebuilt)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Optional

import msgspec

from .. import __version__
from ..core import model

APP = "sexting-protocol"


def user_dir(kind: str, environ) -> Path:
    """platformdirs' config or cache folder; on Linux worked out here (saves its import)."""
    if sys.platform.startswith("linux"):
        xdg = environ.get("XDG_CONFIG_HOME" if kind == "config" else "XDG_CACHE_HOME")
        base = Path(xdg) if xdg else Path.home() / (".config" if kind == "config" else ".cache")
        return base / APP
    import platformdirs

    return Path(platformdirs.user_config_dir(APP) if kind == "config" else platformdirs.user_cache_dir(APP))


def cache_dir(environ=os.environ) -> Optional[Path]:
    home = environ.get("SEXTING_PROTOCOL_CACHE")
    if home == "off":
        return None
    if home:
        return Path(home)
    try:
        if not Path.home().is_dir():
            return None  # a HOME that does not exist is never made for a cache
    except (RuntimeError, OSError):  # no home at all
        return None
    return user_dir("cache", environ)



try:  # the builtin module: hashlib would load OpenSSL first, a few ms of every start
    from _blake2 import blake2b as _blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b as _blake2b


_SEAL = 32  # bytes of the checksum before a cache file's content


def _sealed(payload: bytes) -> bytes:
    return _blake2b(payload, digest_size=_SEAL).digest() + payload


def _unsealed(blob: bytes) -> bytes:
    """The content of a cache file whose checksum matches; ValueError for an edited one."""
    payload = blob[_SEAL:]
    if len(blob) < _SEAL or _blake2b(payload, digest_size=_SEAL).digest() != blob[:_SEAL]:
        raise ValueError("the cache file does not match its checksum")
    return payload


def cached(files: list[str], typ: Any, build, environ=os.environ):
    """build() once per content of `files`; afterwards decoded from the cache (msgpack)."""
    folder = cache_dir(environ)
    if folder is None:
        return build()
    try:
        shape = os.stat(model.__file__)  # a changed model (in a checkout) never reads an old cache
        h = _blake2b(f"{__version__}\0{typ!r}\0{shape.st_mtime_ns}\0{shape.st_size}".encode())
        for f in files:
            h.update(os.fsencode(f) + b"\0")  # a file name that is not UTF-8 as the OS gave it
            if f:
                with open(f, "rb") as fh:  # bounded (/dev/zero): over yamlio.MAX_BYTES is refused anyway
                    h.update(fh.read(1 << 21))
    except OSError:
        return build()  # no model file to key on, or a data file the normal path reports
    path = folder / f"{h.hexdigest()[:32]}.msgpack"
    try:
        return msgspec.msgpack.decode(_unsealed(path.read_bytes()), type=typ)
    except (OSError, ValueError, msgspec.DecodeError, msgspec.ValidationError):
        pass
    value = build()
    tmp = None
    try:
        import tempfile

        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # others cannot put a cache in it
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(_sealed(msgspec.msgpack.encode(value)))
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:  # writing failed: never leave a half-written file behind
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return value
