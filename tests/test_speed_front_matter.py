"""The flat front-matter reader gives exactly what YAML gives, or steps aside (None)."""
import itertools

import yaml

from timeline.articles import flat_front_matter, parse_article

VALUES = [
    "plain", "two words", "2024-05-10", "2025-06-05T09:30:00+02:00", "https://example.com/a?b=c#d",
    '"quoted: with colon"', "'single \"inner\" \\\\ back'", '"esc \\" aped"', '"a" b', "'it''s'", "a: b", "a #c",
    "a#c", "ends:", "-5", "- item", "[1, 2]", "{a: b}", "x, y", "x]", "*alias", "&anchor x", "!tag x", "|", ">",
    "%x", "@x", "`x", "~", "null", "yes", "x\u00a0", "Xi’s “visit”", "x\ty", "x\u2028y", "x\u0085y", "x\ufeffy",
    "", "  padded  ", "'open", '"open', "x \\ y", "a:b", "? x", "x ?", "a  b",
]
KEYS = ["title", "url", "a-b", "a_b", "K9", "9k", "bad key", "-k", "title"]


def _yaml(text):
    try:
        return yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        return "error"


def test_flat_reader_agrees_with_yaml():
    cases = [f"{k}: {v}\n" for k, v in itertools.product(KEYS, VALUES)]
    cases += [f"title: {a}\nsource: {b}\n" for a, b in itertools.product(VALUES, VALUES[:12])]
    cases += ["title: x\ntitle: y\n", "title: x\n\nsource: y\n", "# c\ntitle: x\n", "title:x\n", "title:\n",
              "title: x\r\n", "  title: x\n", "title: x", "", "title:  x  \n", "k" * 70 + ": x\n",
              "title: x\n  more\n", "title: >\n  folded\n"]
    taken = 0
    for text in cases:
        flat = flat_front_matter(text)
        if flat is not None:
            taken += 1
            assert flat == _yaml(text), text
    assert taken > 100  # the common shapes do take the flat path


def test_article_same_with_either_reader(tmp_path):
    raw = "---\ntitle: \"Putin: visit\"\nsource: Wire\npublished: 2025-05-08\nurl: https://e.com/x\n---\nBody.\n"
    assert flat_front_matter(raw.split("---\n")[1]) is not None
    flat = parse_article(raw, "a.txt")
    commented = parse_article(raw.replace("source: Wire\n", "source: Wire  # the wire\n"), "a.txt")
    assert flat == commented
