"""Command-line flags shared by the examples: ``--horizon`` and ``--fast`` (small settings for tests).

``--fast`` only trades accuracy for speed: simple forecasting models and fewer simulation draws.
Leave it out for real work.
"""

from __future__ import annotations

import argparse

# Per-stage parameters accepted by tf.run(params=...); see docs/demand.md and docs/supply.md.
FAST_PARAMS = {
    "demand": {"models": "drift", "n_paths": 200},
    "supply": {"forecast": {"models": "drift"}, "simulation": {"n_draws": 100}},
}


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--horizon", type=int, default=5, help="forecast horizon in years (default 5)")
    p.add_argument("--fast", action="store_true", help="simple models and few draws (for tests)")
    return p


def run_options(args: argparse.Namespace) -> dict:
    """Options for ``tf.run`` from the parsed flags."""
    return {"horizon": args.horizon, "params": FAST_PARAMS if args.fast else None}
