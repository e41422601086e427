"""Same inputs + seed → byte-identical outputs, across processes (also with another hash seed).

Runs every stage registered on the pipeline, so it keeps covering stages as they land.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import talentforecast as tf

SRC = Path(__file__).resolve().parents[1] / "src"
OPTIONS = {"seed": 7, "horizon": 3}
SAVE = """
import sys, talentforecast as tf
tf.run(tf.datasets.load_example(), progress=False, seed=7, horizon=3).save(sys.argv[1])
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _manifest_without_timings(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.pop("timings_seconds")
    return manifest


def test_same_inputs_and_seed_give_identical_outputs(tmp_path):
    a = tf.run(tf.datasets.load_example(), progress=False, **OPTIONS).save(tmp_path / "a")
    env = {**os.environ, "PYTHONPATH": str(SRC), "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", SAVE, str(tmp_path / "b")], env=env, check=True, timeout=600)
    b = tmp_path / "b"
    files_a, files_b = _files(a), _files(b)
    assert sorted(files_a) == sorted(files_b)
    tables = [n for n in files_a if n.startswith("tables/")]
    assert any(n.endswith(".csv") for n in tables) and any(n.endswith(".parquet") for n in tables)
    differing = [n for n in tables if files_a[n] != files_b[n]]
    assert not differing, f"tables differ between two runs: {differing}"
    assert _manifest_without_timings(a) == _manifest_without_timings(b)
    manifest = _manifest_without_timings(a)
    assert manifest["seed"] == 7 and set(manifest["stages"]) == set(tf.pipeline.STAGES)
    for name, entry in manifest["tables"].items():  # the manifest's hashes match the files written
        import hashlib

        assert entry["sha256"]["csv"] == hashlib.sha256(files_a[f"tables/{name}.csv"]).hexdigest()
