"""The only module that talks to durable_rules (see DURABLE_RULES.md for why it is fenced in).

Each event type's rules become one durable_rules ruleset (its JSON form). A mention is handed to
the engine as a fact of plain features (computed in `features.py`), asserted and retracted at once:
`assert_fact` fires every matching rule, where `post` would fire only one. The engine is not
thread-safe, so one process-wide lock covers every assert+retract. Rulesets cannot be changed or
re-registered under the same name, so each load gets fresh names, and a load is only done when
the rule files' hash changes (every registration leaks a little memory inside the engine).
"""
from __future__ import annotations

import atexit
import itertools
import logging
import threading
import time
import warnings

# durable_rules 2.0.28 calls datetime.utcfromtimestamp, deprecated since Python 3.12 (once per action it
# runs): silenced where it is raised, in durable's engine module only, not for any other code.
warnings.filterwarnings("ignore", message=r"datetime\.datetime\.utcfromtimestamp\(\) is deprecated",
                        category=DeprecationWarning, module=r"durable\.engine")

from durable import engine as durable_engine  # noqa: E402 - after the filter that concerns it

from .rulebook import Rule, Rulebook

log = logging.getLogger("timeline.engine")
_LOCK = threading.RLock()
_GENERATION = itertools.count(1)
_FACT_IDS = itertools.count(1)


class _Host(durable_engine.Host):
    """One Host per process. durable_rules' own Host keeps two chains of timer threads going for ever (each
    timer starts the next), which at interpreter exit fail with "can't create new thread at interpreter
    shutdown" (Python 3.12): this one does the same dispatching in one thread that stops at exit."""

    def __init__(self):
        self.fired: list[tuple[int, str]] = []
        self.actions: dict[str, object] = {}
        self._stop = threading.Event()
        super().__init__()  # calls _run

    def _run(self):
        def dispatch():
            while not self._stop.wait(0.2):
                for ruleset in list(self._ruleset_list):
                    with _LOCK:  # the engine is not thread-safe
                        try:
                            ruleset.dispatch()
                            ruleset.dispatch_timers()
                        except Exception:  # noqa: BLE001 - logged, as durable's own loop does
                            log.exception("rules engine: error dispatching ruleset %s", ruleset._name)

        self._dispatcher = threading.Thread(target=dispatch, name="durable-dispatch", daemon=True)
        self._dispatcher.start()

    def stop(self) -> None:
        self._stop.set()
        if self._dispatcher.is_alive() and self._dispatcher is not threading.current_thread():
            self._dispatcher.join(timeout=5)

    def get_action(self, action_name):
        # The engine does not tell an action which rule fired: bind the rule id in the action.
        return self._recorder(action_name.split("/", 1)[1])

    def _recorder(self, rule_id: str):
        # Exactly one parameter: a second one, even with a default, makes the engine call it
        # asynchronously with a callback instead of a rule id.
        def record(c):
            self.fired.append((c.m.id, rule_id))

        return record


_HOST: _Host | None = None


def _host() -> _Host:
    global _HOST
    with _LOCK:
        if _HOST is None:
            _HOST = _Host()
            atexit.register(_HOST.stop)
        return _HOST


def rule_condition(rule: Rule, index: int) -> dict:
    """The JSON condition of one rule over the features of a mention (see features.py for names)."""
    terms: list[dict] = [{"kind": "mention"}, {f"t_{index}": True}, {f"neg_{index}": False}]
    if rule.required:
        terms.append({f"req_{index}": True})
    if rule.forbidden:
        terms.append({f"forb_{index}": False})
    if rule.needs_date:
        terms.append({"$lte": {f"dist_{index}": rule.date_within}})
    if rule.refuse_hedged:
        terms.append({f"hedged_{index}": False})
    if rule.refuse_domestic:
        terms.append({"domestic": False})
    for kind, minimum in sorted(rule.involving.items()):
        if minimum > 0:
            name = f"{kind}_{index}" if rule.involving_scope == "clause" else kind
            terms.append({"$gte": {name: minimum}})
    return {"$and": terms}


SHARD_SIZE = 16  # rules per engine ruleset: a fact matching ~40 rules of one ruleset fails (error 302/303)


def compile_ruleset(rules: tuple[Rule, ...], name: str, offset: int = 0) -> dict:
    """One ruleset of rules numbered from `offset` (the index their features carry)."""
    return {
        name: {
            f"r{index}": {"all": [{"m": rule_condition(rule, index)}], "run": f"{name}/{rule.id}"}
            for index, rule in enumerate(rules, start=offset)
        }
    }


def evaluate(condition: dict, fact: dict) -> bool:
    """Pure-Python reading of the same JSON conditions: the reference the engine is tested against."""
    ops = {"$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b, "$gt": lambda a, b: a > b,
           "$gte": lambda a, b: a >= b, "$neq": lambda a, b: a != b}
    for key, value in condition.items():
        if key == "$and":
            if not all(evaluate(term, fact) for term in value):
                return False
        elif key == "$or":
            if not any(evaluate(term, fact) for term in value):
                return False
        elif key in ops:
            (name, expected), = value.items()
            if name not in fact or not ops[key](fact[name], expected):
                return False
        elif fact.get(key, object()) != value or type(fact.get(key)) is not type(value):
            return False
    return True


class RuleEngine:
    """Classifies mention features with the rules of a rulebook, on the real durable_rules engine."""

    def __init__(self, rulebook: Rulebook):
        self.version = rulebook.version
        self.types = {event_type.name: event_type.rules for event_type in rulebook.types}
        self._rulesets: dict[str, list[str]] = {}
        self._fields: dict[str, set[str]] = {}
        self.definitions: dict[str, dict] = {}
        host = _host()
        generation = next(_GENERATION)
        for type_name, rules in self.types.items():
            self.definitions[type_name] = {}
            self._rulesets[type_name] = []
            for offset in range(0, len(rules), SHARD_SIZE):
                name = f"{type_name}_{rulebook.version}_{generation}_{offset // SHARD_SIZE}"
                definition = compile_ruleset(rules[offset:offset + SHARD_SIZE], name, offset)
                self.definitions[type_name].update(definition[name])
                self._fields[name] = _fields(definition[name])
                self._register(host, definition)
                self._rulesets[type_name].append(name)

    @staticmethod
    def _register(host: _Host, definition: dict) -> None:
        import copy

        for attempt in range(3):
            try:
                with _LOCK:
                    host.register_rulesets(copy.deepcopy(definition))  # the engine mutates what it is given
                return
            except Exception as exc:  # about 0.3% of creations fail with error 102; a retry works
                if "102" not in str(exc) or attempt == 2:
                    raise
                time.sleep(0.01)

    def fired_rules(self, type_name: str, features: dict) -> list[str]:
        """Ids of the rules of `type_name` whose conditions the features meet, in file order."""
        host = _host()
        fired: set[str] = set()
        for name in self._rulesets[type_name]:
            # only the fields this ruleset reads: the engine fails (error 302) on facts with hundreds
            fields = self._fields[name]
            fact = {key: value for key, value in features.items() if key in fields}
            fact.update(kind="mention", id=next(_FACT_IDS))
            with _LOCK:
                host.fired.clear()
                try:
                    host.assert_fact(name, fact)
                except durable_engine.MessageNotHandledException:
                    continue
                except Exception as exc:  # the engine's own errors carry a code and no location
                    raise EngineError(f"rules engine failed on ruleset {name}: {exc}") from exc
                finally:
                    try:
                        host.retract_fact(name, fact)
                    except Exception:
                        pass
                fired |= {rule_id for fact_id, rule_id in host.fired if fact_id == fact["id"]}
                host.fired.clear()
        return [rule.id for rule in self.types[type_name] if rule.id in fired]


class EngineError(RuntimeError):
    pass


def _fields(rules: dict) -> set[str]:
    """Every fact field the conditions of a ruleset name."""
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key.startswith("$") or key == "m":  # operators and the binding hold conditions
                    walk(value)
                else:
                    found.add(key)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for rule in rules.values():
        walk(rule["all"])
    return found
