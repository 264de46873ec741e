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

MONTHS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?(\w))")
WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?$")
MAX_SENTENCE = 1000  # characters: a longer "sentence" (a scraped line without stops) is cut at spaces


def _is_abbreviation(line: str, stop: int, next_char: str) -> bool:
    match = WORD_BEFORE.search(line, max(0, stop - 40), stop)  # look back a little, not to the line's start
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    if word in MONTHS:
        return next_char.isdigit()  # "Jan. 5" goes on; "they last met in Jan. Putin..." ends
    if word in ABBREVIATIONS:
        return True
    # "U.S. Trade Representative": an initialism is an abbreviation, not an ending.
    return bool(INITIALISM.match(match.group(1) + "."))


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line_match in re.finditer(r"[^\n]+", text):
        line, offset = line_match.group(0), line_match.start()
        start = 0
        for stop in SENTENCE_END.finditer(line):
            next_char = stop.group(1)
            if not (next_char.isupper() or next_char.isdigit()):
                continue  # a sentence starts with a capital (any script's) or a number
            if line[stop.start()] == "." and _is_abbreviation(line, stop.start(), next_char):
                continue
            _append(sentences, text, offset + start, offset + stop.end())
            start = stop.end()
        _append(sentences, text, offset + start, offset + len(line))
    return sentences


def _append(sentences: list[Sentence], text: str, begin: int, end: int) -> None:
    while end - begin > MAX_SENTENCE:
        cut = text.rfind(" ", begin + MAX_SENTENCE // 2, begin + MAX_SENTENCE)
        cut = cut if cut > begin else begin + MAX_SENTENCE
        _append(sentences, text, begin, cut)
        begin = cut
    while begin < end and text[begin].isspace():
        begin += 1
    while end > begin and text[end - 1].isspace():
        end -= 1
    if end > begin:
        sentences.append(Sentence(len(sentences), begin, end, text[begin:end]))
