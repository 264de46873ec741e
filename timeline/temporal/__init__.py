"""Temporal expression tagger for English news (TIMEX3 values, anchored intervals).

    from timeline.temporal import tag, Timex
    tag("Xi's trip started Wednesday", datetime.date(2025, 5, 8))

The grammar is data: lexicon.yaml (word lists -> named regex pieces and their values) and
rules.yaml (named rules built from the pieces, each with examples).  grammar.py compiles them once,
tagger.py finds and selects spans, normalize.py turns them into values.
"""
from .grammar import GrammarError, load
from .model import Timex
from .tagger import tag

load()  # compile the grammar once, at import

__all__ = ["tag", "Timex", "load", "GrammarError"]
