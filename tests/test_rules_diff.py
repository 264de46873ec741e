"""`timeline rules diff [DIR] --against OLD_DIR` between two folders outside git (issue 15)."""
import os
import shutil
import subprocess

from conftest import BIN, RULES, write_article

MARCH = "On Friday Chinese and Russian troops will march together through Red Square."
STROLL = "On Saturday Chinese and Russian troops will stroll together through Red Square."


def two_rule_folders(tmp_path):
    old = tmp_path / "old-rules"
    new = tmp_path / "new-rules"
    shutil.copytree(RULES, old, ignore=shutil.ignore_patterns("*.md"))
    shutil.copytree(RULES, new, ignore=shutil.ignore_patterns("*.md"))
    parade = new / "parade.yaml"
    text = parade.read_text(encoding="utf-8")
    assert "    triggers: [march, marching]\n" in text
    parade.write_text(text.replace("    triggers: [march, marching]\n", "    triggers: [stroll]\n", 1), encoding="utf-8")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_article(corpus, "a.md", published="2025-05-08", body=f"{MARCH} {STROLL}")
    return old, new, corpus


def diff(*args, env=None):
    return subprocess.run([str(BIN), "rules", "diff", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env)


def test_diff_between_two_folders_outside_git_names_the_added_and_removed_event(tmp_path):
    old, new, corpus = two_rule_folders(tmp_path)
    done = diff(new, "--against", old, "--corpus", corpus)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "- disappears:   2025-05-09..2025-05-09 parade 'Troops march through Red Square' announced (parade.troops-march)",
        "+ appears:      2025-05-10..2025-05-10 parade 'Troops march through Red Square' announced (parade.troops-march)",
        f"2 change(s) against the rules in {old}",
    ]
    same = diff(old, "--against", old, "--corpus", corpus)
    assert same.returncode == 0 and same.stdout.splitlines() == [f"0 change(s) against the rules in {old}"]


def test_without_against_outside_git_the_message_says_what_to_do(tmp_path):
    _, new, corpus = two_rule_folders(tmp_path)
    done = diff(new, "--corpus", corpus)
    assert done.returncode == 2
    assert done.stderr == (f"{new} is not in a git checkout, so there are no committed rules to compare with; "
                           "give the old rules with --against OLD_DIR\n")


def test_without_against_and_without_git_the_message_says_git_is_needed(tmp_path):
    _, new, corpus = two_rule_folders(tmp_path)
    empty = tmp_path / "no-programs"
    empty.mkdir()
    done = diff(new, "--corpus", corpus, env={**os.environ, "PATH": str(empty)})
    assert done.returncode == 2
    assert done.stderr == (f"{new}: comparing with the committed rules needs git, which is not installed; "
                           "give the old rules with --against OLD_DIR\n")
    assert diff(new, "--against", new, "--corpus", corpus, env={**os.environ, "PATH": str(empty)}).returncode == 0
