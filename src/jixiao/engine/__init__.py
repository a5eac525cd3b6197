"""The scoring engine: Django-free, columnar, and the single source of every score.

>>> from jixiao.engine import load_template, score, Population
>>> scheme = load_template("core-leader-negative")
>>> scheme.scale
100.0
"""

from jixiao.engine.errors import EngineError, InputError, InputProblem, SchemeError
from jixiao.engine.explain import Breakdown, GradeNote, Line, breakdown, explain, flag_notes
from jixiao.engine.grading import quota_limit
from jixiao.engine.inputs import Labels, build_population, read_inputs
from jixiao.engine.report import result_frame, write_table
from jixiao.engine.ruletext import rule_text
from jixiao.engine.scheme import Scheme
from jixiao.engine.schemefile import dump_scheme, list_templates, load_scheme, load_template, read_scheme_text
from jixiao.engine.score import ENGINE_VERSION, Population, ScoreResult, score, subject_points
from jixiao.engine.validation import parse_scheme

__all__ = [
    "ENGINE_VERSION",
    "Breakdown",
    "EngineError",
    "GradeNote",
    "InputError",
    "InputProblem",
    "Labels",
    "Line",
    "Population",
    "Scheme",
    "SchemeError",
    "ScoreResult",
    "breakdown",
    "build_population",
    "dump_scheme",
    "explain",
    "flag_notes",
    "list_templates",
    "load_scheme",
    "load_template",
    "parse_scheme",
    "quota_limit",
    "read_inputs",
    "read_scheme_text",
    "result_frame",
    "rule_text",
    "score",
    "subject_points",
    "write_table",
]
