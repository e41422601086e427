"""Schools, their specialty offerings, enrolment by cohort flow, graduate outcomes and 2025 plans."""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.datasets import _sources
from talentforecast.datasets._params import interp
from talentforecast.errors import ConfigError

LEVEL_OFFSET = {"中职": 60, "高职专科": 40, "职业本科": 20}  # category code = offset + 专业大类 index
PREHISTORY = 2007  # offerings running before the first year start here, so 2010 has full cohorts


def _section(row, category_section: dict) -> str:
    idx = int(row["category_code"]) - LEVEL_OFFSET[row["level"]]
    cls = row["class_code"][2:]
    if idx == 11:  # 电子与信息: 计算机类/通信类 serve information services, the rest manufacturing
        return "I" if cls in ("02", "03") else "C"
    if idx == 2:  # 资源环境与安全: mining classes vs environmental services
        return "B" if cls in ("02", "04", "05", "06") else "N"
    return category_section[str(idx)]


def offerings(params: dict, rng: np.random.Generator) -> pd.DataFrame:
    """One row per school × specialty: hand-placed offerings first, then random draws by focus."""
    cat = _sources.catalogue()
    cat = cat[cat["note"] == ""].set_index("major_code")  # 2025 additions did not exist yet
    sp = params["schools"]
    schools = params["school"]
    rows: list[dict] = []
    for o in params["offerings"]:
        code = o["specialty"]
        if code not in cat.index:
            raise ConfigError(f"example_params.toml: offerings specialty {code!r} not in the catalogue "
                              "(or added in 2025); expected a 6-digit code of the 2021 catalogue")
        for s in o["schools"]:
            rows.append({**{k: v for k, v in o.items() if k != "schools"}, "school_idx": s})
    used: dict[str, int] = {}
    for r in rows:
        used[r["specialty"]] = used.get(r["specialty"], 0) + 1
    excluded = set(sp["exclude_classes"])
    for i, school in enumerate(schools):
        level = school["level"]
        own = {r["specialty"] for r in rows if r["school_idx"] == i}
        focus = {str(LEVEL_OFFSET[level] + f) for f in school["focus"]}
        pool = cat[(cat["level"] == level) & cat["category_code"].isin(focus)
                   & ~cat["class_code"].isin(excluded) & ~cat.index.isin(own)]
        codes = sorted(pool.index)
        w = np.array([1.0 / (1 + used.get(c, 0)) ** 2 for c in codes])
        picks = rng.choice(codes, size=min(school["n"], len(codes)), replace=False, p=w / w.sum())
        for c in sorted(picks):
            used[c] = used.get(c, 0) + 1
            u = rng.random()
            first = int(rng.integers(2012, 2020)) if u < 0.15 else None
            last = int(rng.integers(2016, 2022)) if 0.15 <= u < 0.2 else None
            rows.append({"specialty": str(c), "school_idx": i, "first": first, "last": last})
    out = pd.DataFrame(rows)
    out["school"] = [schools[i]["name"] for i in out["school_idx"]]
    out["region"] = [schools[i]["region"] for i in out["school_idx"]]
    out["level"] = cat.loc[out["specialty"], "level"].to_numpy()
    meta = cat.loc[out["specialty"]].reset_index()
    meta["level"] = out["level"].to_numpy()
    out["section"] = [_section(r, params["category_section"]) for _, r in meta.iterrows()]
    out["first"] = out["first"].fillna(PREHISTORY).astype(int)
    out["last"] = out["last"].fillna(params["region"]["last_year"]).astype(int)
    lo, hi = sp["base_entrants"]["中职"], sp["base_entrants"]["高职专科"]
    ranges = {"中职": lo, "高职专科": hi, "职业本科": sp["base_entrants"]["职业本科"]}
    drawn = [rng.uniform(*ranges[lv]) for lv in out["level"]]
    out["base"] = out["base"].fillna(pd.Series(drawn)) if "base" in out else drawn
    trend = rng.normal(0, sp["trend_sd"], len(out))
    out["trend"] = out["trend"].fillna(pd.Series(trend)) if "trend" in out else trend
    out["completion"] = rng.uniform(*sp["completion"], len(out))
    for col in ("rate", "match", "premium", "fs_offset"):
        if col not in out:
            out[col] = None
    out["fs_offset"] = pd.to_numeric(out["fs_offset"]).fillna(0.0)
    out["premium"] = pd.to_numeric(out["premium"])
    if out.duplicated(["school", "specialty"]).any():
        dup = out.loc[out.duplicated(["school", "specialty"]), ["school", "specialty"]].iloc[0].tolist()
        raise ConfigError(f"example_params.toml: offering {dup} placed twice; expected one per school")
    return out.reset_index(drop=True)


def entrant_index() -> dict[str, dict[int, float]]:
    """National new entrants by level relative to 2015 (real, NBS); 2010 extrapolated, 职业本科 flat."""
    nat = _sources.national_entrants()
    idx: dict[str, dict[int, float]] = {}
    for level, g in nat.groupby("level"):
        s = g.set_index("year")["value"]
        s.loc[2010] = s.loc[2011] ** 2 / s.loc[2012]  # not in the source: continue 2011/2012's change
        s = s / s.loc[2015]
        idx[level] = {int(k): float(v) for k, v in s.items()}
    idx["职业本科"] = {y: 1.0 for y in range(2010, 2026)}
    return idx


def enrolment(params: dict, offers: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Entrants, students on roll and graduates per offering and year (cohort flow).

    in_school[t] counts the students on roll in school year (t-1)/t: the cohorts that entered in
    t-L .. t-1, the graduating one included; entrants of autumn t are in ``enrolled[t]`` and on
    roll from t+1. graduates[t] = survivors of the t-L cohort.
    """
    first_year, last_year = params["region"]["first_year"], params["region"]["last_year"]
    length = params["schools"]["length"]
    noise = params["schools"]["entrant_noise"]
    idx = entrant_index()
    rows = []
    for o in offers.itertuples(index=False):
        L = length[o.level]
        intake: dict[int, tuple[int, int]] = {}  # cohort year -> (entrants, graduates)
        for c in range(o.first, o.last + 1):
            lvl_idx = idx[o.level][max(c, first_year)]
            e = max(8, int(round(o.base * lvl_idx * np.exp(o.trend * (c - 2015) + rng.normal(0, noise)))))
            comp = float(np.clip(o.completion + rng.normal(0, 0.015), 0.8, 0.98))
            intake[c] = (e, int(rng.binomial(e, comp)))

        def on_roll(c: int, k: int, L=L, intake=intake) -> int:
            if c not in intake:
                return 0
            e, g = intake[c]
            return e - int(round((e - g) * (k - 1) / L))

        for t in range(max(first_year, o.first), min(last_year, o.last + L) + 1):
            enrolled = intake.get(t, (0, 0))[0]
            in_school = sum(on_roll(t - k, k) for k in range(1, L + 1))
            graduates = intake.get(t - L, (0, 0))[1]
            rows.append((o.region, o.school, o.specialty, o.level, t, enrolled, in_school, graduates))
    return pd.DataFrame(rows, columns=["region", "school", "specialty", "level", "year",
                                       "enrolled", "in_school", "graduates"])


def outcomes(params: dict, offers: pd.DataFrame, enrol: pd.DataFrame, wage_rel: dict,
             rng: np.random.Generator) -> pd.DataFrame:
    """Graduate destinations per offering and year with graduates.

    employed = graduates with a job (落实去向) *excluding* further study, so
    employed + further_study <= graduates; the employment rate (毕业去向落实率) is
    (employed + further_study) / graduates and the labour-market employment rate is
    employed / (graduates - further_study). matched <= employed.
    """
    p = params["outcomes"]
    first = params["region"]["outcome_first_year"]
    spec_rate = {s: float(np.clip(rng.normal(p["rate_mean"], p["rate_sd"]), *p["rate_bounds"]))
                 for s in sorted(offers["specialty"].unique())}
    spec_match = {s: rng.uniform(*p["match_range"]) for s in sorted(offers["specialty"].unique())}
    g = enrol[(enrol["year"] >= first) & (enrol["graduates"] > 0)]
    key = offers.set_index(["school", "specialty"])
    eff = {k: (rng.normal(0, p["school_sd"]), rng.normal(0, 0.04), rng.normal(0, 0.03)) for k in key.index}
    rows = []
    for r in g.itertuples(index=False):
        o = key.loc[(r.school, r.specialty)]
        school_eff, fs_eff, match_eff = eff[(r.school, r.specialty)]
        G = int(r.graduates)
        t = int(r.year)
        fs_rate = interp(p["further_study"][r.level], t) + o["fs_offset"] + fs_eff
        fs_rate = float(np.clip(fs_rate + rng.normal(0, p["further_study_sd"]), 0.0, 0.9))
        fs = int(round(G * fs_rate))
        if isinstance(o["rate"], dict):  # a path of (employed + further_study) / graduates
            placed = int(round(G * interp(o["rate"], t)))
            fs = min(fs, placed)
        else:  # employment rate of those entering the labour market
            rate = spec_rate[r.specialty] + school_eff + float(p["rate_shift"].get(str(t), 0.0))
            if o["section"] in p["rate_shift_sections"]:
                rate += float(p["rate_shift_extra"].get(str(t), 0.0))
            rate = float(np.clip(rate + rng.normal(0, p["rate_noise"]), 0.3, 0.99))
            placed = fs + int(round((G - fs) * rate))
        employed = placed - fs
        m = interp(o["match"], t) if isinstance(o["match"], dict) else spec_match[r.specialty] + match_eff
        m = float(np.clip(m + rng.normal(0, 0.015), 0.05, 1.0))
        matched = int(round(employed * m))
        premium = o["premium"] if pd.notna(o["premium"]) else float(np.sqrt(wage_rel[o["section"]]))
        salary = (p["salary_2014"][r.level] * (1 + p["salary_growth"]) ** (t - 2014) * premium
                  * np.exp(float(p["salary_shift"].get(str(t), 0.0)) + rng.normal(0, p["salary_noise"])))
        rows.append((r.region, r.school, r.specialty, t, G, employed, matched, fs, int(round(salary, -1))))
    return pd.DataFrame(rows, columns=["region", "school", "specialty", "year", "graduates", "employed",
                                       "matched", "further_study", "starting_salary"])


def enrolment_plan(params: dict, offers: pd.DataFrame, enrol: pd.DataFrame,
                   rng: np.random.Generator) -> pd.DataFrame:
    """Planned entrants for the plan year, for the schools that filed a plan."""
    p = params["plan"]
    year = params["region"]["plan_year"]
    last = params["region"]["last_year"]
    schools = params["school"]
    names = [schools[i]["name"] for i in p["schools"]]
    cur = enrol[(enrol["year"] == last) & (enrol["enrolled"] > 0) & enrol["school"].isin(names)]
    rows = []
    for r in cur.itertuples(index=False):
        ratio = p["override"].get(r.specialty) or rng.uniform(*p["ratio"])
        rows.append((r.region, r.school, r.specialty, r.level, year, int(round(r.enrolled * ratio))))
    cat = _sources.catalogue().set_index("major_code")
    for n in p["new"]:
        s = schools[n["school"]]
        rows.append((s["region"], s["name"], n["specialty"], cat.at[n["specialty"], "level"], year,
                     int(n["planned"])))
    return pd.DataFrame(rows, columns=["region", "school", "specialty", "level", "year", "planned"])
