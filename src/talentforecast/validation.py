"""Row rules beyond column types: duplicate keys, cross-column rules, catalogue codes, cross-table checks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.schema import LEVELS, Table

_MAX_PER_RULE = 200


def input_limits() -> dict:
    """The plausibility limits of the input checks, from the shipped ``input_checks.toml``.

    Example:
        >>> input_limits()["enrolment"]["enrolled_factor"]
        2.0
    """
    import tomllib
    from pathlib import Path

    return tomllib.loads((Path(__file__).parent / "input_checks.toml").read_text(encoding="utf-8"))


# enrolled above this multiple of in_school (plus a slack for small programmes) is not plausible
ENROLLED_FACTOR = float(input_limits()["enrolment"]["enrolled_factor"])
ENROLLED_SLACK = int(input_limits()["enrolment"]["enrolled_slack"])


def _rows(mask: np.ndarray, row_of: np.ndarray) -> list[int]:
    return [int(row_of[i]) for i in np.flatnonzero(mask)][:_MAX_PER_RULE]


def _le(df, spec, file, row_of, small: str, big: str, exempt: np.ndarray | None = None) -> list[Problem]:
    if small not in df or big not in df:
        return []
    mask = (df[small] > df[big] + 1e-9).to_numpy()
    if exempt is not None:
        mask &= ~exempt
    return [
        Problem(file, small, r, df[small].iloc[i], f"{small} ≤ {big} ({df[big].iloc[i]:g})",
                f"{spec.column(small).description_zh}不超过{spec.column(big).description_zh}（{df[big].iloc[i]:g}）")
        for i, r in zip(np.flatnonzero(mask), _rows(mask, row_of), strict=False)
    ]


def _counts(df, file, row_of) -> list[Problem]:
    """Counts that contradict each other: intake far above students in school; placed above graduates."""
    problems = []
    if {"enrolled", "in_school"} <= set(df.columns):
        mask = ((df["in_school"] > 0) & (df["enrolled"] > ENROLLED_FACTOR * df["in_school"] + ENROLLED_SLACK)).to_numpy()
        for i, r in zip(np.flatnonzero(mask), _rows(mask, row_of), strict=False):
            e, s = df["enrolled"].iloc[i], df["in_school"].iloc[i]
            problems.append(Problem(file, "enrolled", r, e,
                                    f"enrolled ≤ {ENROLLED_FACTOR:g} × in_school + {ENROLLED_SLACK} ({s:g} in school): "
                                    "new entrants are part of the students in school; columns swapped or a unit "
                                    "mixed up?",
                                    f"招生数不超过 {ENROLLED_FACTOR:g} × 在校生数 + {ENROLLED_SLACK}（在校生 {s:g}）："
                                    "新生是在校生的一部分；是否两列填反或单位混用？"))
    if {"employed", "further_study", "graduates"} <= set(df.columns):
        placed = df["employed"] + df["further_study"]
        mask = (placed > df["graduates"] + 1e-9).to_numpy()
        for i, r in zip(np.flatnonzero(mask), _rows(mask, row_of), strict=False):
            problems.append(Problem(file, "further_study", r, df["further_study"].iloc[i],
                                    f"employed + further_study ≤ graduates ({df['employed'].iloc[i]:g} + "
                                    f"{df['further_study'].iloc[i]:g} > {df['graduates'].iloc[i]:g}): employed "
                                    "excludes further study",
                                    f"落实人数 + 升学人数不超过毕业生数（{df['employed'].iloc[i]:g} + "
                                    f"{df['further_study'].iloc[i]:g} > {df['graduates'].iloc[i]:g}）：落实人数不含升学"))
    return problems


def _annual_and_quarterly(df, file, row_of) -> list[Problem]:
    """A year given both as an annual row (no quarter) and as quarterly rows would be counted twice."""
    if "quarter" not in df:
        return []
    keys = [k for k in ("region", "occupation", "industry", "year") if k in df]
    flat = df[keys].astype(str).agg("|".join, axis=1)
    annual = df["quarter"].isna().to_numpy()
    both = set(flat[annual]) & set(flat[~annual])
    problems = []
    for key in sorted(both)[:_MAX_PER_RULE]:
        i = int(np.flatnonzero(((flat == key).to_numpy()) & annual)[0])
        where = ", ".join(f"{k} {df[k].iloc[i]}" for k in keys if pd.notna(df[k].iloc[i]))
        problems.append(Problem(file, "quarter", int(row_of[i]), "",
                                f"annual or quarterly rows for a year, not both: {where} has an annual row and "
                                "quarterly rows (the openings would be counted twice)",
                                f"同一年份只填年度行或季度行，不可兼有：{where} 既有年度行又有季度行（需求人数会重复计算）"))
    return problems


def _sums_to_one(df, file, row_of, group: str, value: str, tol: float = 1e-6) -> list[Problem]:
    problems = []
    sums = df.groupby(group, sort=True)[value].sum()
    for key, total in sums.items():
        if abs(total - 1.0) > tol:
            first = int(row_of[np.flatnonzero((df[group] == key).to_numpy())[0]])
            problems.append(Problem(file, value, first, round(float(total), 6),
                                    f"weights of {group} '{key}' to sum to 1", f"{group} “{key}”的权重合计为 1"))
    return problems


def _age_bands(df, file, row_of) -> list[Problem]:
    problems = []
    df = df[df["age_from"].notna() & df["age_to"].notna() & df["year"].notna()]  # blanks are reported already
    bad = (df["age_from"] > df["age_to"]).to_numpy(dtype=bool)
    for i in np.flatnonzero(bad):
        problems.append(Problem(file, "age_to", int(row_of[df.index[i]]), int(df["age_to"].iloc[i]),
                                f"age_to ≥ age_from ({int(df['age_from'].iloc[i])})",
                                f"终止年龄不小于起始年龄（{int(df['age_from'].iloc[i])}）"))
    if problems:
        return problems
    order = df.sort_values(["region", "year", "age_from"], kind="stable")
    for (region, year), g in order.groupby(["region", "year"], sort=True):
        prev_to = None
        for idx, a_from, a_to in zip(g.index, g["age_from"], g["age_to"], strict=True):
            row = int(row_of[idx])
            if prev_to is not None and a_from <= prev_to:
                problems.append(Problem(file, "age_from", row, int(a_from),
                                        f"bands of region {region}, {year} not to overlap (previous ends at {prev_to})",
                                        f"地区 {region}、{year} 年的年龄段不重叠（上一段止于 {prev_to}）"))
            elif prev_to is not None and a_from > prev_to + 1:
                problems.append(Problem(file, "age_from", row, int(a_from),
                                        f"bands of region {region}, {year} without gaps (next band to start at {prev_to + 1})",
                                        f"地区 {region}、{year} 年的年龄段不留空档（下一段应从 {prev_to + 1} 开始）"))
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
                                    "one row per key (this key appears more than once)",
                                    "每个键只有一行（此键出现了不止一次）"))
    for rule in spec.rules:
        if rule == "graduates_le_in_school":  # no intake: a programme being phased out, its last cohorts leave
            exempt = (df["enrolled"] == 0).to_numpy(dtype=bool) if "enrolled" in df else None
            problems += _le(df, spec, file, row_of, "graduates", "in_school", exempt)
            problems += _counts(df, file, row_of)
        elif rule == "employed_le_graduates":
            problems += _le(df, spec, file, row_of, "employed", "graduates")
        elif rule == "matched_le_employed":
            problems += _le(df, spec, file, row_of, "matched", "employed")
        elif rule == "further_study_le_graduates":
            problems += _le(df, spec, file, row_of, "further_study", "graduates")
            problems += _counts(df, file, row_of)
        elif rule == "occupation_or_industry":
            problems += _annual_and_quarterly(df, file, row_of)
            occ = df["occupation"] if "occupation" in df else pd.Series(None, index=df.index)
            ind = df["industry"] if "industry" in df else pd.Series(None, index=df.index)
            mask = (occ.isna() & ind.isna()).to_numpy()
            problems += [Problem(file, "occupation", r, "", "an occupation or an industry code", "职业代码或行业代码")
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


_OLD_LEVEL = {"2015高职": "高职专科", "2010中职": "中职"}


def old_codes() -> pd.DataFrame:
    """The shipped partial table of old catalogue codes (2015 高职, 2010 中职) and their 2021 codes.

    Partial and hand-entered: see ``catalogs/data/vocational/SOURCE.txt``.

    Example:
        >>> old_codes().set_index("old_code").loc["610201", ["old_catalogue", "new_code"]].tolist()
        ['2015高职', '510201']
    """
    from pathlib import Path

    path = Path(__file__).parent / "catalogs" / "data" / "vocational" / "old_codes.csv"
    return pd.read_csv(path, dtype=str, encoding="utf-8")


def _old_code_text(code: str, level: object, in_2021: tuple[str, str] | None) -> tuple[str, str] | None:
    """What to say about a code that is (or looks like) an old catalogue code; None if nothing.

    ``in_2021`` is what the code is in the 2021 catalogue, in English and Chinese."""
    table = old_codes()
    hits = table[table["old_code"] == code]
    if isinstance(level, str):
        hits = hits[hits["old_catalogue"].map(_OLD_LEVEL) == level]
    shared = f"; as a 2021 code it is {in_2021[0]}, a different specialty" if in_2021 else ""
    shared_zh = f"；作为 2021 年代码它是{in_2021[1]}，是另一个专业" if in_2021 else ""
    if len(hits):
        h = hits.iloc[0]
        return (f"a 2021 catalogue code; {code} is the {h.old_catalogue} code of {h.old_name}{shared}: recode it as "
                f"{h.new_code} ({h.new_name}) (suggested by the shipped partial old-code table; check it against "
                "the official 新旧专业对照表)",
                f"2021 年目录代码；{code} 是{h.old_catalogue}目录中“{h.old_name}”的代码{shared_zh}：请改为 {h.new_code}"
                f"（{h.new_name}）（据随附的部分新旧代码表建议；请以官方新旧专业对照表核对）")
    if in_2021 is None and code.isdigit() and len(code) == 6 and code[0] in "01":
        return (f"a 2021 catalogue code; {code} looks like a 2010 中职 code (2021 codes start with 2-7): recode it "
                "with the official 新旧专业对照表 (it is not in the shipped partial table)",
                f"2021 年目录代码；{code} 像是 2010 年中职目录代码（2021 年代码以 2-7 开头）：请按官方新旧专业对照表改码"
                "（随附的部分对照表中没有它）")
    if in_2021 is None and code.isdigit() and len(code) == 6 and code[:2] == "60":
        return (f"a 2021 catalogue code; {code} looks like a 2015 高职 code (交通运输大类 60): recode it with the "
                "official 新旧专业对照表", f"2021 年目录代码；{code} 像是 2015 年高职目录代码（交通运输大类 60）：请按官方新旧专业对照表改码")
    return None


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
            old = _old_code_text(str(code), df["level"].iloc[i] if "level" in df else None, None)
            expected, expected_zh = old or (specialty_code_hint(code),
                                            f"2021 年职业教育专业目录中的 6 位专业代码（{code} 不在其中）")
            problems.append(Problem(file, "specialty", int(row_of[i]), code, expected, expected_zh))
        spec_levels = df["specialty"].map(cat)
    if "industry" in df and cols["industry"].code == "industry":
        known = set(catalogs.industries()["industry"])
        present = df["industry"].notna().to_numpy()
        unknown = present & ~df["industry"].isin(known).to_numpy()
        for i in np.flatnonzero(unknown)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "industry", int(row_of[i]), df["industry"].iloc[i],
                                    "a GB/T 4754-2017 section letter (A–T) or 2-digit division code",
                                    "GB/T 4754-2017 门类字母（A–T）或 2 位大类代码"))
    if "quarter" in df:
        bad = (df["quarter"].notna() & ~df["quarter"].isin([1, 2, 3, 4])).to_numpy()
        for i in np.flatnonzero(bad)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "quarter", int(row_of[i]), df["quarter"].iloc[i], "a quarter 1-4", "季度 1-4"))
    if "level" in df:
        bad = df["level"].notna().to_numpy() & ~df["level"].isin(LEVELS).to_numpy()
        for i in np.flatnonzero(bad)[:_MAX_PER_RULE]:
            problems.append(Problem(file, "level", int(row_of[i]), df["level"].iloc[i], f"one of {', '.join(LEVELS)}",
                                    f"{'、'.join(LEVELS)} 之一"))
        if spec_levels is not None:
            mismatch = (~bad) & spec_levels.notna().to_numpy() & (df["level"] != spec_levels).to_numpy()
            names = catalogs.specialties().set_index("specialty")["specialty_name"] if mismatch.any() else None
            for i in np.flatnonzero(mismatch)[:_MAX_PER_RULE]:
                code = str(df["specialty"].iloc[i])
                name = names.get(code, "")
                old = _old_code_text(code, df["level"].iloc[i], (f"the {spec_levels.iloc[i]} specialty {name}",
                                                                 f"{spec_levels.iloc[i]}专业“{name}”"))
                if old:  # an old 高职 code that is a 2021 中职 code: say so rather than blame the level
                    expected, expected_zh = old
                    problems.append(Problem(file, "specialty", int(row_of[i]), code, expected, expected_zh))
                    continue
                problems.append(Problem(file, "level", int(row_of[i]), df["level"].iloc[i],
                                        f"the catalogue level of specialty {code} ({spec_levels.iloc[i]})",
                                        f"专业 {code} 在目录中的层次（{spec_levels.iloc[i]}）"))
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


def code_notes(df: pd.DataFrame, file: str) -> list[dict]:
    """Notes for 2021 codes that an old catalogue used for another specialty (rows before 2021).

    Example:
        >>> import pandas as pd
        >>> d = pd.DataFrame({"specialty": ["510101"], "year": [2019]})
        >>> "作物生产技术" in code_notes(d, "e.csv")[0]["normalisation"]
        True
    """
    from talentforecast import catalogs

    if "specialty" not in df or "year" not in df:
        return []
    table = old_codes()
    names = catalogs.specialties().set_index("specialty")["specialty_name"]
    early_mask = (df["year"] < 2021).fillna(False).to_numpy(dtype=bool)
    early = df.loc[early_mask, "specialty"]
    levels = df.loc[early_mask, "level"] if "level" in df else None
    notes = []
    for row in table[table["old_code"].isin(set(early)) & table["old_code"].isin(names.index)].itertuples():
        same = early == row.old_code
        if levels is not None:  # a 中职 row cannot be the 2015 高职 specialty: only rows of the old level
            same &= levels == _OLD_LEVEL[row.old_catalogue]
        n = int(same.sum())
        if n == 0:
            continue
        notes.append({"file": file, "column": "specialty", "rows": n, "warning": True,
                      "normalisation": f"warning: {row.old_code} read as the 2021 specialty {names[row.old_code]} in "
                                       f"{n} row(s) before 2021; the {row.old_catalogue} catalogue used {row.old_code} "
                                       f"for {row.old_name} (2021 code {row.new_code}): recode those rows if they use "
                                       "the old catalogue",
                      "zh": f"警告：{row.old_code} 在 2021 年以前的 {n} 行中按 2021 年目录读作“{names[row.old_code]}”；"
                            f"{row.old_catalogue}目录中 {row.old_code} 是“{row.old_name}”（2021 年代码 {row.new_code}）："
                            "如这些行用的是旧目录，请改码"})
    return notes
