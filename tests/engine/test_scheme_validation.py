"""A wrong scheme is refused before anything is scored, with every problem named by its place."""

from __future__ import annotations

import pytest

from jixiao.engine import SchemeError, dump_scheme, read_scheme_text
from jixiao.engine.testing import SCORING_MD_SCHEME


def problems(text: str) -> list[str]:
    with pytest.raises(SchemeError) as exc:
        read_scheme_text(text)
    return exc.value.problems


BASE = """
id: t
name: T
grades: [{name: ok, min: 0}]
"""


def test_the_scoring_md_scheme_is_valid_and_round_trips() -> None:
    s = read_scheme_text(SCORING_MD_SCHEME)
    assert read_scheme_text(dump_scheme(s)) == s


def test_it_names_a_missing_linear_floor_by_its_place() -> None:
    text = BASE + """
tree:
  - code: G
    name: g
    weight: 1
    children:
      - {code: A, name: a, weight: 1, rule: {type: ratio, target: 1}}
      - {code: B, name: b, weight: 1, rule: {type: ratio, target: 1}}
      - {code: C, name: c, weight: 1, rule: {type: linear, target: 1}}
"""
    assert problems(text) == ["tree[0].children[2].rule.floor: required for type linear"]


def test_it_lists_every_problem_at_once() -> None:
    text = """
id: Bad Id
name: T
colour: red
tree:
  - {code: A, name: a, weight: 0, rule: {type: ratio, target: 1}}
  - {code: A, name: dup, weight: 1, rule: {type: magic}}
  - {code: B, name: b, weight: -1, rule: {type: rating, scale: [0, 100], groups: {superior: 0.5, peer: }}}
  - code: C
    name: c
    weight: 1
    rule: {type: bands, direction: lower, bands: [{limit: 2, score: 1}, {limit: 1, score: 0.5}]}
  - {code: D, name: d, weight: 1, rule: {type: linear, floor: 1, target: 2, wobble: 3}}
bonus: {codes: [X], cap: 5}
veto: {codes: [V], grade: 特等}
grades:
  - {name: 优秀, min: 90, quota: 1.5}
  - {name: 良好, min: 95}
"""
    got = problems(text)
    expected = [
        "id: 'Bad Id' must be a slug",
        "colour: unknown key",
        "tree[0].weight: must be a number > 0",
        "tree[1].code: duplicate code 'A' (first used at tree[0].code)",
        "tree[1].rule.type: must be one of",
        "tree[2].weight: must be a number > 0",
        "tree[2].rule.groups.peer: rater group without a weight",
        "tree[3].rule.bands: not best first",
        "tree[4].rule.wobble: unknown key",
        "grades[0].quota: must be in (0, 1]",
        "grades[1].min: grades are listed best first",
        "veto.grade: '特等' is not one of the grades",
    ]
    for want in expected:
        assert any(p.startswith(want) for p in got), (want, got)
    assert len(got) == len(expected)


@pytest.mark.parametrize(("snippet", "message"), [
    ("{type: linear, floor: 5, target: 5}", "tree[0].rule.target: must differ from floor"),
    ("{type: linear, floor: 5, target: 10, direction: lower}", "tree[0].rule.direction: contradicts"),
    ("{type: ratio, target: 0}", "tree[0].rule.target: must be a number > 0 for type ratio"),
    ("{type: threshold}", "tree[0].rule.target: required for type threshold"),
    ("{type: bands, bands: []}", "tree[0].rule.bands: required for type bands"),
    ("{type: bands, bands: [{limit: 1, score: 1}, {limit: 2, score: 0.5}]}", "tree[0].rule.bands: not best first"),
    ("{type: deduction}", "tree[0].rule.per: required for type deduction"),
    ("{type: deduction, per: 0}", "tree[0].rule.per: must be a number > 0"),
    ("{type: rating, groups: {a: 1}}", "tree[0].rule.scale: required for type rating"),
    ("{type: rating, scale: [100, 0], groups: {a: 1}}", "tree[0].rule.scale: the lowest rating must be below"),
    ("{type: rating, scale: [0, 100]}", "tree[0].rule.groups: required for type rating"),
    ("{type: rating, scale: [0, 100], groups: {a: 1}, trim: -1}", "tree[0].rule.trim: must be a whole number"),
    ("{type: ratio, target: 1, cap: 0}", "tree[0].rule.cap: must be a number > 0"),
    ("{type: points, direction: lower}", "tree[0].rule.direction: has no meaning for type points"),
])
def test_each_rule_problem_is_named(snippet: str, message: str) -> None:
    got = problems(BASE + f"tree:\n  - {{code: A, name: a, weight: 1, rule: {snippet}}}\n")
    assert any(p.startswith(message) for p in got), got


def test_a_node_needs_a_rule_or_children_but_not_both() -> None:
    got = problems(BASE + "tree:\n  - {code: A, name: a, weight: 1}\n"
                   "  - {code: B, name: b, weight: 1, rule: {type: points}, children: []}\n")
    assert got == ["tree[0]: needs a rule (an indicator) or children (a group)",
                   "tree[1]: has both a rule and children; a node is either a group or an indicator"]


def test_a_code_may_not_take_a_column_name_of_the_table() -> None:
    got = problems(BASE + "tree:\n  - {code: total, name: a, weight: 1, rule: {type: points}}\n")
    assert got == ["tree[0].code: 'total' is reserved for a column of the score table"]


def test_a_bonus_code_may_not_repeat_a_node_code() -> None:
    got = problems(BASE + "tree:\n  - {code: A, name: a, weight: 1, rule: {type: points}}\nbonus: {codes: [A]}\n")
    assert got == ["bonus.codes[0]: duplicate code 'A' (first used at tree[0].code)"]


def test_a_key_written_twice_is_refused() -> None:
    got = problems("id: a\nid: b\n")
    assert got == ["line 2: key 'id' is written twice in one mapping (first on line 1)"]


def test_broken_yaml_is_named_by_line() -> None:
    got = problems("id: a\ntree: [\n")
    assert got[0].startswith("line 3, column 1: not valid YAML")


def test_a_scheme_that_is_not_a_mapping_is_refused() -> None:
    assert problems("- 1\n- 2\n")[0].startswith("(top):")
