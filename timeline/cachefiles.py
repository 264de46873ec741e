"""Files in the user's cache directory that a fresh process reads instead of building again.

A cache file holds a checksum of its contents: one that cannot be read, is cut short or does not
match its checksum reads as missing, and the caller builds anew (and writes it again). Writes go
to a temporary file renamed into place, so a reader sees the old file or the new one, whole; a
directory that cannot be written costs the saving, nothing else. What a file holds must be keyed
by the contents it was made from (see `key`): such a file is never stale, only unused.

Where: $TIMELINE_CACHE_DIR (set but empty: no cache at all), else $XDG_CACHE_HOME/timeline, else
~/.cache/timeline.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
import zlib
from importlib.util import find_spec
from pathlib import Path

FORMAT = "1"


def cache_dir() -> Path | None:
    chosen = os.environ.get("TIMELINE_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "timeline"


def read(name: str) -> bytes | None:
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = (folder / name).read_bytes()
    except (OSError, ValueError):
        return None
    if len(data) < 4 or zlib.crc32(data[4:]).to_bytes(4, "big") != data[:4]:
        return None
    return data[4:]


def write(name: str, payload: bytes) -> None:
    folder = cache_dir()
    if folder is None:
        return
    path = folder / name
    temporary = folder / f".{name}.{os.getpid()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(zlib.crc32(payload).to_bytes(4, "big") + payload)
        os.replace(temporary, path)
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass


def library(name: str) -> str:
    """Which installed copy of a library this is, without importing it: the path, size and
    modification time of its top module (an upgrade rewrites it)."""
    try:
        spec = find_spec(name)
        stat = os.stat(spec.origin)
        return f"{spec.origin}|{stat.st_size}|{stat.st_mtime_ns}"
    except (ImportError, AttributeError, TypeError, ValueError, OSError):
        return f"{name}: not found"


def key(*parts: bytes | str) -> str:
    """A digest of everything a cached result was made from (file contents, sources, versions)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version}".encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:32]


def source_of(*files: Path) -> bytes:
    return b"\0".join(Path(f).read_bytes() for f in files)


class _Unpickler(pickle.Unpickler):
    """Builds what the loaders cache and nothing else: the package's own classes, dates and sets."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("builtins", "frozenset"), ("builtins", "set")}

    def find_class(self, module, name):
        if module == "timeline" or module.startswith("timeline.") or (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a cached object: {module}.{name}")


KEEP_PER_KIND = 8   # an editor's every save is a new rulebook: the newest few are kept


def pickled(kind: str, digest: str, build):
    """`build()`, or the object it built in an earlier process for the same `digest` (see `key`)."""
    name = f"{kind}-{digest}.pickle"
    data = read(name)
    if data is not None:
        try:
            return _Unpickler(io.BytesIO(data)).load()
        except Exception:   # unreadable or refused: built anew and written again below
            pass
    made = build()
    try:
        payload = pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return made
    write(name, payload)
    _prune(f"{kind}-*.pickle")
    return made


def _prune(pattern: str) -> None:
    """Remove all but the newest KEEP_PER_KIND files of a kind."""
    folder = cache_dir()
    try:
        found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in found[KEEP_PER_KIND:]:
            old.unlink()
    except (OSError, AttributeError):
        pass
