"""Hardening (issue 8): the editors' rule files mutated at random (wrong types, deleted and unknown
keys, broken YAML, byte flips, truncation, huge and catastrophic regexes, non-UTF-8 bytes, empty
files). `timeline rules check` must answer every one with `file:line:` errors and exit 0 or 1, and
a running server must keep serving the last good rules while the files are broken.

The default run tries a seeded, bounded sample; `pytest -m fuzz` tries many more.
"""
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from backends import Server
from conftest import BIN, RULES

from timeline.rulebook import SHARED_FILES, RulebookInvalid, load_rulebook
from timeline.live_rules import LiveRules
from timeline.rulecheck import check_rules

TOKEN = "hardening-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RULE_FILES = sorted(p.name for p in RULES.glob("*.yaml"))
ERROR_LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): \S")

# --- mutations ------------------------------------------------------------------------------------

WRONG_VALUES = [
    None, "", "a string", 7, -1, 10**30, 3.5, True, [], ["a", "b"], [None], [[1, 2]], {}, {"nested": {"deep": [1]}},
    {"a": None}, "2025-13-45", "\x00", "é" * 50, ["=", "*", ""], [{"a": 1}],
]
UNKNOWN_KEYS = ["priorty", "trigger", "exec", "__class__", "!!python/object", "eval", "on_match", "$where"]
CATASTROPHIC = [
    r"(a+)+$", r"(\w+\s?)*$", r"(a|a)*b", r"(a|ab)*c", r"\w*\w*\w*x", r"(.*a){12}", r"((a*)*)*b", r"(a+)\1",
    r"(x+x+)+y", r"(?:\s*\w+\s*)+\.", r"([a-z]+)*=", r"(.+)+!", r"(a?){30}a{30}", r"(?:a|b|ab)+c",
]
BAD_REGEXES = ["(", "[a-", "*a", "a{2,1}", "(?P<x>a)(?P<x>b)", "\\", "(?<=a+)b", "a" * 400, "(" * 200 + ")" * 200,
               "x{99999999999}", "(?" + "(" * 50]
UNKNOWN_OPERATORS = [("involving", {"kings": 2}), ("involving", {"leaders": "two"}), ("involving", {"leaders": 99}),
                     ("involving_scope", "paragraph"), ("involving", ["leaders"]), ("date_within", "10"),
                     ("priority", 10**6), ("id", "Summit visit"), ("id", "other.rule"), ("label", []),
                     ("examples", {"match": []}), ("examples", {"no_match": ["x"]}), ("triggers", "parade"),
                     ("triggers", [""]), ("triggers", ["*"]), ("triggers", ["=(a+)+"]), ("needs_date", "yes")]


def _paths(data, path=()):
    """Every path into a loaded YAML document (dict keys and list indexes)."""
    yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, path + (index,))


def _parent(data, path):
    for step in path[:-1]:
        data = data[step]
    return data


def _rule_paths(data):
    return [("rules", i) for i, r in enumerate(data.get("rules") or []) if isinstance(r, dict)]


def mutate_data(rng: random.Random, data) -> tuple[str, object]:
    """One change to the loaded document: (what was done, the changed document)."""
    paths = [p for p in _paths(data) if p]
    kind = rng.choice(["delete", "wrong-type", "wrong-type", "unknown-key", "regex", "catastrophic",
                       "operator", "duplicate-id", "many-rules"])
    rules = _rule_paths(data) if isinstance(data, dict) else []
    if kind in ("regex", "catastrophic", "operator", "duplicate-id", "many-rules") and not rules:
        kind = "wrong-type"
    if kind == "delete" and paths:
        path = rng.choice(paths)
        del _parent(data, path)[path[-1]]
        return f"delete {path}", data
    if kind == "wrong-type" and paths:
        path = rng.choice(paths)
        value = rng.choice(WRONG_VALUES)
        _parent(data, path)[path[-1]] = value
        return f"{path} = {value!r:.40}", data
    if kind == "unknown-key":
        dicts = [p for p in _paths(data) if isinstance(_parent(data, p + ("x",)), dict)]
        path = rng.choice(dicts)
        key = rng.choice(UNKNOWN_KEYS)
        _parent(data, path + ("x",))[key] = rng.choice(WRONG_VALUES)
        return f"unknown key {key!r} at {path}", data
    rule = _parent(data, rng.choice(rules) + ("x",))
    if kind == "regex":
        pattern = rng.choice(BAD_REGEXES + ["(?:" + "|".join(f"w{i}" for i in range(rng.randint(50, 3000))) + ")"])
        rule.setdefault("trigger_patterns", []).append(pattern)
        return f"regex {pattern[:30]!r}", data
    if kind == "catastrophic":
        pattern = rng.choice(CATASTROPHIC)
        rule["trigger_patterns"] = [pattern]
        return f"catastrophic {pattern!r}", data
    if kind == "operator":
        key, value = rng.choice(UNKNOWN_OPERATORS)
        rule[key] = value
        return f"{key} = {value!r}", data
    if kind == "duplicate-id":
        data["rules"].append(dict(data["rules"][0]))
        return "a rule id twice", data
    data["rules"] = data["rules"] * 60  # past the per-type limit
    return "too many rules", data


def mutate_text(rng: random.Random, raw: bytes) -> tuple[str, bytes]:
    """One change to the file's bytes."""
    lines = raw.split(b"\n")
    kind = rng.choice(["unclosed", "tab", "indent", "flip", "flip", "truncate", "non-utf8", "empty",
                       "duplicate-key", "garbage", "deep", "anchor", "tag"])
    i = rng.randrange(len(lines))
    if kind == "unclosed":
        lines[i] += rng.choice([b" [a, b", b" {a: 1", b' "open', b" 'open", b" [[[", b" {"])
    elif kind == "tab":
        lines[i] = b"\t" + lines[i]
    elif kind == "indent":
        lines[i] = b" " * rng.choice([1, 3, 5, 13]) + lines[i].lstrip()
    elif kind == "flip":
        data = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return "byte flips", bytes(data)
    elif kind == "truncate":
        return "truncated", raw[:rng.randrange(len(raw))]
    elif kind == "non-utf8":
        lines[i] += rng.choice([b"\xff\xfe", b"\xc3\x28", b"\xe9t\xe9", b"\xed\xa0\x80"])
    elif kind == "empty":
        return "empty", rng.choice([b"", b"\n", b"---\n", b"# only a comment\n", b"~\n", b"[]\n", b"42\n"])
    elif kind == "duplicate-key":
        keyed = [j for j, line in enumerate(lines) if re.match(rb"^\s*-?\s*[a-z_]+:", line)]
        if keyed:
            i = rng.choice(keyed)
            lines.insert(i + 1, lines[i].replace(b"- ", b"  ", 1))
    elif kind == "garbage":
        lines.insert(i, rng.choice([b"%YAML 9.9", b"--- !!python/object/apply:os.system ['true']", b"? [a]: b",
                                    b"&a [*a]", b"key: *undefined", b"!!binary zzz", b"...", b"@", b"`x`",
                                    b"a: !!python/name:os.system", b"x: !!set {a, b}", b"<<: 5"]))
    elif kind == "deep":
        lines.insert(i, b"deep: " + b"[" * 5000 + b"]" * 5000)
    elif kind == "anchor":  # a billion laughs
        bomb = [b"a0: &a0 [x, x, x, x, x, x, x, x, x]"]
        bomb += [b"a%d: &a%d [" % (n, n) + b", ".join([b"*a%d" % (n - 1)] * 9) + b"]" for n in range(1, 9)]
        lines[i:i] = bomb
    elif kind == "tag":
        lines.insert(i, rng.choice([b"x: !!python/object/new:os.system [true]", b"x: !custom 1",
                                    b"x: !!float nope", b"x: !!timestamp 2025-99-99"]))
    return f"{kind} at line {i + 1}", b"\n".join(lines)


def mutate_folder(rng: random.Random, folder: Path) -> list[str]:
    """Copy-free: change one to three of the rule files in `folder`; what was done, per file."""
    done = []
    for name in rng.sample(RULE_FILES, rng.choice([1, 1, 1, 2, 3])):
        path = folder / name
        raw = path.read_bytes()
        if rng.random() < 0.5:
            data = yaml.load(raw, Loader=yaml.CSafeLoader)
            what, data = mutate_data(rng, data)
            raw = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False,
                            width=100000).encode("utf-8")
        else:
            what, raw = mutate_text(rng, raw)
        path.write_bytes(raw)
        done.append(f"{name}: {what}")
    if rng.random() < 0.05:
        (folder / rng.choice(RULE_FILES)).unlink()
        done.append("a file removed")
    return done


def fresh_copy(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def number_of(match) -> int:
    return int(match["line"])


def assert_error_lines(lines: list[str], folder: Path, what):
    """Every line is `<file>:<line>: message`, naming a real file (or the folder) and a line inside it."""
    for line in lines:
        match = ERROR_LINE.match(line)
        assert match, (what, line)
        named = Path(match["file"])
        assert named.resolve().is_relative_to(folder.resolve()), (what, line)
        if named.is_symlink() and not named.exists():  # a dangling link
            assert number_of(match) == 1, (what, line)
            continue
        if not named.exists():  # a shared word list that was removed: named where it belongs
            assert named.name in SHARED_FILES and number_of(match) == 1, (what, line)
            continue
        number = int(match["line"])
        if named.is_file():
            length = max(1, named.read_bytes().count(b"\n") + 1)
            assert 1 <= number <= length, (what, line, length)
        else:
            assert number == 1, (what, line)


def check_one(folder: Path, what) -> bool:
    """check_rules in-process on a mutated folder; True when the rule files were refused."""
    problems, summary = check_rules(folder)
    assert summary and "\n" not in summary, what
    assert_error_lines(problems, folder, what)
    return summary.endswith("error(s) in the rule files")


def run_mutations(tmp_path: Path, seed: int, count: int) -> dict:
    rng = random.Random(seed)
    folder = tmp_path / "rules"
    tally = {"refused": 0, "accepted": 0}
    for n in range(count):
        fresh_copy(folder)
        what = (seed, n, mutate_folder(rng, folder))
        tally["refused" if check_one(folder, what) else "accepted"] += 1
    return tally


# --- the checker ----------------------------------------------------------------------------------

def test_shipped_rules_pass_and_error_lines_are_well_formed(tmp_path):
    folder = fresh_copy(tmp_path / "rules")
    assert check_rules(folder)[0] == []
    (folder / "parade.yaml").write_text("type: parade\nrules:\n  - id: parade.x\n    priority: high\n")
    problems, _ = check_rules(folder)
    assert problems and all(p.startswith(f"{folder / 'parade.yaml'}:") for p in problems)
    assert_error_lines(problems, folder, "hand-made")


def test_seeded_mutations_never_crash_the_checker(tmp_path):
    tally = run_mutations(tmp_path, seed=8, count=120)
    assert tally["refused"] > 60  # most mutations break the files; the rest must still be answered
    print("rule file mutations:", tally)


@pytest.mark.fuzz
@pytest.mark.parametrize("seed", range(20))
def test_many_mutations_never_crash_the_checker(tmp_path, seed):
    print("rule file mutations:", run_mutations(tmp_path, seed=1000 + seed, count=500))


def run_cli(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), "rules", "check", str(folder)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("seed", range(4))
def test_the_command_answers_mutated_files_with_file_line_errors(tmp_path, seed):
    rng = random.Random(seed)
    folder = fresh_copy(tmp_path / "rules")
    what = mutate_folder(rng, folder)
    done = run_cli(folder)
    assert done.returncode in (0, 1), (what, done.stderr[-2000:])
    assert "Traceback" not in done.stderr + done.stdout, what
    assert done.stdout.strip() and len(done.stdout.strip().splitlines()) == 1, (what, done.stdout)
    errors = done.stderr.splitlines()
    assert (done.returncode == 1) == bool(errors), what
    assert_error_lines(errors, folder, what)


def test_the_command_on_an_empty_or_missing_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        done = run_cli(folder)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"{folder}"), done.stderr
    assert_error_lines(run_cli(tmp_path / "empty").stderr.splitlines(), tmp_path / "empty", "empty folder")
    assert run_cli(tmp_path / "missing").stderr == f"{tmp_path / 'missing'}:1: no such rules folder\n"


# --- a running server keeps the last good rules ---------------------------------------------------

def broken_folder(rng: random.Random, folder: Path) -> list[str]:
    """Mutate a fresh copy until the rule files are refused (most mutations are)."""
    while True:
        fresh_copy(folder)
        what = mutate_folder(rng, folder)
        try:
            load_rulebook(folder)
        except RulebookInvalid:
            return what


def get_json(server, path):
    status, _, body = server.request("GET", path)
    assert status == 200, (path, body[:500])
    return json.loads(body)


def serve_broken_rules(tmp_path: Path, seed: int, count: int):
    folder = fresh_copy(tmp_path / "rules")
    rng = random.Random(seed)
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", token=TOKEN, TIMELINE_RULES_DIR=str(folder),
                TIMELINE_WRITE_RATE="off") as server:
        good = get_json(server, "/rules")
        assert good["errors"] == []
        baseline = get_json(server, "/timeline?limit=1000")
        assert baseline["rules_version"] == good["version"] and baseline["events"]
        for n in range(count):
            what = (seed, n, broken_folder(rng, folder))
            status, headers, body = server.request("POST", "/rules/reload", b"", headers=AUTH)
            assert status == 422 and b"Traceback" not in body, (what, status, body[:500])
            problem = json.loads(body)
            assert good["version"] in problem["detail"], what
            assert problem["invalid-params"], what
            for param in problem["invalid-params"]:
                assert_error_lines([f"{folder / param['name']}: {param['reason']}"], folder, what)
            rules = get_json(server, "/rules")
            assert rules["version"] == good["version"] and rules["types"] == good["types"], what
            assert rules["errors"] and all(e["file"] in RULE_FILES for e in rules["errors"]), what
            served = get_json(server, "/timeline?limit=1000")
            assert served["rules_version"] == good["version"], what
            assert served["events"] == baseline["events"], what
            fresh_copy(folder)
            status, _, body = server.request("POST", "/rules/reload", b"", headers=AUTH)
            assert status == 200, (what, body[:500])
            assert json.loads(body)["errors"] == [] and json.loads(body)["version"] == good["version"]
        assert "Traceback" not in server.output()
        return count


def test_a_running_server_keeps_its_last_good_rules_while_the_files_are_broken(tmp_path):
    assert serve_broken_rules(tmp_path, seed=8, count=12) == 12


@pytest.mark.fuzz
def test_a_running_server_keeps_its_last_good_rules_long(tmp_path):
    assert serve_broken_rules(tmp_path, seed=80, count=300) == 300


def test_a_billion_laughs_in_a_rule_file_is_refused_quickly(tmp_path):
    folder = fresh_copy(tmp_path / "rules")
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    bomb += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, 10)]
    (folder / "language.yaml").write_text("\n".join(bomb) + "\n", encoding="utf-8")
    problems, _ = check_rules(folder)  # nine levels: 387 million values if walked
    assert any(p.startswith(f"{folder / 'language.yaml'}:") and "aliases" in p for p in problems), problems


@pytest.mark.parametrize("line, message", [
    ("x: !!timestamp 2025-99-99", "timestamp"), ("x: !!timestamp not-a-date", "timestamp"),
    ("x: !!float nope", "float"), ("x: !!python/object/apply:os.system ['true']", "python"),
])
def test_bad_tagged_values_are_errors_on_their_line(tmp_path, line, message):
    folder = fresh_copy(tmp_path / "rules")
    path = folder / "parade.yaml"
    text = path.read_text(encoding="utf-8").splitlines()
    text.insert(3, line)
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    problems, _ = check_rules(folder)
    assert problems and problems[0].startswith(f"{path}:4: "), problems
    assert message in problems[0], problems


def test_a_truncated_file_is_blamed_on_its_last_line(tmp_path):
    folder = fresh_copy(tmp_path / "rules")
    path = folder / "parade.yaml"
    path.write_text("type: parade\nforbidden: [a, b", encoding="utf-8")
    assert check_rules(folder)[0] == [f"{path}:2: not valid YAML: this '[' is not closed: line 2 reads 'forbidden: [a, b'"]


def test_folders_and_dangling_links_named_yaml_are_errors_and_lock_files_are_ignored(tmp_path):
    folder = fresh_copy(tmp_path / "rules")
    (folder / ".#parade.yaml").symlink_to("editor@host.4242")  # Emacs's lock while parade.yaml is edited
    assert check_rules(folder)[0] == []
    live = LiveRules(folder, check_every=0)
    version = live.version
    path = folder / "parade.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert live.get().rules_version != version  # the edit is picked up while the lock file is there
    (folder / "extra.yaml").mkdir()
    (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    problems, _ = check_rules(folder)
    assert problems == [f"{folder / 'dangling.yaml'}:1: No such file or directory",
                        f"{folder / 'extra.yaml'}:1: Is a directory"]
    edited = live.version
    assert live.reload(force=True) is False and live.version == edited and len(live.last_errors) == 2


def test_a_running_server_answers_while_an_editor_holds_a_lock_on_a_rule_file(tmp_path):
    folder = fresh_copy(tmp_path / "rules")
    with Server(f"sqlite:///{tmp_path / 'timeline.sqlite'}", token=TOKEN, TIMELINE_RULES_DIR=str(folder),
                TIMELINE_WRITE_RATE="off") as server:
        version = get_json(server, "/rules")["version"]
        (folder / ".#parade.yaml").symlink_to("editor@host.4242")
        status, _, body = server.request("POST", "/rules/reload", b"", headers=AUTH)
        assert status == 200 and json.loads(body)["version"] == version, body[:500]
        (folder / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
        status, _, body = server.request("POST", "/rules/reload", b"", headers=AUTH)
        assert status == 422, body[:500]
        assert [p["name"] for p in json.loads(body)["invalid-params"]] == ["dangling.yaml:1"]
        assert get_json(server, "/timeline")["rules_version"] == version
        assert get_json(server, "/rules")["errors"][0]["file"] == "dangling.yaml"
