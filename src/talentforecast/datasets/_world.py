"""Year-by-year simulation of the example region's graduate labour market (the truth).

Each year: schools set intake from their observed outcomes (cut, close, expand); cohorts graduate;
graduates go on to study, leave the city, or seek local work; per specialty market the local
supply (graduates staying + 技工院校 graduates + young in-migrants) meets the true demand (the
school-leaver openings of its destination sections, through the true matrix); job finding, 对口率
and starting salary follow the true S/D plus common shocks and noise. The library sees only the
observable tables built from this; the truth is written apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.datasets._matrix import SECTIONS
from talentforecast.datasets._params import interp

FIRST_INTAKE = 2007  # as _schools.PREHISTORY: cohorts graduating in 2010 entered in 2007


def _logit(p):
    return np.log(p / (1 - p))


def _expit(x):
    return 1 / (1 + np.exp(-x))


def hiring(params: dict, city: pd.DataFrame) -> pd.DataFrame:
    """School-leaver openings per section and year: max(X + ρ·E[t−1], 0).

    X is the mean net change of the last two years (hiring follows recent growth, not one
    year's noise); declines offset replacement, so a fast-declining section hires nobody.
    """
    w = params["world"]
    rho = pd.Series({s: w["replacement_section"].get(s, w["replacement"]) for s in city.columns})
    prev = city.shift(1).fillna(city)
    change = (city - prev).rolling(2, min_periods=1).mean()
    return (change + prev * rho).clip(lower=0)


def simulate(params: dict, offers: pd.DataFrame, city: pd.DataFrame, matrix: pd.DataFrame,
             entrant_idx: dict, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Run the world from the first intake to last_year + future_years; see the module docstring."""
    reg, w, sp, oc = params["region"], params["world"], params["schools"], params["outcomes"]
    pol = w["policy"]
    end = reg["last_year"] + w["future_years"]
    years = range(FIRST_INTAKE, end + 1)
    n = len(offers)
    lev = offers["level"].to_numpy()
    L = np.array([sp["length"][v] for v in lev])
    specs = sorted(offers["specialty"].unique())
    m_of = offers["specialty"].map({s: k for k, s in enumerate(specs)}).to_numpy()
    nm = len(specs)

    # true matrix → per-market section shares; demand index of each market
    share = matrix.pivot_table(index="specialty", columns="industry", values="share", fill_value=0.0)
    share = share.reindex(index=specs, columns=SECTIONS, fill_value=0.0).to_numpy()
    scope = matrix.drop_duplicates("specialty").set_index("specialty")["scope"].reindex(specs).to_numpy()
    national = scope == "national"
    H = hiring(params, city)
    r0, r1 = w["reference_years"]
    Hrel = (H / H.loc[r0:r1].mean()).reindex(columns=SECTIONS).fillna(1.0)

    # per-market draws: demand scale, own trend, competitors, 对口 base, national S/D
    mu, sd = w["demand_scale"]
    kappa = np.exp(rng.normal(mu, sd, nm))
    trend = np.array([w["specialty_trend"].get(s, 0.0) for s in specs]) + rng.normal(0, w["specialty_trend_sd"], nm)
    m_level = offers.drop_duplicates("specialty").set_index("specialty")["level"].reindex(specs)
    trend = trend + m_level.map(w["level_trend"]).to_numpy(float)  # employers upgrade levels
    cat_idx = offers.drop_duplicates("specialty").set_index("specialty")["category_idx"].reindex(specs).to_numpy()
    tech = np.isin(cat_idx, w["technical_categories"])
    comp = np.where(tech, rng.uniform(*w["technical_school"], nm), rng.uniform(0, 0.05, nm))
    m0 = rng.uniform(*w["match_base"], nm)
    nat_ratio = rng.uniform(*w["national_ratio"], nm)
    prem = np.sqrt(share @ np.array([params["industries"][s]["wage"] for s in SECTIONS]))

    # per-programme draws
    u_prog = rng.normal(0, w["programme_sd"], n)
    fs_eff = rng.normal(0, 0.04, n)
    u_match = rng.normal(0, 0.2, n)
    mig0 = np.array([w["out_migration"][v] for v in lev])

    # reference supply of each market: expected local entrants around the reference years
    fs_ref = np.array([interp(oc["further_study"][v], r1) for v in lev])
    ref_idx = np.array([entrant_idx[v][r1] for v in lev])
    s_ref_prog = offers["base"].to_numpy() * ref_idx * offers["completion"].to_numpy() * (1 - fs_ref) * (1 - mig0)
    s_ref = np.bincount(m_of, weights=s_ref_prog, minlength=nm) * (1 + comp)

    intake = np.zeros((n, len(years)), dtype=np.int64)
    grads = np.zeros((n, len(years)), dtype=np.int64)
    mult = np.ones(n)
    cut_year = np.full(n, -1)
    last_grow = np.full(n, -100)
    closed = np.full(n, 10_000)  # first year without intake
    first = offers["first"].to_numpy()
    obs_rate: dict[int, np.ndarray] = {}
    x_prev = np.ones(nm)
    events, out_rows, mk_rows, prog_rows, dest_rows = [], [], [], [], []
    y0 = FIRST_INTAKE

    def col(t: int) -> int:
        return t - y0

    for t in years:
        # --- schools' policy, from the observed rates of the last two graduating years
        if t - 1 in obs_rate and t - 2 in obs_rate:
            a, b = obs_rate[t - 1], obs_rate[t - 2]
            live = (first <= t) & (closed > t)
            low = live & (a < pol["low"]) & (b < pol["low"])
            close = low & (cut_year > 0) & (t - cut_year >= 2)
            cut = low & ~close & (cut_year < 0)
            closed[close] = t
            cut_year[cut] = t
            mult[cut] *= pol["cut_factor"]
            tight = x_prev[m_of] > pol["tight"]
            grow = (live & ~low & (a > pol["high"]) & (b > pol["high"]) & tight & (mult < pol["max_multiplier"])
                    & (t - last_grow >= pol["expand_every"]))
            mult[grow] *= pol["expand_factor"]
            last_grow[grow] = t
            for kind, mask in (("cut", cut), ("closed", close), ("expanded", grow)):
                events += [(i, t, kind) for i in np.flatnonzero(mask)]
        # --- intake and graduation
        active = (first <= t) & (closed > t)
        lvl = np.array([entrant_idx[v].get(max(t, reg["first_year"]), entrant_idx[v][max(entrant_idx[v])])
                        for v in lev])
        e = offers["base"].to_numpy() * lvl * np.exp(offers["trend"].to_numpy() * (t - 2015)
                                                     + rng.normal(0, sp["entrant_noise"], n)) * mult
        intake[:, col(t)] = np.where(active, np.maximum(8, np.rint(e)), 0)
        cohort = col(t) - L
        src = np.where(cohort >= 0, intake[np.arange(n), np.maximum(cohort, 0)], 0)
        compl = np.clip(offers["completion"].to_numpy() + rng.normal(0, 0.015, n), 0.8, 0.98)
        grads[:, col(t)] = rng.binomial(src, compl)
        if t < reg["first_year"]:
            continue
        G = grads[:, col(t)]
        # --- further study, out-migration, local supply
        gap = np.maximum(0, 1 - x_prev[m_of])
        fs_mean = np.array([interp(oc["further_study"][v], t) for v in lev]) + offers["fs_offset"].to_numpy() + fs_eff
        fs_mean = np.clip(fs_mean + w["further_study_slope"] * gap, 0, 0.9)
        fs = rng.binomial(G, np.clip(fs_mean + rng.normal(0, oc["further_study_sd"], n), 0, 0.9))
        mig = np.clip(mig0 + w["out_migration_slope"] * gap, 0, 0.6)
        M = rng.binomial(G - fs, mig)
        Nloc = G - fs - M
        s_grad = np.bincount(m_of, weights=Nloc, minlength=nm)
        inmig = w["in_migration"] * s_grad * np.maximum(0, x_prev - 1)
        S = s_grad * (1 + comp) + inmig
        D = kappa * s_ref * (share @ Hrel.loc[t].to_numpy()) * np.exp(trend * (t - 2015))
        D = np.where(national, S / nat_ratio, D)
        x = np.where(S > 0, D / np.maximum(S, 1e-9), np.nan)
        xs = np.clip(np.nan_to_num(x, nan=1.0), 0.05, 20)
        # --- job finding, 对口, salary
        shock = float(w["shock"].get(str(t), 0.0))
        hit = offers["section"].isin(w["shock_sections"]).to_numpy()
        extra = np.where(hit, float(w["shock_section_extra"].get(str(t), 0.0)), 0.0)
        lin = _logit(w["f_balance"]) + w["slope"] * np.log(xs[m_of]) + shock + extra + u_prog
        f = _expit(lin + rng.normal(0, w["noise_sd"], n))
        f_nat = _expit(_logit(w["national_rate"]) + shock)
        emp_loc = rng.binomial(Nloc, f)
        emp_mig = rng.binomial(M, f_nat)
        employed = emp_loc + emp_mig
        mr = _expit(_logit(m0[m_of]) + w["match_slope"] * np.log(xs[m_of]) + u_match + rng.normal(0, 0.1, n))
        matched_loc = rng.binomial(emp_loc, mr)
        matched = matched_loc + rng.binomial(emp_mig, m0[m_of])
        salary = (np.array([oc["salary_2014"][v] for v in lev]) * (1 + oc["salary_growth"]) ** (t - 2014)
                  * prem[m_of] * np.clip(xs[m_of], 0.3, 3) ** w["salary_slope"]
                  * np.exp(0.3 * shock / 4 + rng.normal(0, oc["salary_noise"], n)))
        with np.errstate(invalid="ignore", divide="ignore"):
            obs_rate[t] = np.where(G > 0, (employed + fs) / G, np.nan)
        # expected (noise-free) rates of each programme: the truth scored against
        f_exp = _expit(lin)
        dest_exp = fs_mean + (1 - fs_mean) * ((1 - mig) * f_exp + mig * f_nat)
        emp_exp = (1 - mig) * f_exp + mig * f_nat
        for i in np.flatnonzero(G > 0):
            prog_rows.append((i, t, int(G[i]), float(dest_exp[i]), float(emp_exp[i])))
            if t >= reg["outcome_first_year"] and t <= reg["last_year"]:
                out_rows.append((i, t, int(G[i]), int(employed[i]), int(matched[i]), int(fs[i]),
                                 int(round(float(salary[i]), -1))))
        gw = np.bincount(m_of, weights=G, minlength=nm)
        dw = np.bincount(m_of, weights=G * dest_exp, minlength=nm)
        ew = np.bincount(m_of, weights=(G - fs) * emp_exp, minlength=nm)
        lw = np.bincount(m_of, weights=G - fs, minlength=nm)
        for k in np.flatnonzero(gw > 0):
            mk_rows.append((specs[k], t, int(gw[k]), float(s_grad[k]), float(s_grad[k] * comp[k]), float(inmig[k]),
                            float(S[k]), float(D[k]), float(S[k] / D[k]) if D[k] > 0 else np.nan,
                            float(dw[k] / gw[k]),
                            float(ew[k] / lw[k]) if lw[k] > 0 else np.nan))
        # --- destinations by section (survey with sampling noise), recent years only
        if w["destinations"]["first_year"] <= t <= reg["last_year"]:
            dest_rows += _destinations(w, share, Hrel.loc[t].to_numpy(), m_of, matched_loc, emp_loc - matched_loc,
                                       emp_mig, t, rng)
        x_prev = np.where(np.isnan(x), 1.0, x)
    return _tables(params, offers, years, intake, grads, events, out_rows, mk_rows, prog_rows, dest_rows,
                   specs, scope, H, city)


def _destinations(w: dict, share: np.ndarray, hrel: np.ndarray, m_of, matched, unmatched, migrants, t: int,
                  rng: np.random.Generator) -> list[tuple]:
    q = w["destinations"]["sample"]
    um = w["matrix"]["unmatched"]
    um_p = np.array([um.get(s, 0.0) for s in SECTIONS])
    um_p = um_p / um_p.sum()
    rows = []
    for i in np.flatnonzero(matched + unmatched + migrants > 0):
        local_p = share[m_of[i]] * hrel
        local_p = local_p / local_p.sum() if local_p.sum() > 0 else share[m_of[i]]
        n = (rng.multinomial(matched[i], local_p) + rng.multinomial(unmatched[i], um_p)
             + rng.multinomial(migrants[i], share[m_of[i]]))
        seen = np.rint(rng.binomial(n, q) / q).astype(int)  # surveyed graduates, scaled up
        rows += [(i, t, SECTIONS[j], int(seen[j])) for j in np.flatnonzero(seen)]
    return rows


def _tables(params, offers, years, intake, grads, events, out_rows, mk_rows, prog_rows, dest_rows,
            specs, scope, H, city) -> dict[str, pd.DataFrame]:
    reg = params["region"]
    L = offers["level"].map(params["schools"]["length"]).to_numpy()
    ids = offers[["region", "school", "specialty", "level"]]
    y0 = years[0]
    rows = []
    for i in range(len(offers)):
        nz = np.flatnonzero(intake[i])
        if not len(nz):
            continue
        start, stop = max(reg["first_year"], y0 + nz[0]), min(reg["last_year"], y0 + nz[-1] + L[i])
        for t in range(start, stop + 1):
            c = t - y0
            on_roll = 0
            for k in range(1, L[i] + 1):
                if c - k >= 0 and intake[i, c - k] > 0:  # the cohort that entered k years ago
                    e, g = int(intake[i, c - k]), int(grads[i, c - k + L[i]])
                    on_roll += e - int(round((e - g) * (k - 1) / L[i]))
            rows.append((i, t, int(intake[i, c]), on_roll, int(grads[i, c])))
    enrol = pd.DataFrame(rows, columns=["i", "year", "enrolled", "in_school", "graduates"])

    def with_ids(df: pd.DataFrame) -> pd.DataFrame:
        return pd.concat([ids.iloc[df["i"]].reset_index(drop=True), df.drop(columns="i").reset_index(drop=True)],
                         axis=1)

    out = pd.DataFrame(out_rows, columns=["i", "year", "graduates", "employed", "matched", "further_study",
                                          "starting_salary"])
    dest = pd.DataFrame(dest_rows, columns=["i", "year", "industry", "employed"])
    prog = pd.DataFrame(prog_rows, columns=["i", "year", "graduates", "destination_rate", "employment_rate"])
    ev = pd.DataFrame(events, columns=["i", "year", "event"])
    opened = offers.index[offers["first"] > FIRST_INTAKE]
    ev = pd.concat([ev, pd.DataFrame({"i": opened, "year": offers.loc[opened, "first"], "event": "opened"})],
                   ignore_index=True)
    market = pd.DataFrame(mk_rows, columns=["specialty", "year", "graduates", "supply_graduates", "supply_technical",
                                            "supply_in_migrants", "supply", "demand", "ratio_sd",
                                            "destination_rate", "employment_rate"])
    level = offers.drop_duplicates("specialty").set_index("specialty")["level"]
    market.insert(1, "level", market["specialty"].map(level))
    market.insert(2, "scope", market["specialty"].map(dict(zip(specs, scope, strict=True))))
    hire = pd.DataFrame({"industry": np.repeat(H.columns.to_numpy(), len(H)),
                         "year": np.tile(H.index.to_numpy(), H.shape[1]),
                         "employed": city.to_numpy().T.ravel().round().astype(np.int64),
                         "openings": H.to_numpy().T.ravel().round().astype(np.int64)})
    plan_intake = pd.DataFrame({"i": np.arange(len(offers)), "planned": intake[:, reg["plan_year"] - y0]})
    return {"enrolment": with_ids(enrol), "outcomes": with_ids(out), "destinations": with_ids(dest),
            "programmes": with_ids(prog), "events": with_ids(ev).sort_values(["school", "specialty", "year"]),
            "market": market, "hiring": hire, "intake_plan_year": with_ids(plan_intake)}
