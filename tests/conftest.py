"""Shared fixtures: the default example run is made once per test process and reused."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def example_run():
    """The default annual run on the bundled example (seed 0): the run the golden figures pin.

    Tests must not modify its tables; copy before changing.
    """
    import talentforecast as tf
    from talentforecast.golden import RUN_OPTIONS

    return tf.run(tf.datasets.load_example(), progress=False, **RUN_OPTIONS)
