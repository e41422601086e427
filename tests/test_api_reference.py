"""docs/api-reference.md (the API reference as Markdown, readable in the repository) matches the
docstrings: regenerate it with `PYTHONPATH=src python docs/_ext/api_markdown.py` after editing one."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_generator():
    spec = importlib.util.spec_from_file_location("api_markdown", ROOT / "docs" / "_ext" / "api_markdown.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_api_reference_is_in_step_with_the_docstrings():
    pytest.importorskip("dash")  # the reference documents talentforecast.dashboard.serve
    gen = load_generator()
    committed = gen.TARGET.read_text(encoding="utf-8")
    assert committed == gen.render(), "docs/api-reference.md is stale: PYTHONPATH=src python docs/_ext/api_markdown.py"


def test_api_reference_lists_every_object_of_api_md_with_its_example():
    gen = load_generator()
    text = gen.TARGET.read_text(encoding="utf-8")
    names = [ln[4:].strip() for ln in gen.SOURCE.read_text(encoding="utf-8").splitlines() if ln.startswith("::: ")]
    for name in names:
        if name != "talentforecast.errors":
            assert f"### `{name}`" in text, name
    assert "```pycon\n>>> import talentforecast as tf" in text and "**Example**" in text
    assert ":class:" not in text and "``" not in text.replace("```", "")  # roles and RST quotes converted


def test_sections_become_markdown():
    gen = load_generator()
    md = gen._text("Do it.\n\nExample:\n    >>> 1 + 1\n    2\n\nUse :func:`~talentforecast.run`.")
    assert md == "Do it.\n\n**Example**\n\n```pycon\n>>> 1 + 1\n2\n```\n\nUse `run`.\n"
