#!/usr/bin/env python3
"""Score the extractor on the ten extra annotated articles of bench/newsextra (out of sample for the
session that annotated them: they were chosen and annotated without running the extractor).

usage: python bench/newsextra/run.py [--set bench/newsextra2] [--cmd 'timeline extract {file} --format json'] [--verbose]
Texts come from EVAL_DIR (default /tmp/<set folder's name>): retrieve them as the dev set's README says, from
the rows of recipes.json (query_hint, then the result whose url is the row's). The scorer is the dev
set's (../shared/newsdev/score.py, or NEWSDEV_DIR)."""
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NEWSDEV = Path(os.environ.get("NEWSDEV_DIR", HERE.parents[2] / "shared" / "newsdev"))
sys.path.insert(0, str(NEWSDEV))
sys.dont_write_bytecode = True
from score import score, summary  # noqa: E402


def main(argv):
    cmd = argv[argv.index("--cmd") + 1] if "--cmd" in argv else "timeline extract {file} --format json"
    verbose = "--verbose" in argv
    here = Path(argv[argv.index("--set") + 1]).resolve() if "--set" in argv else HERE
    texts = Path(os.environ.get("EVAL_DIR", f"/tmp/{here.name}"))
    gold = json.loads((here / "gold.json").read_text())
    recipes = {r["file"]: r for r in json.loads((here / "recipes.json").read_text())}
    total = dict.fromkeys(score([], [], []), 0)
    missing = 0
    with tempfile.TemporaryDirectory() as tmp:
        for art in gold["articles"]:
            path = texts / art["file"]
            if not path.exists():
                missing += 1
                continue
            body = path.read_text().split("\n---\n", 1)[1]
            row = recipes[art["file"]]
            title = row["title"].replace('"', "'")
            article = Path(tmp) / art["file"].replace(".txt", ".md")
            article.write_text(f'---\ntitle: "{title}"\nsource: "{row["source"]}"\npublished: {art["published"]}\n'
                               f'url: {row["url"]}\n---\n{body}')
            done = subprocess.run(cmd.replace("{file}", shlex.quote(str(article))), shell=True,
                                  capture_output=True, text=True, timeout=120)
            try:
                events = json.loads(done.stdout)["events"]
            except (ValueError, KeyError):
                print(f"{art['file']}: no JSON (exit {done.returncode}): {done.stderr.strip()[-200:]}")
                events = []
            if verbose:
                print(f"== {art['file']} (published {art['published']})")
            for key, value in score(art["events"], art["negatives"], events, verbose).items():
                total[key] = total.get(key, 0) + value
    if missing:
        print(f"{missing} texts missing under {texts}: retrieve them (recipes.json)")
    print(f"{here.name}: " + summary(total)[3])
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
