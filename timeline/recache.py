"""Compiled regular expressions kept on disk between processes (start-up time of the CLI).

Compiling the grammar's and the word lists' patterns is most of what a fresh `timeline` process
spends before its first article: the standard library parses and compiles each pattern in Python,
then hands the compiled program (a list of integers) to its C engine. That program depends only on
the pattern, its flags and the Python build, so it is kept in a user cache file (cachefiles.py:
checksummed, a damaged file is ignored and rewritten) and handed to the engine directly next time:
`compile(pattern, flags)` gives a pattern equal (`==`: same program) to `re.compile(pattern, flags)`.
The `regex` library's patterns (what `re` cannot express) are kept the same way, as that
library pickles them: their compiled program (`compile_regex`). Never stale: each entry is keyed
by the pattern's own text and flags, the file by the Python build and the `regex` library's copy.
New entries are saved when the process exits.
"""
from __future__ import annotations

import array
import atexit
import io
import marshal
import pickle
import re
import sys
import zlib

from . import cachefiles

try:  # the standard library's own compiler, in the steps re.compile takes (CPython 3.11)
    import _sre
    from re import _compiler, _parser
    ENGINE = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{_sre.MAXREPEAT}|{_sre.MAXGROUPS}"
    WORD = next(code for code in "IL" if array.array(code).itemsize == _sre.CODESIZE)
except (ImportError, AttributeError, StopIteration):  # another Python: compile as usual, keep nothing
    ENGINE = None

MAX_ENTRIES = 4_000   # the CLI uses about 700; past this a save keeps its own and the newest others


def _file_name() -> str:
    """The cache file of this Python build and this copy of the `regex` library."""
    identity = f"3|{ENGINE}|{cachefiles.library('regex')}"
    return f"patterns-{zlib.crc32(identity.encode()):08x}.marshal"


class _Cache:
    def __init__(self):
        self.file = _file_name()
        self.entries = self._read() if ENGINE else {}
        self.used: set = set()
        self.added = False

    def _read(self) -> dict:
        data = cachefiles.read(self.file)
        try:
            entries = marshal.loads(data) if data is not None else {}
        except (ValueError, EOFError, TypeError):
            return {}
        return entries if isinstance(entries, dict) else {}

    def save(self) -> None:
        if not self.added:
            return
        entries = {**self._read(), **self.entries}   # what other processes saved meanwhile too
        if len(entries) > MAX_ENTRIES:
            order = [key for key in entries if key not in self.used] + [key for key in entries if key in self.used]
            entries = {key: entries[key] for key in order[-MAX_ENTRIES:]}   # its own, then the newest
        cachefiles.write(self.file, marshal.dumps(entries))
        self.added = False


_cache: _Cache | None = None


def _the_cache() -> _Cache:
    global _cache
    if _cache is None:
        _cache = _Cache()
        atexit.register(_save)
    return _cache


def _save() -> None:
    if _cache is not None:
        _cache.save()


def reset() -> None:
    """Save what this process learned, then start again from the cache file (tests change
    $TIMELINE_CACHE_DIR and call this)."""
    global _cache
    _save()
    _cache = _Cache()


def _program(pattern: str, flags: int):
    """What the standard library's compiler hands to its engine for this pattern, as
    re._compiler.compile computes it; (message, position) when the pattern does not compile."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = _compiler._code(parsed, flags)
    except re.error as exc:
        return exc.msg, exc.pos
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # the program as the bytes of an array of machine words: a file of them loads 5x faster than lists
    return (int(flags | parsed.state.flags), array.array(WORD, code).tobytes(), parsed.state.groups - 1,
            groupindex, tuple(indexgroup))


def compile(pattern: str, flags: int = 0) -> re.Pattern:
    """re.compile(pattern, flags), from the cache when this pattern was compiled before."""
    flags = int(flags)
    if ENGINE is None or flags & (re.DEBUG | re.TEMPLATE) or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    cache = _the_cache()
    key = ("re", pattern, flags)
    entry = cache.entries.get(key)
    if entry is None:
        entry = cache.entries[key] = _program(pattern, flags)
        cache.added = True
    cache.used.add(key)
    if len(entry) == 2:
        raise re.error(entry[0], pattern, entry[1])
    try:
        flags, code, *rest = entry
        return _sre.compile(pattern, flags, array.array(WORD, code).tolist(), *rest)
    except Exception:   # an entry the engine refuses: compile as usual, and forget the entry
        del cache.entries[key]
        cache.added = True
        return re.compile(pattern, flags)


class _PatternUnpickler(pickle.Unpickler):
    """Reads a pickled `regex` pattern and nothing else: the only callable it may name is the
    engine's constructor, which takes the compiled program (the library's own pickle support)."""

    def find_class(self, module, name):
        if name == "compile" and module in ("regex._regex", "_regex"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a regex pattern: {module}.{name}")


def compile_regex(pattern: str, flags: int = 0):
    """regex.compile(pattern, flags), from the cache when this pattern was compiled before: the
    `regex` library pickles a pattern as its compiled program, which loads without parsing."""
    import regex

    flags = int(flags)
    if ENGINE is None or not isinstance(pattern, str):
        return regex.compile(pattern, flags)
    cache = _the_cache()
    key = ("regex", pattern, flags)
    cache.used.add(key)
    data = cache.entries.get(key)
    if isinstance(data, bytes):
        try:
            compiled = _PatternUnpickler(io.BytesIO(data)).load()
            if isinstance(compiled, regex.Pattern) and compiled.pattern == pattern:
                return compiled
        except Exception:   # refused: compiled as usual below, and the entry replaced
            pass
    compiled = regex.compile(pattern, flags)
    cache.entries[key] = pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)
    cache.added = True
    return compiled
