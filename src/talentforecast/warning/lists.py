"""Short ranked lists, like published red/green cards: an exit/cut list and an expand list.

Each list holds at most ``list_size`` rows per planning region (policy setting), ranked by the
strength of evidence = probability × size, where size is the last intake (exit/cut: how many
entrants the decision concerns) or the gap to the target intake (expand: how many more the
market needs). The full classification stays in the ``warnings`` table (the annex).

Example:
    >>> import pandas as pd
    >>> w = pd.DataFrame({"planning_unit": "planning_region", "region": "R", "school": "*",
    ...     "specialty": ["A", "B", "C"], "level": "L", "warning_level": ["red", "orange", "blue"],
    ...     "probability": [0.9, 0.8, 0.75], "last_intake": [50.0, 200.0, 80.0],
    ...     "target_intake": [None, None, 180.0], "reason_zh": "", "reason_en": "",
    ...     "enrol_lo": 0, "enrol_hi": 0})
    >>> ranked_lists(w, 10)["warning_exit_list"][["rank", "specialty"]].values.tolist()
    [[1, 'B'], [2, 'A']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from talentforecast.warning.enrolment import without_room

EXIT = ("red", "orange")
EXPAND = ("blue",)
COLUMNS = ["region", "rank", "specialty", "level", "warning_level", "probability", "size", "strength",
           "enrol_lo", "enrol_hi", "reason_zh", "reason_en"]


def ranked_lists(warnings: pd.DataFrame, list_size: int) -> dict[str, pd.DataFrame]:
    """``warning_exit_list`` and ``warning_expand_list`` from the planning-region rows."""
    w = warnings[warnings["planning_unit"] == "planning_region"] if "planning_unit" in warnings else warnings
    out = {}
    for name, levels in (("warning_exit_list", EXIT), ("warning_expand_list", EXPAND)):
        d = w[w["warning_level"].isin(levels)].copy()
        if name == "warning_exit_list":
            d["size"] = d["last_intake"]
        else:  # the shortfall: target intake above last intake (the last intake when no target)
            # a blue whose range leaves no room above the last intake says 保持: not an expansion
            d = d[~without_room(d)]
            gap = pd.to_numeric(d["target_intake"], errors="coerce") - d["last_intake"]
            d["size"] = gap.where(gap > 0, np.nan).fillna(d["last_intake"])
        d["strength"] = (d["probability"].astype(float) * d["size"].astype(float)).round(2)
        d = d.sort_values(["region", "strength", "specialty"], ascending=[True, False, True], na_position="last")
        d["rank"] = d.groupby("region").cumcount() + 1
        d = d[d["rank"] <= list_size]
        # the decided action goes with the row: a list of decisions that does not say them is no list
        extra = [c for c in ("action_zh", "action_en", "reviewed", "original_level") if c in d.columns]
        out[name] = d[COLUMNS + extra].reset_index(drop=True)
    return out
