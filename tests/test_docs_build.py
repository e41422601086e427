"""The documentation site builds in strict mode (no broken links, no missing references)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # end-to-end: runs in CI; skip locally with -m 'not slow'

ROOT = Path(__file__).resolve().parents[1]


def test_mkdocs_builds_strict(tmp_path):
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(tmp_path / "site")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in index  # builds and reads offline
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    assert "read_table" in api and "compute_demand" in api  # mkdocstrings rendered the reference


def test_method_page_lists_every_shipped_rule():
    """docs/method.md describes each shipped warning policy rule by rule; a new rule must be added."""
    from talentforecast.warning import load_policy, shipped_policies

    text = (ROOT / "docs" / "method.md").read_text(encoding="utf-8")
    ids = {r.id for name in shipped_policies() for r in load_policy(name).rules}
    missing = sorted(i for i in ids if f"`{i}`" not in text)
    assert not missing, f"rules not described in docs/method.md: {missing}"


def test_docstring_examples_of_errors_and_datasets_run():
    import doctest

    import talentforecast.datasets
    import talentforecast.errors
    import talentforecast.supply.cohort
    import talentforecast.supply.labour
    import talentforecast.supply.shares

    for mod in (talentforecast.errors, talentforecast.datasets, talentforecast.supply.cohort,
                talentforecast.supply.labour, talentforecast.supply.shares):
        assert doctest.testmod(mod, optionflags=doctest.ELLIPSIS).failed == 0, mod.__name__
