"""Golden numbers: the example region's key figures stay as pinned in tests/golden/.

When a change moves a figure on purpose, rewrite the file with
``python -m talentforecast.golden --update`` and say in the commit why it moved.
"""

from __future__ import annotations

from talentforecast import golden


def test_example_figures_match_the_golden_file(example_run):
    pinned = golden.load()
    assert pinned, "tests/golden/example_figures.json is missing: run python -m talentforecast.golden --update"
    now = golden.figures(example_run.tables, named=pinned.get("named"))
    diffs = golden.compare(pinned, now)
    assert not diffs, "golden figures moved (update deliberately and say why):\n" + "\n".join(diffs[:40])


def test_golden_compare_sees_a_ten_percent_shift(example_run):
    pinned = golden.load()
    shifted = {n: df.copy() for n, df in example_run.tables.items()}
    shifted["employment_forecast"]["value"] = shifted["employment_forecast"]["value"] * 1.1
    diffs = golden.compare(pinned, golden.figures(shifted, named=pinned.get("named")))
    assert any(d.startswith("employment_total_by_year") for d in diffs)
