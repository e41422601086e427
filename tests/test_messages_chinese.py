"""Every error a user can meet has its Chinese text: Chinese is the default language, and English
inside a Chinese message (`应为 a non-empty value`) is what a planner must not see."""

from __future__ import annotations

import ast
from pathlib import Path

import talentforecast

SRC = Path(talentforecast.__file__).parent


def lacking_chinese(root: Path = SRC) -> list[str]:
    """``file:line kind`` of each Problem without ``expected_zh``, ``InputError("…")`` without
    ``expected_zh`` and ``ModelError``/``ConfigError``/``OutputError`` without ``zh``."""
    out = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            kws = {k.arg for k in node.keywords}
            if None in kws:  # **kwargs: cannot tell
                continue
            where = f"{path.relative_to(root)}:{node.lineno}"
            if name == "Problem" and len(node.args) < 6 and "expected_zh" not in kws:
                out.append(f"{where} Problem")
            elif (name == "InputError" and node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr, ast.BinOp))
                  and len(node.args) < 4 and "expected_zh" not in kws):
                out.append(f"{where} InputError")
            elif name in ("ModelError", "ConfigError", "OutputError") and node.args and len(node.args) < 2 and "zh" not in kws:
                out.append(f"{where} {name}")
    return out


def test_the_scan_finds_an_error_without_chinese(tmp_path):
    (tmp_path / "m.py").write_text('raise ConfigError("bad")\nraise ConfigError("bad", zh="坏")\n'
                                   'Problem("f", "c", 2, "v", "a number")\nProblem("f", "c", 2, "v", "a number", "数值")\n',
                                   encoding="utf-8")
    assert lacking_chinese(tmp_path) == ["m.py:1 ConfigError", "m.py:3 Problem"]


def test_every_error_has_its_chinese_text():
    assert lacking_chinese() == []
