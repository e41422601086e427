"""Security at the input boundary: nothing from user files or configs is unpickled, evaluated or executed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import talentforecast as tf
from talentforecast.errors import InputError

SRC = Path(__file__).resolve().parents[1] / "src" / "talentforecast"
FORBIDDEN = {
    "pickle": r"\b(c?pickle|dill|cloudpickle|joblib)\.(loads?|Unpickler)\b|^\s*import\s+(c?pickle|dill|cloudpickle)\b",
    "pandas read_pickle": r"\bread_pickle\s*\(",
    "numpy allow_pickle": r"allow_pickle\s*=\s*True",
    "marshal/shelve": r"\b(marshal\.loads?|shelve\.open)\s*\(",
    "eval/exec": r"(?<![\w.])(eval|exec)\s*\(",
    "compile": r"(?<![\w.])compile\s*\(",
    "__import__": r"__import__\s*\((?!\s*[rbu]?[\"'])",  # a literal module name is fine
    "yaml.load": r"\byaml\.(load|unsafe_load|full_load)\s*\(",
    "pandas eval/query": r"\.(eval|query)\s*\((?!\s*[rbu]?[\"'])",  # only fixed literal expressions
    "shell": r"shell\s*=\s*True|\bos\.system\s*\(|\bos\.popen\s*\(",
}


def _hits() -> list[str]:
    hits = []
    for path in sorted(SRC.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for what, pattern in FORBIDDEN.items():
                if re.search(pattern, code):
                    hits.append(f"{path.relative_to(SRC)}:{n}: {what}: {line.strip()}")
    return hits


def test_no_unpickle_eval_or_exec_in_source():
    assert not _hits()


@pytest.mark.parametrize("line", ["x = eval(text)", "pickle.loads(data)", "pd.read_pickle(p)", "df.query(expr)",
                                  "yaml.load(f)", "subprocess.run(cmd, shell=True)", "import pickle",
                                  "df.query(f\"x == {v}\")", "__import__(name)"])
def test_the_scan_catches_what_it_should(line):
    assert any(re.search(p, line) for p in FORBIDDEN.values())


def test_literal_queries_are_allowed():
    assert not any(re.search(p, 'df.query("year == 2025")') for p in FORBIDDEN.values())


def test_formula_text_is_data_not_code(tmp_path):
    # spreadsheet formula injection and Python code in cells are read as plain (bad) values
    p = tmp_path / "employment.csv"
    p.write_text("地区,行业代码,年份,就业人数\n990101,C,2023,=1+1\n990101,D,2023,__import__('os')\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        tf.read_table(p, "employment")
    assert {(x.row, x.value) for x in info.value.problems} == {(2, "=1+1"), (3, "__import__('os')")}
