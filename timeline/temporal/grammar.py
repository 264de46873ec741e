"""Loading the grammar data (lexicon.yaml, rules.yaml) and compiling it into regexes.

The engine knows nothing about English: pieces come from the lexicon, rules from the rule file.
Everything is compiled once per directory and cached.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .. import cachefiles, recache

HERE = Path(__file__).resolve().parent
PIECE_REF = regex.compile(r"\{([a-z][a-z0-9_]*)(?::([a-z][a-z0-9_]*))?\}")
TYPES = {"DATE", "TIME", "DURATION", "SET", "REJECT"}


class GrammarError(ValueError):
    """A grammar file is malformed; the message names the file and the entry."""


@dataclass
class Piece:
    name: str
    regex: str
    values: dict | None = None      # normalised surface form -> value
    parse: str | None = None        # name of a parser for composite pieces (e.g. number)

    def value(self, surface: str):
        if self.values is None:
            return surface
        key = norm_key(surface)
        if key in self.values:
            return self.values[key]
        return self.values.get(key.rstrip("."), surface)


@dataclass
class Rule:
    name: str
    pattern: str
    type: str
    norm: str
    params: dict
    priority: int
    regex: str                       # the expanded pattern, compiled on first use (start-up time)
    groups: dict                     # group name -> piece name
    examples: list = field(default_factory=list)
    source: str = ""
    anchors: frozenset | None = None   # token classes one of which every match contains
    reach: tuple = (60, 60)            # how far a match may start before / end after its anchor
    _compiled: object = field(default=None, repr=False, compare=False)

    @property
    def compiled(self):
        """The compiled pattern.  Compiling is most of the cost of loading a grammar, so it waits
        until a text contains the rule's anchors: a fresh process tagging one article compiles
        only the rules it needs.  A pattern that does not compile raises GrammarError then,
        naming the file and the rule (every rule's examples are run by the test suite)."""
        c = self._compiled
        if c is None:
            c = self._compiled = _compile(self.regex, f"{self.source}: rule {self.name!r}")
        return c

    def compile(self):
        return self.compiled


@dataclass
class Grammar:
    pieces: dict
    lists: dict
    rules: list
    token_classes: dict              # lower-case token -> names of the pieces it can start


# Pieces too common to tell where a rule can match ("a", "the next"): never default anchors.
BROAD = {"number", "approx", "part", "rel", "ana", "number_vague", "ordinal", "day_suffix"}
DIGIT_CLASS = "digit"
STOP_TOKENS = {"the", "a", "an", "of", "in", "at", "to"}


def norm_key(s: str) -> str:
    """Lookup form of a surface string: lower case, straight quotes, hyphens and runs of spaces
    as one space ("First-Half" and "first  half" are the same word)."""
    return " ".join(s.lower().replace("’", "'").replace("-", " ").split())


def _alternation(words, case_sensitive: bool) -> str:
    forms = set()
    for w in words:
        w = str(w)
        forms.add(w)
        if case_sensitive:
            forms.add(w.upper())
    alts = sorted(forms, key=lambda x: (-len(x), x))
    body = "|".join(r"[\s-]+".join(regex.escape(part) for part in a.split()) for a in alts)
    body = body.replace("'", "['’]")
    return body if case_sensitive else f"(?i:{body})"


def __getattr__(name: str):
    """`_Loader`: libyaml's C parser when PyYAML was built with it (the grammar files load ~20x
    faster); PyYAML is imported only when the grammar is not in the cache."""
    if name == "_Loader":
        import yaml

        return getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_yaml(path: Path):
    import yaml

    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=__getattr__("_Loader"))
    except yaml.YAMLError as exc:
        raise GrammarError(f"{path}: not valid YAML: {exc}") from exc


def load_lexicon(path: Path):
    data = _load_yaml(path) or {}
    if not isinstance(data.get("pieces"), dict):
        raise GrammarError(f"{path}: needs a mapping 'pieces'")
    pieces = {}
    for name, spec in data["pieces"].items():
        where = f"{path}: piece {name!r}"
        if not isinstance(spec, dict) or ("words" in spec) == ("regex" in spec):
            raise GrammarError(f"{where}: give exactly one of 'words' or 'regex'")
        case = spec.get("case", "insensitive")
        if case not in ("sensitive", "insensitive"):
            raise GrammarError(f"{where}: case must be 'sensitive' or 'insensitive'")
        if "words" in spec:
            words = spec["words"]
            if not isinstance(words, dict) or not words:
                raise GrammarError(f"{where}: 'words' must be a non-empty mapping word -> value")
            body = _alternation(words, case == "sensitive")
            values = {norm_key(str(k)): v for k, v in words.items()}
            pieces[name] = Piece(name, rf"(?<!\w)(?:{body})(?!\w)", values)
        else:
            try:
                regex.compile(spec["regex"])
            except regex.error as exc:
                raise GrammarError(f"{where}: bad regex: {exc}") from exc
            pieces[name] = Piece(name, rf"(?<![\w])(?:{spec['regex']})(?![\w])")
    lists = data.get("lists") or {}
    for name, words in lists.items():
        if not isinstance(words, list):
            raise GrammarError(f"{path}: list {name!r} must be a list of words")
    return pieces, lists


def _number_piece(pieces) -> Piece:
    """Cardinal numbers in digits or words ("4", "twenty-four", "a few"), built from the
    lexicon's number tables; their value is an int, or "X" for vague amounts."""
    unit, teen, ten, vague = (pieces[n] for n in ("number_unit", "number_teen", "number_ten", "number_vague"))
    words = (rf"(?:{ten.regex}(?:[\s-]+{unit.regex})?|{teen.regex}|{unit.regex}"
             rf"|{vague.regex}|\d{{1,3}}(?:,\d{{3}})*(?:\.\d+)?(?:\s+1/2)?)")
    return Piece("number", words, None, parse="number")


def parse_number(pieces, surface: str):
    s = norm_key(surface)
    vague = pieces["number_vague"].values
    if s in vague:
        return vague[s]
    s2 = s.replace(",", "")
    try:
        if s2.endswith(" 1/2"):
            return float(s2[:-4]) + 0.5
        f = float(s2)
        return int(f) if f == int(f) else f
    except ValueError:
        pass
    total = 0
    for part in regex.split(r"[\s-]+", s):
        for table in ("number_unit", "number_teen", "number_ten"):
            v = pieces[table].values.get(part)
            if v is not None:
                total += v
                break
        else:
            return "X"
    return total


def expand(pattern: str, pieces: dict, where: str):
    """Replace {piece} and {piece:group} by the piece regex inside a named group."""
    groups = {}

    def sub(m):
        name, group = m.group(1), m.group(2) or m.group(1)
        if name not in pieces:
            raise GrammarError(f"{where}: unknown piece {{{name}}}")
        if group in groups and groups[group] != name:
            raise GrammarError(f"{where}: group {group!r} names two pieces; write {{{name}:other_name}}")
        groups[group] = name
        return f"(?P<{group}>{pieces[name].regex})"

    return PIECE_REF.sub(sub, pattern), groups


def _compile(pattern: str, where: str):
    """The standard library's `re` compiles about 3x faster than `regex` (start-up time of a fresh
    process), and its compiled patterns are kept on disk between processes (timeline/recache.py);
    `regex` is only needed for what `re` lacks (variable-length lookbehind)."""
    try:
        return recache.compile(pattern)
    except re.error:
        pass
    try:
        return recache.compile_regex(pattern, regex.V0)
    except regex.error as exc:
        raise GrammarError(f"{where}: pattern does not compile: {exc}") from exc


def load_rules(path: Path, pieces: dict):
    data = _load_yaml(path) or {}
    defs = data.get("define") or {}
    if not isinstance(data.get("rules"), list):
        raise GrammarError(f"{path}: needs a list 'rules'")
    # `define`: named sub-patterns (made of pieces) usable as <name> inside rules
    macros = {}
    for name, pat in defs.items():
        macros[name] = str(pat)
    rules, seen = [], set()
    for i, spec in enumerate(data["rules"]):
        where = f"{path}: rule #{i + 1}"
        if not isinstance(spec, dict) or "name" not in spec or "pattern" not in spec:
            raise GrammarError(f"{where}: needs 'name' and 'pattern'")
        name = spec["name"]
        where = f"{path}: rule {name!r}"
        if name in seen:
            raise GrammarError(f"{where}: duplicate name")
        seen.add(name)
        typ = spec.get("type", "DATE")
        if typ not in TYPES:
            raise GrammarError(f"{where}: type must be one of {sorted(TYPES)}")
        pattern = str(spec["pattern"])
        for _ in range(3):
            pattern = regex.sub(r"<([a-z_]+)>", lambda m: f"(?:{macros[m.group(1)]})" if m.group(1) in macros
                                else m.group(0), pattern)
        rx, groups = expand(pattern, pieces, where)
        # every expression starts at the start of a word: failing fast elsewhere is most of the speed
        rx = r"(?<!\w)(?:" + rx + ")"
        anchors = spec.get("anchor")
        if anchors is None:
            anchors = [p for p in groups.values() if p not in BROAD]
            anchors = [DIGIT_CLASS if pieces[p].values is None else p for p in anchors]
        elif not isinstance(anchors, list):
            raise GrammarError(f"{where}: 'anchor' must be a list of piece names or words")
        reach = spec.get("reach", [60, 60])
        if not (isinstance(reach, list) and len(reach) == 2 and all(isinstance(x, int) for x in reach)):
            raise GrammarError(f"{where}: 'reach' must be [chars before, chars after] the anchor")
        rules.append(Rule(name, pattern, typ, spec.get("norm", "fixed"), spec.get("params") or {},
                          int(spec.get("priority", 0)), rx, groups, spec.get("examples") or [],
                          str(path), frozenset(str(a).lower() if str(a) not in pieces else str(a)
                                               for a in anchors) or None, tuple(reach)))
    return rules


def token_classes(pieces: dict) -> dict:
    """Map the first token of every lexicon word to the pieces it belongs to."""
    out: dict = {}
    for name, piece in pieces.items():
        if piece.values is None:
            continue
        for key in piece.values:
            toks = [t for t in regex.findall(r"[a-z]+|\d+[a-z]*", key) if t not in STOP_TOKENS]
            if toks:
                out.setdefault(toks[0], set()).add(name)
    return {k: frozenset(v) for k, v in out.items()}


@functools.lru_cache(maxsize=8)
def load(directory: str | None = None) -> Grammar:
    """The grammar of a directory's lexicon.yaml and rules.yaml, read once per process; a fresh
    process takes it from the user's cache when the same files were read by the same code before
    (keyed by their contents, see timeline/cachefiles.py)."""
    d = Path(directory) if directory else HERE
    try:
        digest = cachefiles.key(str(d), cachefiles.source_of(d / "lexicon.yaml", d / "rules.yaml", Path(__file__),
                                                             HERE / "normalize.py"),
                                cachefiles.library("yaml"), cachefiles.library("regex"))
    except OSError:
        return _build(d)   # a missing file: the error reading it tells
    return cachefiles.pickled("grammar", digest, lambda: _build(d))


def _build(d: Path) -> Grammar:
    pieces, lists = load_lexicon(d / "lexicon.yaml")
    pieces["number"] = _number_piece(pieces)
    rules = load_rules(d / "rules.yaml", pieces)
    from .normalize import NORMALISERS  # late: the normalisers need the calendar, not the grammar
    for r in rules:
        if r.norm not in NORMALISERS:
            raise GrammarError(f"{r.source}: rule {r.name!r}: unknown norm {r.norm!r} "
                               f"(one of {', '.join(sorted(NORMALISERS))})")
        for ex in r.examples:
            if not isinstance(ex, dict) or "text" not in ex or "dct" not in ex \
                    or ("find" not in ex and "none" not in ex):
                raise GrammarError(f"{r.source}: rule {r.name!r}: an example needs text, dct and "
                                   f"find (or none): {ex!r}")
    return Grammar(pieces, lists, rules, token_classes(pieces))
