"""Load the bundled example region 示例市 and print a short summary.

Run: python examples/01_example_summary.py
"""

import talentforecast.datasets as datasets

bundle = datasets.load_example()
meta = bundle.meta
print(f"{meta['region_name']} ({meta['region']}), years {meta['years'][0]}-{meta['years'][1]}, seed {meta['seed']}")

print("\nTables (rows x columns):")
for name, df in sorted(bundle.tables.items()):
    print(f"  {name:<15} {df.shape[0]:>6} x {df.shape[1]}")

regions = bundle["regions"]
print("\nDistricts:", ", ".join(regions.loc[regions["parent"].notna(), "region_name"]))

enrol = bundle["enrolment"]
last = int(enrol["year"].max())
print(f"\nSchools: {enrol['school'].nunique()}; specialties by level:")
print(enrol.groupby("level")["specialty"].nunique().to_string())
print(f"\nNew entrants {last} by level:")
print(enrol[enrol["year"] == last].groupby("level")["enrolled"].sum().astype(int).to_string())

emp = bundle["employment"]
city = emp.groupby(["year", "industry"])["employed"].sum().unstack()
first = int(city.index.min())
growth = (city.loc[last] / city.loc[first] - 1).sort_values()
print(f"\nEmployment {first} -> {last}: total {city.loc[first].sum():,.0f} -> {city.loc[last].sum():,.0f}")
print("Fastest growing sections:", ", ".join(f"{k} {v:+.0%}" for k, v in growth.tail(3).items()))
print("Fastest shrinking sections:", ", ".join(f"{k} {v:+.0%}" for k, v in growth.head(3).items()))

out = bundle["outcomes"]
by_year = out.groupby("year")[["graduates", "employed", "further_study"]].sum()
rate = (by_year["employed"] + by_year["further_study"]) / by_year["graduates"]
print("\nEmployment rate incl. further study (毕业去向落实率), all graduates:")
print(rate.map("{:.1%}".format).to_string())
