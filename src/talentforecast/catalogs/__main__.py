"""Maintainers: rebuild ``data/specialty_industry.csv`` after editing the rules file.

Usage: ``python -m talentforecast.catalogs``
"""

from talentforecast.catalogs.crosswalk import write_specialty_industry

if __name__ == "__main__":
    print(f"wrote {write_specialty_industry()}")
