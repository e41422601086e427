"""Industries the crosswalk sends demand to but the employment table lacks: listed, never silent.

A specialty's demand is the sum of the vocational openings of the industries it serves. When the
employment table has no rows for one of them (a city without sections J–O, say), that part of
the demand would silently count as zero. :func:`missing_industries` lists every such industry;
the demand parameter ``missing_industries`` says what to do with them:

- ``"error"`` (default): stop with an :class:`~talentforecast.errors.InputError` naming them, so
  the user either supplies their employment or accepts them as zero;
- ``"zero"``: accept them as zero demand; each is recorded with a note in the run.

Industries in ``zero_industries`` (shipped default: ``T`` 国际组织, nil employment in almost every
city) are accepted as zero without stopping, and still listed.
"""

from __future__ import annotations

import pandas as pd

from talentforecast.errors import InputError, Problem

COLUMNS = ["industry", "industry_name", "levels", "n_specialties", "specialties", "action", "note_zh", "note_en"]


def _names() -> dict[str, str]:
    from talentforecast import catalogs

    ind = catalogs.industries()
    return dict(zip(ind["industry"].astype(str), ind["industry_name"], strict=True))


def missing_industries(employment_industries, crosswalk: pd.DataFrame, offered: set[str] | None = None,
                       mode: str = "error", zero_industries=("T",)) -> pd.DataFrame:
    """Crosswalk industries (of the ``offered`` specialties) with no counterpart in the employment data.

    A crosswalk code counts as present when the employment table holds it or its GB/T section
    (the rule of :func:`talentforecast.catalogs.remap_industries`). ``action`` is
    ``accepted_zero`` for codes in ``zero_industries`` or with ``mode="zero"``, else ``error``.

    Example:
        >>> cw = pd.DataFrame({"specialty": ["730301", "730302", "460103"], "industry": ["J", "K", "C"],
        ...                    "level": ["高职专科", "高职专科", "高职专科"], "weight": 1.0})
        >>> t = missing_industries(["A", "C"], cw)
        >>> t[["industry", "n_specialties", "action"]].values.tolist()
        [['J', 1, 'error'], ['K', 1, 'error']]
        >>> missing_industries(["A", "C"], cw, mode="zero")["action"].unique().tolist()
        ['accepted_zero']
    """
    from talentforecast.demand.params import section_of

    present = {str(c) for c in employment_industries}
    cw = crosswalk[["specialty", "industry", "level"]].astype(str)
    if offered is not None:
        cw = cw[cw["specialty"].isin(offered)]
    here = cw["industry"].isin(present) | cw["industry"].map(section_of).isin(present)
    lost = cw[~here]
    if lost.empty:
        return pd.DataFrame(columns=COLUMNS)
    names = _names()
    zero = {str(z) for z in zero_industries}
    rows = []
    for ind, g in lost.groupby("industry", sort=True):
        specs = sorted(set(g["specialty"]))
        accepted = mode == "zero" or ind in zero or section_of(ind) in zero
        why_zh = ("已按零需求计入（参数 zero_industries）" if ind in zero or section_of(ind) in zero
                  else "已按零需求计入（参数 missing_industries = \"zero\"）" if accepted
                  else "缺少就业数据：请补充该行业的就业数据，或设置参数 missing_industries = \"zero\" 按零需求计入")
        why_en = ("accepted as zero demand (parameter zero_industries)" if ind in zero or section_of(ind) in zero
                  else "accepted as zero demand (parameter missing_industries = \"zero\")" if accepted
                  else "no employment data: supply this industry's employment, or set missing_industries = "
                       "\"zero\" to accept it as zero demand")
        rows.append((ind, names.get(ind, ""), "、".join(sorted(set(g["level"]))), len(specs),
                     ",".join(specs[:8]) + (" …" if len(specs) > 8 else ""),
                     "accepted_zero" if accepted else "error", why_zh, why_en))
    return pd.DataFrame(rows, columns=COLUMNS)


def raise_if_missing(table: pd.DataFrame, file: str = "employment") -> None:
    """Raise :class:`InputError` (in Chinese and English) for rows with ``action == "error"``.

    Example:
        >>> t = pd.DataFrame({"industry": ["J"], "industry_name": ["金融业"], "levels": ["高职专科"],
        ...                   "n_specialties": [2], "specialties": ["730301,730302"], "action": ["error"]})
        >>> try:
        ...     raise_if_missing(t)
        ... except InputError as e:
        ...     print("missing_industries" in str(e))
        True
    """
    bad = table[table["action"] == "error"]
    if bad.empty:
        return
    raise InputError([Problem(file, "industry", None, f"{r.industry} {r.industry_name}",
                              f"employment rows for this industry (the crosswalk sends demand of "
                              f"{r.n_specialties} offered specialties to it), or set the demand parameter "
                              f"missing_industries = \"zero\" to accept zero demand",
                              f"该行业的就业数据（专业→行业对照表把 {r.n_specialties} 个开设专业 {r.specialties} "
                              f"的需求指向它）；或在需求参数中设置 missing_industries = \"zero\" 按零需求计入")
                      for r in bad.itertuples(index=False)])
