"""Mistakes in rule files reported where the editor made them (issue 15): YAML syntax errors at the
line where the broken token starts, tabs named as tabs, the offending line shown; a failing example
at its own line, with the reason."""
import shutil

from conftest import RULES

from timeline.rulecheck import check_rules

RULE = """type: parade
rules:
  - id: parade.x
    description: {description}
    triggers: [{triggers}]
    priority: 30
    label: ["Troops march"]
    examples:
      match: ["On Friday troops will parade in Beijing."]
"""


def folder_with(tmp_path, parade_text: str):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.md"))
    (folder / "parade.yaml").write_text(parade_text, encoding="utf-8")
    return folder


def errors(folder):
    problems, summary = check_rules(folder)
    assert summary == f"{len(problems)} error(s) in the rule files"
    return problems


def test_an_unclosed_double_quote_is_reported_where_it_opens(tmp_path):
    text = RULE.format(description='"Troops marching', triggers="parade")  # the next quote is on line 7
    folder = folder_with(tmp_path, text)
    assert errors(folder) == [
        f"{folder / 'parade.yaml'}:4: not valid YAML: this quote is not closed (the parser noticed at line 7): "
        "line 4 reads '    description: \"Troops marching'"]


def test_an_unclosed_single_quote_is_reported_where_it_opens(tmp_path):
    text = RULE.format(description="'Troops marching", triggers="parade")
    folder = folder_with(tmp_path, text)
    (problem,) = errors(folder)
    assert problem.startswith(f"{folder / 'parade.yaml'}:4: not valid YAML: this quote is not closed"), problem
    assert problem.endswith("line 4 reads \"    description: 'Troops marching\""), problem


def test_an_unclosed_bracket_is_reported_where_it_opens(tmp_path):
    text = RULE.format(description="Troops", triggers="parade, march").replace("march]", "march", 1)
    folder = folder_with(tmp_path, text)
    assert errors(folder) == [
        f"{folder / 'parade.yaml'}:5: not valid YAML: this '[' is not closed (the parser noticed at line 6): "
        "line 5 reads '    triggers: [parade, march'"]


def test_a_multi_line_list_that_is_closed_is_not_blamed(tmp_path):
    text = RULE.format(description="Troops", triggers="parade,\n               march").replace(
        "    priority: 30\n", "    priority: 30\n   label2: x\n")
    folder = folder_with(tmp_path, text)
    (problem,) = errors(folder)
    assert problem.startswith(f"{folder / 'parade.yaml'}:8: not valid YAML: "), problem
    assert problem.endswith("line 8 reads '   label2: x'"), problem


def test_a_tab_is_named_as_a_tab_at_its_line(tmp_path):
    text = RULE.format(description="Troops", triggers="parade").replace("    priority: 30", "\tpriority: 30")
    folder = folder_with(tmp_path, text)
    assert errors(folder) == [
        f"{folder / 'parade.yaml'}:6: not valid YAML: a tab character; indent with spaces: "
        "line 6 reads '\\tpriority: 30'"]


def test_a_tab_in_a_shared_word_list_too(tmp_path):
    folder = folder_with(tmp_path, (RULES / "parade.yaml").read_text(encoding="utf-8"))
    path = folder / "language.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("negations:"))
    lines[number - 1] = "\t" + lines[number - 1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (problem,) = errors(folder)
    assert problem.startswith(f"{path}:{number}: not valid YAML: a tab character; indent with spaces: "), problem


def test_a_failing_example_is_reported_at_its_own_line_with_the_reason(tmp_path):
    text = (RULES / "parade.yaml").read_text(encoding="utf-8")
    undated = "        - Chinese and Russian troops will march together through Red Square."
    fired = "        - Soldiers will march through the capital on Saturday."
    text = text.replace("        - On Friday Chinese and Russian troops will march together through Red Square.", undated, 1)
    text = text.replace("        - Opposition supporters will march through the capital on Saturday.", fired, 1)
    folder = folder_with(tmp_path, text)
    lines = text.splitlines()
    path = folder / "parade.yaml"
    problems, summary = check_rules(folder)
    assert summary.endswith("113 of 115 examples pass")
    assert problems == [
        f"{path}:{lines.index(undated) + 1}: parade.troops-march: example should match: no date (needs_date): "
        "'Chinese and Russian troops will march together through Red Square.'",
        f"{path}:{lines.index(fired) + 1}: parade.troops-march: example should NOT match: the rule fired on 'march': "
        "'Soldiers will march through the capital on Saturday.'",
    ]
