"""Split an article body into sentences, keeping character offsets into the body.

Line breaks are hard boundaries (scraped pages put headlines, captions and list items on lines of
their own); inside a line a sentence ends at . ! ? (plus closing quotes) followed by a capital,
a quote or a digit, unless the word before the stop is a known abbreviation or an initialism
such as "U.S." followed by a capitalised name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sentence:
    index: int
    begin: int
    end: int
    text: str


ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "maj", "capt", "cmdr",
    "adm", "sgt", "st", "jr", "sr", "no", "vs", "etc", "inc", "corp", "co", "ltd", "dept", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "approx", "fig", "p", "pp",
}

SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")


def _is_abbreviation(line: str, stop: int) -> bool:
    match = WORD_BEFORE.search(line, 0, stop)
    if not match:
        return False
    word = match.group(1).rstrip(".")
    if word.lower() in ABBREVIATIONS:
        return True
    # "U.S. Trade Representative": an initialism is an abbreviation, not an ending.
    return bool(INITIALISM.match(match.group(1) + "."))


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, offset = line_match.group(0), line_match.start()
        start = 0
        for stop in SENTENCE_END.finditer(line):
            if line[stop.start()] == "." and _is_abbreviation(line, stop.start()):
                continue
            _append(sentences, text, offset + start, offset + stop.end())
            start = stop.end()
        _append(sentences, text, offset + start, offset + len(line))
    return sentences


def _append(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        sentences.append(Sentence(len(sentences), begin, end, text[begin:end]))
