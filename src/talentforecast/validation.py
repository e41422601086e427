"""Row rules beyond column types: duplicate keys, cross-column rules, catalogue codes, cross-table checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.schema import LEVELS, Table

_MAX_PER_RULE = 200


def _rows(mask: np.ndarray, row_of: np.ndarray) -> list[int]:
    return [int(row_of[i]) for i in np.flatnonzero(mask)][:_MAX_PER_RULE]


def _le(df, spec, file, row_of, small: str, big: str) -> list[Problem]:
    if small not in df or big not in df:
        return []
    mask = (df[small] > df[big] + 1e-9).to_numpy()
    return [
        Problem(file, small, r, df[small].iloc[i], f"{small} ≤ {big} ({df[big].iloc[i]:g})")
        for i, r in zip(np.flatnonzero(mask), _rows(mask, row_of), strict=False)
    ]


def _sums_to_one(df, file, row_of, group: str, value: str, tol: float = 1e-6) -> list[Problem]:
    problems = []
    sums = df.groupby(group, sort=True)[value].sum()
    for key, total in sums.items():
        if abs(total - 1.0) > tol:
            first = int(row_of[np.flatnonzero((df[group] == key).to_numpy())[0]])
            problems.append(Problem(file, value, first, round(float(total), 6),
                                    f"weights of {group} '{key}' to sum to 1"))
    return problems


def _age_bands(df, file, row_of) -> list[Problem]:
    problems = []
    df = df[df["age_from"].notna() & df["age_to"].notna() & df["year"].notna()]  # blanks are reported already
    bad = (df["age_from"] > df["age_to"]).to_numpy(dtype=bool)
    for i in np.flatnonzero(bad):
        problems.append(Problem(file, "age_to", int(row_of[df.index[i]]), int(df["age_to"].iloc[i]),
                                f"age_to ≥ age_from ({int(df['age_from'].iloc[i])})"))
    if problems:
        return problems
    order = df.sort_values(["region", "year", "age_from"], kind="stable")
    for (region, year), g in order.groupby(["region", "year"], sort=True):
        prev_to = None
        for idx, a_from, a_to in zip(g.index, g["age_from"], g["age_to"], strict=True):
            row = int(row_of[idx])
            if prev_to is not None and a_from <= prev_to:
                problems.append(Problem(file, "age_from", row, int(a_from),
                                        f"bands of region {region}, {year} not to overlap (previous ends at {prev_to})"))
            elif prev_to is not None and a_from > prev_to + 1:
                problems.append(Problem(file, "age_from", row, int(a_from),
                                        f"bands of region {region}, {year} without gaps (next band to start at {prev_to + 1})"))
            prev_to = int(a_to)
    return problems


def check_rules(df: pd.DataFrame, spec: Table, file: str, row_of: np.ndarray) -> list[Problem]:
    """Duplicate keys and the cross-column rules named in the table's contract."""
    problems: list[Problem] = []
    key = [k for k in spec.key if k in df.columns]
    dup = df[key].astype(str).duplicated(keep=False).to_numpy()
    if dup.any():
        for i in np.flatnonzero(dup)[:_MAX_PER_RULE]:
            values = ", ".join(f"{k}={df[k].iloc[i]}" for k in key)
            problems.append(Problem(file, "+".join(key), int(row_of[i]), values,
                                    "one row per key (this key appears more than once)"))
    for rule in spec.rules:
        if rule == "graduates_le_in_school":
            problems += _le(df, spec, file, row_of, "graduates", "in_school")
        elif rule == "employed_le_graduates":
            problems += _le(df, spec, file, row_of, "employed", "graduates")
        elif rule == "matched_le_employed":
            problems += _le(df, spec, file, row_of, "matched", "employed")
        elif rule == "further_study_le_graduates":
            problems += _le(df, spec, file, row_of, "further_study", "graduates")
        elif rule == "occupation_or_industry":
            occ = df["occupation"] if "occupation" in df else pd.Series(None, index=df.index)
            ind = df["industry"] if "industry" in df else pd.Series(None, index=df.index)
            mask = (occ.isna() & ind.isna()).to_numpy()
            problems += [Problem(file, "occupation", r, "", "an occupation or an industry code")
                         for r in _rows(mask, row_of)]
        elif rule == "age_band_order" or rule == "age_bands_contiguous":
            if rule == "age_band_order":
                problems += _age_bands(df, file, row_of)
        elif rule == "weights_sum_to_one_per_industry":
            group = "industry" if "level" not in df else ["industry", "level"]
            problems += _sums_to_one(df, file, row_of, group, "weight")
        elif rule == "shares_sum_to_one_per_industry":
            problems += _sums_to_one(df, file, row_of, "industry", "share")
    return problems


_CATALOGUE = "the vocational specialty catalogue (2021, updated 2025)"


def specialty_code_hint(code: object) -> str:
    """What was expected instead of an unknown specialty code, with the likely cause.

    Example:
        >>> "leading zero" in specialty_code_hint("10101")
        True
    """
    text = str(code)
    if text.isdigit() and len(text) == 5:
        return (f"a 6-digit code of {_CATALOGUE}; 5 digits: a leading zero lost when Excel stored the code "
                "as a number? No current code starts with 0 (2010 中职 codes did, e.g. 010100), so it cannot be "
                "restored: store codes as text, or map old codes with a crosswalk")
    if text.isdigit() and len(text) == 4:
        return (f"a 6-digit code of {_CATALOGUE}; 4 digits look like a 专业类 (class) code or a code from an "
                "older catalogue version: map it to 6-digit specialties with a crosswalk")
    if text.isdigit() and len(text) == 6:
        return (f"a code of {_CATALOGUE}; this 6-digit code is not in it: a code from an older catalogue "
                "version (2010 中职 / 2015 高职)? Map it with a crosswalk to the 2021 codes (none is bundled)")
    return f"a 6-digit specialty code of {_CATALOGUE}"


def check_codes(df: pd.DataFrame, spec: Table, file: str, row_of: np.ndarray) -> list[Problem]:
    """Specialty, industry and level codes must be known to the bundled catalogues."""
    from talentforecast import catalogs

    problems: list[Problem] = []
    cols = {c.name: c for c in spec.columns}
    spec_levels = None
    if "specialty" in df and cols["specialty"].code == "specialty":
        cat = catalogs.specialties().set_index("specialty")["level"]
        unknown = df["specialty"].notna().to_numpy() & ~df["specialty"].isin(cat.index).to_numpy()
        for i in np.flatnonzero(unknown)[:_MAX_PER_RULE]:
            code = df["specialty"].iloc[i]
            problems.append(Problem(file, "specialty", int(row_of[i]), code, specialty_code_hint(code)))
        spec_levels = df["specialty"].map(cat)
    if "industry" in df and cols["industry"].code == "industry":
        known = set(catalogs.industries()["industry"])
        present = df["industry"].notna().to_numpy()
        unknown = present & ~df["industry"].isin(known).to_numpy()
        for i in np.flatnonzero(unknown)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "industry", int(row_of[i]), df["industry"].iloc[i],
                                    "a GB/T 4754-2017 section letter (A–T) or 2-digit division code"))
    if "quarter" in df:
        bad = (df["quarter"].notna() & ~df["quarter"].isin([1, 2, 3, 4])).to_numpy()
        for i in np.flatnonzero(bad)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "quarter", int(row_of[i]), df["quarter"].iloc[i], "a quarter 1-4"))
    if "level" in df:
        bad = df["level"].notna().to_numpy() & ~df["level"].isin(LEVELS).to_numpy()
        for i in np.flatnonzero(bad)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "level", int(row_of[i]), df["level"].iloc[i], f"one of {', '.join(LEVELS)}"))
        if spec_levels is not None:
            mismatch = (~bad) & spec_levels.notna().to_numpy() & (df["level"] != spec_levels).to_numpy()
            for i in np.flatnonzero(mismatch)[:_MAX_PER_RULE]:
                problems.append(Problem(file, "level", int(row_of[i]), df["level"].iloc[i],
                                        f"the catalogue level of specialty {df['specialty'].iloc[i]} ({spec_levels.iloc[i]})"))
    return problems


def check_bundle(tables: dict[str, pd.DataFrame], lines: dict[str, np.ndarray] | None = None) -> None:
    """Raise one :class:`InputError` with every problem :func:`check_inputs` finds.

    Example:
        >>> import talentforecast as tf
        >>> check_bundle(tf.datasets.load_example().tables) is None
        True
    """
    problems, _ = check_inputs(tables, lines)
    if problems:
        raise InputError(problems)


def check_inputs(tables: dict[str, pd.DataFrame],
                 lines: dict[str, np.ndarray] | None = None) -> tuple[list[Problem], list[dict]]:
    """Every cross-table check of a run's inputs, in one place (used by ``run`` and ``validate``).

    Regions declared and without cycles; no region's rows beside its sub-regions' rows; no GB/T 4754
    section rows beside its division rows; employment series without year gaps (the forecasting
    engine refuses them); one spelling per school. Returns (problems, notes); ``lines`` maps a table
    to the file line of each row (default: CSV with the header on line 1).

    Example:
        >>> import talentforecast as tf
        >>> check_inputs(tf.datasets.load_example().tables)
        ([], [])
    """
    from talentforecast._crosscheck import cross_table_problems

    return cross_table_problems(tables, lines or {})
