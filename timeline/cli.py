"""The `timeline` command: a thin layer over the library (see CONTRACT.md)."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

from . import __version__
from .formats import FORMATS


def _default_corpus():
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / "corpus"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_extract(args) -> int:
    from .formats import render
    from .pipeline import timeline_from_paths
    from .rulebook import RulebookInvalid

    if args.unmatched:
        return _print_unmatched(args)
    try:
        timeline = timeline_from_paths(args.paths, args.rules)
    except RulebookInvalid as exc:
        print(str(exc), file=sys.stderr)
        return 2
    sys.stdout.write(render(timeline.events, args.format, timeline.rules_version, timeline.undated))
    for error in timeline.errors:
        print(str(error), file=sys.stderr)
    return 2 if timeline.errors else 0


def _print_unmatched(args) -> int:
    """`extract --unmatched`: the sentences no rule caught (see timeline/unmatched.py), one a line,
    or as JSON with --format json."""
    from .articles import load_paths
    from .pipeline import classifier_for
    from .rulebook import RulebookInvalid
    from .unmatched import unmatched

    try:
        classifier = classifier_for(args.rules)
    except RulebookInvalid as exc:
        print(str(exc), file=sys.stderr)
        return 2
    articles, errors = load_paths(args.paths)
    found = list(unmatched(articles, classifier))
    if args.format == "json":
        print(json.dumps([vars(item) for item in found], ensure_ascii=False, indent=2))
    else:
        for item in found:
            print(item)
        print(f"{len(found)} sentence(s) with a date, an actor and a word close to a trigger became no event",
              file=sys.stderr)
    for error in errors:
        print(str(error), file=sys.stderr)
    return 2 if errors else 0


def _read_input(path: str | None) -> str | None:
    """The text of FILE, or of stdin for "-"; None (after one line on stderr) when it cannot be read."""
    if path in (None, "-"):
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return None


def cmd_tag(args) -> int:
    from .temporal import tag
    from .temporal.timeml import timeml_parts

    text = _read_input(args.file)
    if text is None:
        return 2
    found = [{"text": t.text, "begin": t.begin, "end": t.end, "type": t.type, "value": t.value,
              **({"mod": t.mod} if t.mod else {})}  # the TIMEX3 modifier, when there is one (CONTRACT)
             for t in timeml_parts(tag(text, args.dct))]
    print(json.dumps(found, ensure_ascii=False, indent=2))
    return 0


def cmd_explain(args) -> int:
    """Why each sentence of a text (or of an article file with front matter) is or is not an event."""
    from .articles import ArticleRejected, FRONT_MATTER, parse_article
    from .explain import as_text, explain
    from .pipeline import classifier_for
    from .rulebook import RulebookInvalid

    name = "stdin" if args.file in (None, "-") else args.file
    raw = _read_input(args.file)
    if raw is None:
        return 2
    title, text, published = "", raw, args.published
    if FRONT_MATTER.match(raw):
        try:
            article = parse_article(raw, name)
        except ArticleRejected as exc:
            print(str(exc), file=sys.stderr)
            return 2
        title, text, published = article.title, article.body, args.published or article.published
    if published is None:
        print(f"{name}: --published YYYY-MM-DD is needed for a text without front matter", file=sys.stderr)
        return 2
    try:
        classifier = classifier_for(args.rules)
    except RulebookInvalid as exc:
        print(str(exc), file=sys.stderr)
        return 2
    answer = explain(classifier, text, published, title)
    if args.format == "json":
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(as_text(answer))
    return 0


def cmd_serve(args) -> int:
    from api.server import port_problem

    problem = port_problem(args.host, args.port)  # before the corpus and the rules are loaded: at once
    if problem:
        print(f"timeline serve: cannot start: {problem}", file=sys.stderr)
        return 2

    from api import create_app
    from api.server import serve

    config = {"DATABASE_URL": args.database_url} if args.database_url else {}
    try:
        app = create_app(config)
    except Exception as exc:  # a bad URL, an unreachable database, broken rules: one line, no traceback
        print(f"timeline serve: cannot start: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    print(f"serving the timeline on http://{args.host}:{args.port}/timeline", file=sys.stderr)
    serve(app, host=args.host, port=args.port, workers=args.workers, threads=args.threads,
          connection_limit=args.connection_limit)
    return 0


def cmd_rules_check(args) -> int:
    from .rulecheck import check_rules

    problems, summary = check_rules(args.dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(summary)
    return 1 if problems else 0


def cmd_rules_diff(args) -> int:
    from .rulebook import DEFAULT_RULES_DIR, RulebookInvalid
    from .rulediff import DiffError, rules_diff

    if args.against and args.rev:
        print("timeline rules diff: give --against OLD_DIR or --rev REV, not both", file=sys.stderr)
        return 2
    rev = args.rev or "HEAD"
    try:
        changes = rules_diff(args.dir or DEFAULT_RULES_DIR, args.corpus, rev, args.against)
    except (DiffError, RulebookInvalid) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for change in changes:
        print(change)
    old = f"the rules in {args.against}" if args.against else f"the rules committed at {rev}"
    print(f"{len(changes)} change(s) against {old}")
    return 0


def cmd_reprocess(args) -> int:
    from .reprocess import reprocess
    from .rulebook import RulebookInvalid
    from .store import DEFAULT_DATABASE_URL

    try:
        done = reprocess(args.database_url or DEFAULT_DATABASE_URL, args.rules, workers=args.workers,
                         dask_address=args.dask, partition_size=args.partition_size, progress=not args.quiet)
    except RulebookInvalid as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"{done.articles} articles classified again in {done.partitions} partitions, {done.events} events; "
          f"rules version {done.rules_version} served ({done.seconds:.1f} s)", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="timeline", description="Event timelines from news articles.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="print the ordered timeline of article files and folders")
    extract.add_argument("paths", nargs="+", metavar="PATH")
    extract.add_argument("--format", choices=FORMATS, default="json")
    extract.add_argument("--rules", default=os.environ.get("TIMELINE_RULES_DIR"), metavar="DIR")
    extract.add_argument("--unmatched", action="store_true",
                         help="instead of the timeline, list the sentences with a date, an actor and a word "
                              "close to a trigger that no rule turned into an event (json with --format json)")
    extract.set_defaults(func=cmd_extract)

    tag = sub.add_parser("tag", help="temporal expressions of a text, anchored to a document date, as JSON")
    tag.add_argument("--dct", type=_date, required=True, help="document creation time, YYYY-MM-DD")
    tag.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    tag.set_defaults(func=cmd_tag)

    why = sub.add_parser("explain", help="why each sentence of a text is or is not an event: its dates, actors "
                         "and every rule's conditions")
    why.add_argument("--published", type=_date, default=None, metavar="YYYY-MM-DD",
                     help="the text's publication date (an article file's front matter gives it too)")
    why.add_argument("--rules", default=os.environ.get("TIMELINE_RULES_DIR"), metavar="DIR")
    why.add_argument("--format", choices=("text", "json"), default="text")
    why.add_argument("file", nargs="?", default="-", metavar="FILE|-")
    why.set_defaults(func=cmd_explain)

    serve = sub.add_parser("serve", help="run the HTTP API on a production WSGI server (gunicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (default: one per core, at least 2, at most 8)")
    serve.add_argument("--threads", type=int, default=4, help="threads per worker process (default 4)")
    serve.add_argument("--connection-limit", type=int, default=100,
                       help="open connections per worker process at most (default 100)")
    serve.add_argument("--database-url", default=os.environ.get("TIMELINE_DATABASE_URL"), metavar="URL",
                       help="SQLAlchemy URL of the store (default $TIMELINE_DATABASE_URL, else ./timeline.sqlite)")
    serve.set_defaults(func=cmd_serve)

    again = sub.add_parser("reprocess", help="classify the whole stored archive again and switch to the result "
                                              "when it is complete")
    again.add_argument("--rules", default=os.environ.get("TIMELINE_RULES_DIR"), metavar="DIR")
    again.add_argument("--workers", type=int, default=None, help="local worker processes (default: every core)")
    again.add_argument("--dask", default=None, metavar="ADDRESS",
                       help="run on a Dask cluster instead, e.g. tcp://scheduler:8786")
    again.add_argument("--database-url", default=os.environ.get("TIMELINE_DATABASE_URL"), metavar="URL",
                       help="SQLAlchemy URL of the store (default $TIMELINE_DATABASE_URL, else ./timeline.sqlite)")
    again.add_argument("--partition-size", type=int, default=200, metavar="N", help="articles per task (200)")
    again.add_argument("--quiet", action="store_true", help="no progress bar")
    again.set_defaults(func=cmd_reprocess)

    rules = sub.add_parser("rules", help="work with the rule files")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="validate the rule files and run every example they carry")
    check.add_argument("dir", nargs="?", default=os.environ.get("TIMELINE_RULES_DIR"), metavar="DIR")
    check.set_defaults(func=cmd_rules_check)
    diff = rules_sub.add_parser("diff", help="events that appear, disappear or change between two rule sets: "
                                             "OLD_DIR's (or the rules committed in git) and DIR's")
    diff.add_argument("dir", nargs="?", default=os.environ.get("TIMELINE_RULES_DIR"), metavar="DIR")
    diff.add_argument("--against", default=None, metavar="OLD_DIR",
                      help="the old rules: any folder, in or out of git (default: the rules committed in git)")
    diff.add_argument("--corpus", default=os.environ.get("TIMELINE_CORPUS_DIR") or str(_default_corpus()))
    diff.add_argument("--rev", default=None, help="without --against: git revision of the committed rules (default HEAD)")
    diff.set_defaults(func=cmd_rules_diff)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
