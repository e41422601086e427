"""Every script in examples/ runs, on small settings, in a fresh process."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # end-to-end: runs in CI; skip locally with -m 'not slow'

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# script → (arguments for a quick run, module the script needs that may not be present yet)
RUNS = {
    "01_example_summary.py": ([], None),
    "02_stage_by_stage.py": (["--horizon", "2", "--fast"], None),
    "03_report_from_folder.py": (["--horizon", "2", "--fast", "--formats", "html", "--out", "{tmp}"],
                                 "talentforecast.report"),
    "04_refresh_feed.py": (["--horizon", "2", "--fast", "--formats", "parquet,csv", "--out", "{tmp}"],
                           "talentforecast.export"),
    "05_policy_and_scenario.py": (["--horizon", "2", "--fast"], None),
    "nbs_cohort_vs_timeseries.py": ([], None),
    "us_ces_openings.py": ([], None),
}


def test_every_example_is_listed():
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(RUNS), "add new examples to RUNS"


@pytest.mark.parametrize("script", sorted(RUNS))
def test_example_runs(script, tmp_path):
    args, needs = RUNS[script]
    if needs is not None and importlib.util.find_spec(needs) is None:
        pytest.skip(f"{needs} is not on this branch yet")
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in args]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert proc.stdout.strip(), "an example prints what it did"
