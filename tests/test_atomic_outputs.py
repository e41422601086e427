"""Atomic outputs: a run killed while saving leaves the previous outputs intact and no visible partial file."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from talentforecast import _atomic

SRC = Path(__file__).resolve().parents[1] / "src"

# The child saves a run whose Parquet writer announces each table and then stalls, so the
# parent can SIGKILL it while the new folder is half written.
CHILD = """
import sys, time, pathlib
import talentforecast as tf
from talentforecast import pipeline
real = pipeline._to_parquet
flag = pathlib.Path(sys.argv[2])
def slow(df, path):
    real(df, path)
    flag.write_text(path.name)
    time.sleep(60)
pipeline._to_parquet = slow
run = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False, seed=1, horizon=3)
run.save(sys.argv[1])
"""


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _visible(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if not p.name.startswith("."))


@pytest.fixture(scope="module")
def saved_run():
    import talentforecast as tf

    return tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)


def test_sigkill_during_save_keeps_previous_outputs(tmp_path, saved_run):
    out = tmp_path / "run"
    saved_run.save(out)
    before = _digest(out)
    flag = tmp_path / "flag"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(out), str(flag)], env=env)
    try:
        deadline = time.monotonic() + 120
        while not flag.exists():
            assert child.poll() is None, "child ended before writing"
            assert time.monotonic() < deadline, "child never reached the writer"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    assert _digest(out) == before  # previous outputs byte-for-byte intact
    assert _visible(tmp_path) == ["flag", "run"]  # nothing partial visible
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert leftovers and all(p.name.startswith(f".run.{child.pid}.") for p in leftovers)
    saved_run.save(out)  # the next save removes the dead process's hidden temp
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    assert _digest(out) == before


def test_failure_inside_block_leaves_nothing(tmp_path):
    out = tmp_path / "run"
    with _atomic.atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("first")
    with pytest.raises(RuntimeError), _atomic.atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("second, half")
        raise RuntimeError("disk full")
    assert (out / "a.txt").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_kill_between_the_two_renames_is_recovered(tmp_path):
    out = tmp_path / "run"
    with _atomic.atomic_dir(out) as tmp:
        (tmp / "a.txt").write_text("first")
    os.replace(out, tmp_path / ".run.old")  # the state a kill after the first rename leaves
    assert _atomic.recover(out) == []
    assert (out / "a.txt").read_text() == "first" and not (tmp_path / ".run.old").exists()


def test_temps_of_live_processes_are_left_alone(tmp_path):
    mine = tmp_path / f".run.{os.getpid()}.abc.part"
    mine.mkdir()
    dead = tmp_path / ".run.999999999.abc.part"
    dead.mkdir()
    removed = _atomic.recover(tmp_path / "run")
    assert removed == [dead] and mine.exists()


def test_atomic_file_replaces_whole_file(tmp_path):
    target = tmp_path / "x.json"
    _atomic.write_bytes(target, b"old")
    with pytest.raises(KeyboardInterrupt), _atomic.atomic_file(target) as fh:
        fh.write(b"new, partial")
        raise KeyboardInterrupt
    assert target.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["x.json"]


def test_saved_run_folder_is_shared_readable(tmp_path):
    import stat

    import talentforecast as tf

    out = tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False).save(tmp_path / "run")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~mask
    assert stat.S_IMODE((out / "manifest.json").stat().st_mode) & 0o044 == 0o044 & ~mask
