"""The walkthrough notebook in examples/ runs from top to bottom and shows what it says."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "walkthrough.ipynb"


@pytest.mark.slow
def test_walkthrough_notebook_executes(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "src"))  # the kernel imports this checkout
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit the notebook without outputs"
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "示例市" in text                                            # the region the bundle names
    assert "'demand', 'supply', 'matching', 'warning'" in text          # the stages ran
    assert "enrolment.xlsx" in text and "只能有一个文件" in text  # one table in two files: an error, in Chinese
    assert "预警等级：" in text and "Warning levels:" in text            # the comparison, both languages
    assert "region       string" in text and "tables.xlsx" in text    # codes as text from the feed CSV
