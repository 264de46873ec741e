"""The start-up caches (timeline/cachefiles.py, timeline/recache.py): what a fresh process reads
from the user's cache gives the same results as building it, and a damaged or unwritable cache
costs time, never a wrong answer."""
import marshal
import os
import pickle
import re
import subprocess
import zlib

import pytest
from conftest import BIN, CORPUS, RULES

from timeline import cachefiles, recache
from timeline.temporal import grammar


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(folder))
    recache.reset()
    yield folder
    monkeypatch.undo()
    recache.reset()


def test_patterns_from_the_cache_file_equal_freshly_compiled_ones(cache):
    # every grammar rule that `re` compiles, and word-list entries with flags
    patterns = [(rule.regex, 0) for rule in grammar.load().rules]
    patterns += [(r"(?:visit|visits|visited|visiting)\s+(?:down)(?![\w])", re.IGNORECASE)]
    first = {}
    for source, flags in patterns:
        try:
            first[source, flags] = recache.compile(source, flags)
        except re.error:
            continue
    assert len(first) > 50
    recache.reset()   # saved, then read back as a new process would
    assert (cache / recache._file_name()).is_file()
    assert len(recache._the_cache().entries) >= len(first)
    for (source, flags), compiled in first.items():
        again = recache.compile(source, flags)
        assert again == re.compile(source, flags) == compiled   # equal: the same program
        assert again.groupindex == re.compile(source, flags).groupindex


def test_a_pattern_that_does_not_compile_fails_the_same_way_from_the_cache(cache):
    bad = r"(?<!a+)b"
    with pytest.raises(re.error) as expected:
        re.compile(bad)
    for _ in range(2):
        with pytest.raises(re.error) as got:
            recache.compile(bad)
        assert (str(got.value), got.value.msg, got.value.pos) == \
               (str(expected.value), expected.value.msg, expected.value.pos)
        recache.reset()


def test_regex_patterns_from_the_cache_file_are_the_compiled_ones(cache):
    import regex

    sources = [rule.regex for rule in grammar.load().rules]
    fresh = {}
    for source in sources:
        try:
            re.compile(source)
        except re.error:
            fresh[source] = recache.compile_regex(source, regex.V0)   # what only `regex` compiles
    assert len(fresh) > 5
    recache.reset()
    text = ("In the spring of 2024, by the end of the year, recent years and the fall of 1999; in two "
            "weeks, the strike lasted weeks. At the time, Q3 2025 was year-end.")
    for source, compiled in fresh.items():
        again = recache.compile_regex(source, regex.V0)
        assert again is not compiled and pickle.dumps(again) == pickle.dumps(regex.compile(source, regex.V0))
        assert [m.span() for m in again.finditer(text)] == [m.span() for m in compiled.finditer(text)]


def test_a_cached_regex_entry_can_only_be_a_pattern(cache):
    import regex

    source = r"(?<=\bin\s+)x"
    recache.compile_regex(source)
    key = ("regex", source, 0)
    cached = recache._the_cache().entries
    cached[key] = pickle.dumps(print)                        # another callable: refused, compiled again
    assert recache.compile_regex(source).pattern == source
    cached[key] = pickle.dumps(regex.compile("other"))       # another pattern: refused too
    assert recache.compile_regex(source).pattern == source


def test_a_damaged_cache_file_reads_as_missing(cache, tmp_path):
    cachefiles.write("thing.bin", b"payload")
    assert cachefiles.read("thing.bin") == b"payload"
    path = cache / "thing.bin"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    assert cachefiles.read("thing.bin") is None
    path.write_bytes(b"\x00\x01")
    assert cachefiles.read("thing.bin") is None


def _extract(cache_dir):
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache_dir)}
    done = subprocess.run([str(BIN), "extract", str(CORPUS), "--rules", str(RULES), "--format", "json"],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


KINDS = ("grammar", "patterns", "rulebook")


def _rewrite(folder, wrong_checksum: bool, kinds=KINDS):
    """Replace the cache files of `kinds` by ones that, if they were used, would change the
    timeline: each pattern a program that never matches, a grammar without rules, a rulebook
    without event types. With `wrong_checksum` the files are damaged ones (checksum off by a bit)."""
    never = recache._program("(?!)", 0)
    for path in folder.iterdir():
        if path.name.split("-")[0] not in kinds:
            continue
        data = path.read_bytes()
        payload = data[4:]
        assert zlib.crc32(payload).to_bytes(4, "big") == data[:4], path
        if path.name.startswith("patterns-"):
            entries = marshal.loads(payload)
            entries = {key: never[:2] + entry[2:] if key[0] == "re" and len(entry) == 5 else entry
                       for key, entry in entries.items()}
            payload = marshal.dumps(entries)
        else:
            made = pickle.loads(payload)
            if path.name.startswith("grammar-"):
                made.rules = []
            else:
                made.types = ()
            payload = pickle.dumps(made)
        checksum = zlib.crc32(payload) ^ (1 if wrong_checksum else 0)
        path.write_bytes(checksum.to_bytes(4, "big") + payload)


def test_extract_gives_the_same_timeline_cold_warm_damaged_and_unwritable(tmp_path):
    reference = _extract("")           # no cache at all
    folder = tmp_path / "cache"
    assert _extract(folder) == reference       # cold: builds and writes the cache
    assert sorted(p.name.split("-")[0] for p in folder.iterdir()) == list(KINDS)
    assert _extract(folder) == reference       # warm: reads it

    _rewrite(folder, wrong_checksum=True)
    assert _extract(folder) == reference       # damaged files are ignored (and written again)
    assert _extract(folder) == reference

    for kind in KINDS:                         # the control: each intact file is really used
        _rewrite(folder, wrong_checksum=False, kinds=(kind,))
        assert _extract(folder) != reference, kind
        _rewrite(folder, wrong_checksum=True, kinds=(kind,))
        assert _extract(folder) == reference, kind

    for path in folder.iterdir():
        path.write_bytes(b"not a cache file")
    assert _extract(folder) == reference

    blocked = tmp_path / "a-file"
    blocked.write_text("")
    assert _extract(blocked / "cache") == reference   # cannot be created: no cache, same answer


def test_only_the_newest_files_of_a_kind_are_kept(cache):
    for number in range(cachefiles.KEEP_PER_KIND + 4):
        assert cachefiles.pickled("thing", f"{number:032x}", lambda: number) == number
    kept = sorted(path.name for path in cache.glob("thing-*.pickle"))
    assert len(kept) == cachefiles.KEEP_PER_KIND and f"thing-{cachefiles.KEEP_PER_KIND + 3:032x}.pickle" in kept
    assert cachefiles.pickled("thing", f"{cachefiles.KEEP_PER_KIND + 3:032x}", lambda: "built again") == \
        cachefiles.KEEP_PER_KIND + 3


def test_the_pattern_file_keeps_what_its_process_used_when_full(cache, monkeypatch):
    monkeypatch.setattr(recache, "MAX_ENTRIES", 5)
    for number in range(8):
        recache.compile(f"other{number}")
    recache.reset()
    recache.compile("mine")
    recache.reset()
    kept = recache._the_cache().entries
    assert len(kept) == 5 and ("re", "mine", 0) in kept and ("re", "other7", 0) in kept


def test_a_cached_object_can_only_be_what_the_loaders_build(cache):
    digest = "0" * 32
    cachefiles.write(f"thing-{digest}.pickle", pickle.dumps(os.getcwd))   # intact file, foreign callable
    assert cachefiles.pickled("thing", digest, lambda: "built") == "built"
    assert cachefiles.pickled("thing", digest, lambda: "built again") == "built"   # rewritten
