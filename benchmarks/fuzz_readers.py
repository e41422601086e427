"""Long fuzz run of the readers: the suite's fuzz tests with many more, non-derandomized examples.

Usage: ``PYTHONPATH=src python benchmarks/fuzz_readers.py [SCALE]`` (default 25 → about 10,000 cases,
a few minutes on 2 cores). Prints hypothesis statistics: passing/failing case counts per test.
"""

import os
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":
    os.environ["TF_FUZZ_SCALE"] = sys.argv[1] if len(sys.argv) > 1 else "25"
    test = Path(__file__).resolve().parents[1] / "tests" / "test_fuzz_readers.py"
    sys.exit(pytest.main([str(test), "-q", "-p", "no:cacheprovider", "--hypothesis-show-statistics", "-W", "ignore"]))
