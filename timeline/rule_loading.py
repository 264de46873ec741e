"""Reading and validating the rule files (rules/*.yaml) into a Rulebook: YAML with line numbers,
the marshmallow schemas of each file, every mistake reported as file:line (RulebookInvalid)."""
from __future__ import annotations

import datetime as dt
import re
import re._constants as sre_constants
import re._parser as sre_parse
from pathlib import Path

import regex
import yaml
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from .labels import template_problem
from .patterns import compile_pattern, slow_on_adversarial_input
from .rulebook import (INVOLVING_KINDS, MAX_RULES_PER_TYPE, SHARED_FILES, EventType, Lexicon, Person, Rule, Rulebook,
                       RuleFileError, RulebookInvalid, rule_files)
from .wordlists import check_entry
from .yaml_errors import describe as describe_yaml_error

# ---------------------------------------------------------------- YAML with line numbers

PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
MAX_YAML_NODES = 200_000  # values in one file once aliases are expanded; actors.yaml has about 5,600

def load_yaml_with_lines(text: str) -> tuple[object, dict[tuple, int]]:
    """Parse YAML and return (data, lines) where lines maps a path like ("rules", 0, "id") to its line."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when present: 10x faster
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if root is None:
        return None, lines
    budget = [MAX_YAML_NODES]

    def walk(node, path):
        # aliases make the tree a graph: '&a [*b, *b, ...]' nine deep is a billion nodes to walk
        budget[0] -= 1
        if budget[0] < 0:
            raise DuplicateOrBadKey(node.start_mark.line + 1,
                                    f"more than {MAX_YAML_NODES} values (aliases repeated too often?)")
        lines[path] = node.start_mark.line + 1
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in PLAIN_TAGS:
            # walked by hand below, so a tag would be dropped silently: '!!python/object/apply:os.system [x]'
            raise DuplicateOrBadKey(node.start_mark.line + 1, f"the tag {node.tag!r} is not allowed here")
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = construct(key_node)
                if not isinstance(key, (str, int)):
                    raise DuplicateOrBadKey(key_node.start_mark.line + 1, f"a key must be a word, not {key!r}")
                if key in out:
                    raise DuplicateOrBadKey(key_node.start_mark.line + 1, f"{key!r} appears twice")
                lines[path + (key,)] = key_node.start_mark.line + 1
                out[key] = walk(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [walk(child, path + (i,)) for i, child in enumerate(node.value)]
        return construct(node)

    def construct(node):
        try:
            return loader.construct_object(node, deep=True)
        except (yaml.YAMLError, RecursionError):
            raise
        except Exception as exc:  # noqa: BLE001 - PyYAML's constructors fail in many ways: '!!timestamp 2025-99-99'
            raise DuplicateOrBadKey(node.start_mark.line + 1,
                                    f"not a valid {node.tag.rsplit(':', 1)[-1]} value: {str(exc)[:100]}") from None

    data = walk(root, ())
    last = last_line(text)  # '\r' and U+2028 are line breaks to YAML, not to the editors' tools
    return data, {path: min(line, last) for path, line in lines.items()}


def last_line(text: str) -> int:
    """The number of the file's last line (1 for an empty file)."""
    return max(1, text.count("\n") + (0 if text.endswith("\n") else 1))


class DuplicateOrBadKey(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def flatten_messages(messages, path=()):
    """marshmallow's nested error dict -> [(path, message)]."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            # marshmallow nests dict-field errors under "key"/"value": not part of the file's path
            skip = key in ("_schema", "value", "key")
            yield from flatten_messages(value, path + (() if skip else (key,)))
    elif isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages):
        for message in messages:
            yield path, message
    elif isinstance(messages, list):
        for item in messages:
            yield from flatten_messages(item, path)
    else:
        yield path, str(messages)


def line_of(lines: dict[tuple, int], path: tuple) -> int:
    while path and path not in lines:
        path = path[:-1]
    return lines.get(path, 1)


# ---------------------------------------------------------------- schemas of the files

class WordList(fields.List):
    def __init__(self, **kwargs):
        super().__init__(fields.String(), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            raise self.make_error("invalid")
        words = super()._deserialize(value, attr, data, **kwargs)
        problems = {i: [problem] for i, w in enumerate(words) if (problem := check_entry(w))}
        if problems:
            raise ValidationError(problems)
        return words


class ExamplesSchema(Schema):
    class Meta:
        unknown = RAISE

    match = fields.List(fields.String(validate=validate.Length(min=1)), required=True,
                        validate=validate.Length(min=1, error="give at least one sentence that must match"))
    no_match = fields.List(fields.String(validate=validate.Length(min=1)), load_default=list)


MAX_PATTERN_LENGTH = 300
MAX_UNBOUNDED = 4  # '*', '+' or '{n,}' in one pattern
MAX_OUTER_REPEAT = 3  # '(?:\\s+\\w+){0,3}' is fine: at most cubic, on one sentence
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None))


def _backtracking_risk(pattern: str) -> str | None:
    """Why `pattern` could make Python's `re` backtrack for ever on some sentence, or None.

    Refused: a group repeated more than MAX_OUTER_REPEAT times that holds another repeat
    ('(a+)+', '(\\w+\\s?)*'), a repeated alternation whose branches may start alike ('(a|ab)*'),
    two unbounded repeats in a row ('\\w*\\w*'), more than MAX_UNBOUNDED unbounded repeats, and
    back-references ('(a+)\\1').
    """
    unbounded = 0

    def walk(items, repeated: bool) -> str | None:
        nonlocal unbounded
        previous_unbounded = False
        for op, arg in items:
            is_unbounded = op in _REPEATS and arg[1] == sre_constants.MAXREPEAT
            if is_unbounded:
                unbounded += 1
                if unbounded > MAX_UNBOUNDED:
                    return f"more than {MAX_UNBOUNDED} unbounded repeats (*, +, {{n,}})"
                if previous_unbounded:
                    return "two unbounded repeats in a row can take polynomial time"
            previous_unbounded = is_unbounded
            if op in _REPEATS:
                low, high, body = arg
                if repeated and high > 1:
                    return "a repeat inside a repeat (nested quantifiers) can take exponential time"
                found = walk(body, repeated or high > MAX_OUTER_REPEAT)
            elif op == sre_constants.BRANCH:
                branches = arg[1]
                if repeated and not _distinct_starts(branches):
                    return "a repeated alternation whose branches can start alike can take exponential time"
                found = next((r for b in branches if (r := walk(b, repeated))), None)
            elif op == sre_constants.SUBPATTERN:
                found = walk(arg[-1], repeated)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                found = walk(arg[1], repeated)
            elif op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS):
                found = "back-references are not allowed"
            elif getattr(sre_constants, "ATOMIC_GROUP", None) == op:
                found = walk(arg, repeated)
            else:
                found = None
            if found:
                return found
        return None

    return walk(sre_parse.parse(pattern), False)


def _distinct_starts(branches) -> bool:
    firsts = []
    for branch in branches:
        if not branch or branch[0][0] != sre_constants.LITERAL:
            return False
        firsts.append(chr(branch[0][1]).lower())
    return len(set(firsts)) == len(firsts)


def _check_patterns(patterns):
    problems = {}
    for i, pattern in enumerate(patterns):
        if len(pattern) > MAX_PATTERN_LENGTH:
            problems[i] = [f"a pattern longer than {MAX_PATTERN_LENGTH} characters"]
            continue
        try:
            re.compile(pattern)
        except (re.error, OverflowError, RecursionError) as exc:
            problems[i] = [f"bad regular expression {pattern!r}: {getattr(exc, 'msg', None) or exc}"]
            continue
        try:
            compile_pattern(pattern)  # what runs the pattern (timeline/patterns.py)
        except (regex.error, OverflowError, RecursionError) as exc:
            problems[i] = [f"bad regular expression {pattern!r}: {exc}"]
            continue
        risk = _backtracking_risk(pattern) or slow_on_adversarial_input(pattern)
        if risk:
            problems[i] = [f"regular expression {pattern!r} refused: {risk}"]
    if problems:
        raise ValidationError(problems)


def _check_template(template: str) -> None:
    problem = template_problem(template)
    if problem:
        raise ValidationError(problem)


class RuleSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z][a-z0-9_]*\.[a-z0-9][a-z0-9-]*$", error="an id looks like 'summit.state-visit' (type, dot, name)"))
    description = fields.String(load_default="")
    triggers = WordList(load_default=list)
    trigger_patterns = fields.List(fields.String(), load_default=list, validate=_check_patterns)
    required = WordList(load_default=list)
    forbidden = WordList(load_default=list)
    involving = fields.Dict(keys=fields.String(validate=validate.OneOf(INVOLVING_KINDS)),
                            values=fields.Integer(strict=True, validate=validate.Range(min=0, max=20)),
                            load_default=dict)
    involving_scope = fields.String(load_default="sentence", validate=validate.OneOf(("sentence", "clause")))
    needs_date = fields.Boolean(load_default=True)
    date_within = fields.Integer(strict=True, load_default=10, validate=validate.Range(min=1, max=200))
    refuse_hedged = fields.Boolean(load_default=True)
    refuse_domestic = fields.Boolean(load_default=False)
    split = fields.String(load_default="none", validate=validate.OneOf(("none", "dates")))
    kind = fields.String(load_default="", validate=validate.Regexp(r"^[a-z0-9_-]*$"))
    announcements = fields.Boolean(load_default=False)
    priority = fields.Integer(strict=True, load_default=50, validate=validate.Range(min=0, max=1000))
    label = fields.List(fields.String(validate=[validate.Length(min=1), _check_template]), required=True,
                        validate=validate.Length(min=1))
    examples = fields.Nested(ExamplesSchema, required=True)


class TypeFileSchema(Schema):
    class Meta:
        unknown = RAISE

    type = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9_]*$"))
    description = fields.String(load_default="")
    examples_published = fields.Date(load_default=lambda: dt.date(2025, 1, 15))
    forbidden = WordList(load_default=list)
    status = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[a-z][a-z_-]*$")), values=WordList(),
                         load_default=dict)
    default_status = fields.String(load_default="reported")
    future_status = fields.String(load_default="announced")
    distinct_statuses = fields.List(fields.String(), load_default=list)
    distinct_actors = fields.Boolean(load_default=False)
    rules = fields.List(fields.Nested(RuleSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_RULES_PER_TYPE))


class PersonSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1))
    aliases = WordList(load_default=list)
    country = fields.String(load_default=None, allow_none=True)
    role = fields.String(required=True, validate=validate.OneOf(("leader", "official")))


class ActorsSchema(Schema):
    class Meta:
        unknown = RAISE

    people = fields.List(fields.Nested(PersonSchema), load_default=list)
    titles = fields.Dict(keys=fields.String(validate=validate.OneOf(("leader", "official"))), values=WordList(),
                         load_default=dict)
    not_titles = WordList(load_default=list)
    not_name_words = WordList(load_default=list)
    countries = fields.Dict(keys=fields.String(), values=WordList(), load_default=dict)
    groups = WordList(load_default=list)
    places = WordList(load_default=list)
    ignore = WordList(load_default=list)


class LanguageSchema(Schema):
    class Meta:
        unknown = RAISE

    reporting_verbs = WordList(load_default=list)
    negations = WordList(load_default=list)
    hedges = WordList(load_default=list)
    continuations = WordList(load_default=list)
    anaphors = WordList(load_default=list)
    announcing = WordList(load_default=list)
    same_day = WordList(load_default=list)
    irregular_verbs = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), load_default=dict)



# ---------------------------------------------------------------- loading

def _load_file(path: Path, schema: Schema, errors: list[RuleFileError]):
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.append(RuleFileError(name, 1, "not UTF-8 text"))
        return None, {}
    except OSError as exc:
        errors.append(RuleFileError(name, 1, exc.strerror or str(exc)))
        return None, {}
    last = last_line(text)
    try:
        data, lines = load_yaml_with_lines(text)
    except yaml.MarkedYAMLError as exc:
        line, message = describe_yaml_error(text, exc)  # where the broken token starts, not where it was noticed
        errors.append(RuleFileError(name, min(line, last), message))
        return None, {}
    except yaml.YAMLError as exc:
        errors.append(RuleFileError(name, 1, f"not valid YAML: {exc}"))
        return None, {}
    except DuplicateOrBadKey as exc:
        errors.append(RuleFileError(name, min(exc.line, last), str(exc)))
        return None, {}
    except RecursionError:
        errors.append(RuleFileError(name, 1, "nested too deeply"))
        return None, {}
    if not isinstance(data, dict):
        errors.append(RuleFileError(name, 1, "the file must be a set of 'key: value' lines"))
        return None, {}
    try:
        return schema.load(data), lines
    except ValidationError as exc:
        for path_, message in flatten_messages(exc.messages):
            where = ".".join(str(p) for p in path_)
            if message == "Unknown field.":
                message = f"unknown key {path_[-1]!r}"
            errors.append(RuleFileError(name, line_of(lines, tuple(path_)), f"{where}: {message}" if where else message))
        return None, {}


def _item_lines(lines: dict[tuple, int], path: tuple, count: int) -> tuple[int, ...]:
    return tuple(line_of(lines, path + (i,)) for i in range(count))


def build_rulebook(folder: Path, version: str) -> Rulebook:
    """Read and validate the rule folder; raises RulebookInvalid listing every mistake as file:line."""
    errors: list[RuleFileError] = []
    actors, _ = _load_file(folder / "actors.yaml", ActorsSchema(), errors)
    language, _ = _load_file(folder / "language.yaml", LanguageSchema(), errors)
    types: list[EventType] = []
    seen_ids: dict[str, str] = {}
    for path in rule_files(folder):
        if path.name in SHARED_FILES:
            continue
        data, lines = _load_file(path, TypeFileSchema(), errors)
        if data is None:
            continue
        type_forbidden = tuple(data["forbidden"])
        rules = []
        for index, raw in enumerate(data["rules"]):
            line = line_of(lines, ("rules", index))
            if not raw["id"].startswith(data["type"] + "."):
                errors.append(RuleFileError(str(path), line_of(lines, ("rules", index, "id")),
                                            f"rule id {raw['id']!r} must start with '{data['type']}.'"))
            if raw["id"] in seen_ids:
                errors.append(RuleFileError(str(path), line_of(lines, ("rules", index, "id")),
                                            f"rule id {raw['id']!r} is already used in {seen_ids[raw['id']]}"))
            seen_ids[raw["id"]] = str(path)
            if not raw["triggers"] and not raw["trigger_patterns"]:
                errors.append(RuleFileError(str(path), line, "a rule needs 'triggers' (or 'trigger_patterns')"))
            rules.append(Rule(
                id=raw["id"], type=data["type"], description=raw["description"],
                triggers=tuple(raw["triggers"]), trigger_patterns=tuple(raw["trigger_patterns"]),
                required=tuple(raw["required"]), forbidden=type_forbidden + tuple(raw["forbidden"]),
                involving=dict(raw["involving"]), involving_scope=raw["involving_scope"],
                needs_date=raw["needs_date"], date_within=raw["date_within"],
                refuse_hedged=raw["refuse_hedged"], refuse_domestic=raw["refuse_domestic"],
                priority=raw["priority"], split=raw["split"], announcements=raw["announcements"], kind=raw["kind"],
                labels=tuple(raw["label"]),
                examples_match=tuple(raw["examples"]["match"]),
                examples_no_match=tuple(raw["examples"]["no_match"]), file=str(path), line=line,
                label_lines=_item_lines(lines, ("rules", index, "label"), len(raw["label"])),
                match_lines=_item_lines(lines, ("rules", index, "examples", "match"), len(raw["examples"]["match"])),
                no_match_lines=_item_lines(lines, ("rules", index, "examples", "no_match"),
                                           len(raw["examples"]["no_match"])),
            ))
        if path.stem != data["type"]:
            errors.append(RuleFileError(str(path), line_of(lines, ("type",)),
                                        f"type {data['type']!r} must match the file name ({path.stem}.yaml)"))
        types.append(EventType(data["type"], str(path), tuple(rules),
                               tuple((k, tuple(v)) for k, v in data["status"].items()), data["examples_published"],
                               data["default_status"], data["future_status"], tuple(data["distinct_statuses"]),
                               data["distinct_actors"]))
    if not types and not errors:
        errors.append(RuleFileError(str(folder), 1, "no rule files (<type>.yaml) in this folder"))
    if errors:
        raise RulebookInvalid(errors)
    lexicon = Lexicon(
        people=[Person(p["name"], tuple(p["aliases"]), p["country"], p["role"]) for p in actors["people"]],
        titles={k: list(v) for k, v in actors["titles"].items()}, not_titles=list(actors["not_titles"]),
        not_name_words=list(actors["not_name_words"]),
        countries={k: list(v) for k, v in actors["countries"].items()},
        groups=list(actors["groups"]), places=list(actors["places"]), ignore=list(actors["ignore"]),
        reporting_verbs=list(language["reporting_verbs"]), negations=list(language["negations"]),
        hedges=list(language["hedges"]), continuations=list(language["continuations"]),
        anaphors=list(language["anaphors"]), announcing=list(language["announcing"]),
        same_day=list(language["same_day"]),
        irregular_verbs={k.lower(): list(v) for k, v in language["irregular_verbs"].items()},
    )
    return Rulebook(str(folder), version, tuple(types), lexicon)
