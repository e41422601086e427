"""Benchmark: cohort model vs pure time series on NBS national vocational graduates.

Forecast 中职 and 高职专科 graduates for 2022–2025 from data up to 2021, two ways:

* cohort: graduates[t] = entrants[t - L] × completion rate (talentforecast.supply.completion_rates,
  L = 3); entrants after 2021 (needed only for horizons > L) come from tf.forecast on entrants;
* time series: tf.forecast(models="auto") on the graduate series itself.

Reproduce:  PYTHONPATH=src python benchmarks/supply_nbs.py   (prints a markdown table)
Data: data/sources/cn-education-nbs/national_education_long.csv (NBS, see SOURCE.txt).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from talentforecast.forecasting import forecast
from talentforecast.supply import completion_rates, graduates_from_cohorts, load_params

DATA = Path(__file__).resolve().parents[1] / "data/sources/cn-education-nbs/national_education_long.csv"
SERIES = {  # level -> (entrants indicator, graduates indicator)
    "中职": ("中等职业教育招生数 (万人)", "中等职业教育毕业生数 (万人)"),
    "高职专科": ("专科招生数 (万人)", "专科毕业生数 (万人)"),
}
CUTOFF, TARGET = 2021, [2022, 2023, 2024, 2025]


def load() -> pd.DataFrame:
    """Long: level, year, enrolled, graduates (10k persons)."""
    raw = pd.read_csv(DATA)
    parts = []
    for level, (ent, grad) in SERIES.items():
        e = raw[raw.indicator == ent].set_index("year")["value_10k_persons"].rename("enrolled")
        g = raw[raw.indicator == grad].set_index("year")["value_10k_persons"].rename("graduates")
        parts.append(pd.concat([e, g], axis=1).reset_index().assign(level=level))
    return pd.concat(parts, ignore_index=True).sort_values(["level", "year"])


def cohort_forecast(hist: pd.DataFrame, window: int) -> pd.DataFrame:
    p = load_params({"completion": {"window": window}})
    enr = hist.assign(region="全国", school="all", specialty="ALL", in_school=0.0).fillna({"graduates": 0.0})
    rates = completion_rates(enr, p)
    ent_fc = forecast(hist.rename(columns={"level": "unique_id", "year": "ds", "enrolled": "y"})
                      [["unique_id", "ds", "y"]], h=len(TARGET), models="auto")
    future = ent_fc.rename(columns={"unique_id": "level", "ds": "year", "y_hat": "enrolled"})
    entrants = pd.concat([enr[["region", "specialty", "level", "year", "enrolled"]],
                          future.assign(region="全国", specialty="ALL")[["region", "specialty", "level", "year",
                                                                          "enrolled"]]])
    g = graduates_from_cohorts(entrants, rates, p["programme_length"], TARGET)
    return g.rename(columns={"graduates": "forecast"})[["level", "year", "forecast", "rate"]]


def ts_forecast(hist: pd.DataFrame, models: str) -> pd.DataFrame:
    df = hist.dropna(subset=["graduates"]).rename(columns={"level": "unique_id", "year": "ds", "graduates": "y"})
    fc = forecast(df[["unique_id", "ds", "y"]], h=len(TARGET), models=models)
    return fc.rename(columns={"unique_id": "level", "ds": "year", "y_hat": "forecast"})[["level", "year", "forecast"]]


def markdown(df: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which is not a dependency)."""
    df = df.reset_index()
    head = "| " + " | ".join(map(str, df.columns)) + " |"
    sep = "|" + "---|" * len(df.columns)
    body = ["| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, sep, *body])


def main() -> pd.DataFrame:
    data = load()
    hist = data[data.year <= CUTOFF]
    actual = data[data.year.isin(TARGET)][["level", "year", "graduates"]].dropna()
    runs = {"cohort (all cohorts)": cohort_forecast(hist, 0),
            "cohort (last cohort only)": cohort_forecast(hist, 1),
            "time series (auto)": ts_forecast(hist, "auto"),
            "time series (naive)": ts_forecast(hist, "naive")}
    rows = []
    for name, fc in runs.items():
        m = actual.merge(fc, on=["level", "year"])
        m["h"] = m["year"] - CUTOFF
        m["ape"] = 100 * (m["forecast"] - m["graduates"]).abs() / m["graduates"]
        rows.append(m.assign(method=name))
    res = pd.concat(rows)
    table = res.pivot_table(index=["level", "method"], columns="h", values="ape").round(1)
    table["MAPE h<=3"] = res[res.h <= 3].groupby(["level", "method"])["ape"].mean().round(1)
    print("Absolute percentage error by horizon (h = years after 2021):\n")
    print(markdown(table))
    print("\nForecasts (10k persons):\n")
    print(markdown(res.pivot_table(index=["level", "year", "graduates"], columns="method", values="forecast")
                   .round(1)))
    for w in (0, 1):
        r = cohort_forecast(hist, w).groupby("level")["rate"].first().round(3).to_dict()
        print(f"\ncompletion rates (window={w}): {r}")
    return res


if __name__ == "__main__":
    main()
