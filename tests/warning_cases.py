"""Hand-built tables for the warning tests."""

from __future__ import annotations

import json

import pandas as pd

LEVEL = "高职专科"


def quality(rates: dict[int, float], specialty: str = "S1", region: str = "R",
            graduates: float = 100) -> pd.DataFrame:
    """One region × specialty with an employment rate per year (None = year missing)."""
    rows = [{"region": region, "specialty": specialty, "level": LEVEL, "year": y,
             "graduates": graduates, "employment_rate": r} for y, r in rates.items() if r is not None]
    return pd.DataFrame(rows)


def matches(observed: dict[int, float], projected: dict[int, float], specialty: str = "S1",
            region: str = "R", spread: float = 0.0, supply: float = 100.0) -> pd.DataFrame:
    """S/D per year; ``spread`` sets the 95% interval to ratio × exp(±spread)."""
    import math

    rows = []
    for obs, ratios in ((True, observed), (False, projected)):
        for y, r in ratios.items():
            rows.append({"region": region, "specialty": specialty, "level": LEVEL, "year": y,
                         "scenario": "baseline", "supply": supply, "demand": supply / r,
                         "ratio_sd": r, "ratio_ds": 1 / r,
                         "ratio_sd_lo_95": r * math.exp(-spread), "ratio_sd_hi_95": r * math.exp(spread),
                         "observed": obs})
    return pd.DataFrame(rows)


def enrolment(intake: dict[int, float], specialty: str = "S1", region: str = "R") -> pd.DataFrame:
    return pd.DataFrame([{"region": region, "school": "A", "specialty": specialty, "level": LEVEL,
                          "year": y, "enrolled": n, "in_school": 3 * n, "graduates": n}
                         for y, n in intake.items()])


def one(result: dict, specialty: str = "S1") -> pd.Series:
    w = result["warnings"]
    return w[w["specialty"] == specialty].iloc[0]


def reasons(row) -> list[dict]:
    return json.loads(row["reasons"])


def peers(rates_by_specialty: dict[str, dict[int, float]], region: str = "R", graduates: float = 100,
          level: str = LEVEL) -> pd.DataFrame:
    """Several specialties of one 专业大类 (codes 51xxxx-like "51A", "51B", …) with yearly rates."""
    rows = [{"region": region, "specialty": s, "level": level, "year": y, "graduates": graduates,
             "employment_rate": r} for s, rates in rates_by_specialty.items() for y, r in rates.items()]
    return pd.DataFrame(rows)


def policy_file(tmp_path, text: str, name: str = "p"):
    """Write a policy TOML into tmp_path and return its path."""
    path = tmp_path / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path
