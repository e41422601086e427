"""The true specialty → section destination matrix of the simulated world, and the rule profile.

The library's rule crosswalk (``catalogs/data/specialty_industry.csv``) says which sections a
specialty's graduates *may* go to. The simulated world's truth differs from it the way real
destinations do: concentrated on few sections, with cross-class destinations (an accounting
graduate in retail), and some specialties serving a national market.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from talentforecast.datasets import _sources

SECTIONS = list("ABCDEFGHIJKLMNOPQRS")


def rule_profile(specialties: list[str]) -> pd.DataFrame:
    """Per specialty, the rule crosswalk's strengths summed to sections and normalised (rows sum to 1)."""
    from talentforecast import catalogs

    path = _sources.CATALOG.parent / "specialty_industry.csv"
    cw = pd.read_csv(path, dtype=str, keep_default_na=False)
    cw = cw[cw["specialty"].isin(specialties)].copy()
    cw["strength"] = cw["rule"].map(lambda r: float(m.group(1)) if (m := re.search(r"strength ([\d.]+)", r))
                                    else 1.0)
    ind = catalogs.industries().set_index("industry")["section"]
    cw["section"] = cw["industry"].map(ind)
    prof = cw.pivot_table(index="specialty", columns="section", values="strength", aggfunc="sum", fill_value=0.0)
    prof = prof.reindex(index=specialties, columns=SECTIONS, fill_value=0.0)
    empty = prof.sum(axis=1) == 0
    prof.loc[empty, :] = 1.0  # a specialty without a rule: every section (the truth still concentrates)
    return prof.div(prof.sum(axis=1), axis=0)


def true_matrix(params: dict, specialties: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """specialty, level, industry, share, rule_share, scope: the world's destination shares.

    ``specialties`` has columns specialty, level, class_code (one row per specialty).
    """
    mp = params["world"]["matrix"]
    national = set(params["world"]["national_classes"])
    codes = specialties["specialty"].tolist()
    rule = rule_profile(codes)
    rows = []
    for sp in specialties.itertuples(index=False):
        r = rule.loc[sp.specialty].to_numpy()
        support = r > 0
        # concentrated on the rule's sections: a Dirichlet with small total mass picks a few
        conc = np.zeros(len(SECTIONS))
        conc[support] = rng.dirichlet(mp["concentration"] * r[support] / r[support].max() + 0.05)
        spread = rng.dirichlet(np.full(len(SECTIONS), 0.3))
        share = mp["rule_weight"] * conc + (1 - mp["rule_weight"]) * spread
        if rng.random() < mp["cross_probability"]:
            outside = [s for s in mp["cross_sections"] if not support[SECTIONS.index(s)]]
            if outside:
                j = SECTIONS.index(str(rng.choice(outside)))
                q = rng.uniform(*mp["cross_share"])
                share = (1 - q) * share
                share[j] += q
        share = np.where(share < 0.01, 0.0, share)  # tiny shares are no destination at all
        share = share / share.sum()
        scope = "national" if sp.class_code in national else "local"
        for j, sec in enumerate(SECTIONS):
            if share[j] > 0 or r[j] > 0:
                rows.append((sp.specialty, sp.level, sec, float(share[j]), float(r[j]), scope))
    return pd.DataFrame(rows, columns=["specialty", "level", "industry", "share", "rule_share", "scope"])
