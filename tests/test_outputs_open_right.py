"""Outputs a planner opens: codes intact when feed CSVs are read back with plain ``pd.read_csv``,
names beside codes, an XLSX with codes as text cells, the region's own name on every output."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast import catalogs
from talentforecast.bundle import Bundle, top_region
from talentforecast.errors import OutputError, TalentForecastWarning
from talentforecast.export import plain_codes, read_feed, table_schema, text_codes
from talentforecast.export.spec import TEXT_FORMS
from talentforecast.export.xlsx import CODE_COLUMNS, write_xlsx
from talentforecast.pipeline import Run

ROOT = Path(__file__).resolve().parents[1]
CODES = ("region", "parent", "industry", "specialty", "category_code", "occupation", "school", "level")


def leading_zero_run() -> Run:
    """A small run whose codes plain pandas would mangle: leading zeros, digits only, a blank parent."""
    regions = pd.DataFrame({"region": ["010100", "010101"], "region_name": ["某市", "某区"], "parent": [None, "010100"]})
    summary = pd.DataFrame({"table": ["employment"], "rows": [3], "first_year": [2020], "last_year": [2024],
                            "regions": [2]})
    emp = pd.DataFrame({"region": ["010101"] * 2, "industry": ["01", "06"], "year": [2024, 2025],
                        "scenario": "baseline", "value": [10.0, 11.0], "lo_80": 9.0, "hi_80": 12.0, "lo_95": 8.0,
                        "hi_95": 13.0, "unit": "persons", "model": "drift", "observed": [True, False]})
    return Run(bundle=Bundle(tables={"regions": regions}), options={"as_of": 2024},
               manifest={"run_id": "t", "meta": {"region": "010100", "region_name": "某市"}},
               tables={"regions": regions, "input_summary": summary, "employment_forecast": emp})


# label columns whose cells fall back to the code where the catalogue has no (English) name
CODE_LABELS = ("industry_name_en", "specialty_name_en", "category_name_en", "occupation_name_en")
INDUSTRY = ("industry", "industry_name_en")
COMPOSITE = r"^[A-T](?=[0-9]{2}$)"  # docs/feed.md: B06 -> 06, the one mapping a reader applies


def division_inputs(folder: Path) -> Path:
    """The example's input tables as a mining county keeps them, written as CSV files: employment by
    GB/T 4754 division only (06 煤炭开采和洗选业 and 07 石油和天然气开采业, split from section B),
    destinations and the specialty-industry crosswalk by the same divisions. Every industry code of
    the vocational openings then starts with 0."""
    t = dict(tf.datasets.load_example().tables)
    mining = t["employment"][t["employment"]["industry"] == "B"]
    t["employment"] = pd.concat([mining.assign(industry=code, employed=(mining["employed"] * share).round(0),
                                               value_added=mining["value_added"] * share)
                                 for code, share in (("06", 0.6), ("07", 0.4))], ignore_index=True)
    d = t["destinations"]
    t["destinations"] = d.assign(industry=d["industry"].where(d["industry"] != "B", "06"))
    b = catalogs.specialty_industry().query("industry == 'B'")[["specialty", "weight"]]
    b = b.assign(weight=b["weight"] / b["weight"].sum())  # the catalogue's shares of section B, summing to 1
    t["specialty_industry"] = pd.concat([b.assign(industry=code) for code in ("06", "07")], ignore_index=True)
    folder.mkdir()
    for name, df in t.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    return folder


@pytest.fixture(scope="module")
def division_run(tmp_path_factory):
    bundle = tf.read_folder(division_inputs(tmp_path_factory.mktemp("mining") / "tables"))  # validated as any input
    assert sorted(bundle.tables["employment"]["industry"].unique()) == ["06", "07"]
    params = {"demand": {"models": "drift", "n_paths": 200}}
    return tf.run(bundle, stages=["demand"], horizon=2, params=params, progress=False)


def code_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c in CODES or c in CODE_LABELS]


def as_code_text(col: pd.Series, name: str) -> pd.Series:
    """A column as plain ``pd.read_csv`` gave it, turned back into code text by the documented rules:
    integers are the code's digits (floats where a cell is blank), industry B06 -> 06."""
    if pd.api.types.is_float_dtype(col):
        assert (col.dropna() % 1 == 0).all(), (name, col.dropna().head().tolist())
        return col.astype("Int64").astype("string")
    if pd.api.types.is_numeric_dtype(col):
        return col.astype("string")
    text = col.astype("string")
    return text.str.replace(COMPOSITE, "", regex=True) if name in INDUSTRY else text


def check_plain_csvs(feed: Path) -> dict[str, list[str]]:
    """Read every feed CSV with plain ``pd.read_csv(path)`` and compare each code column with the
    Parquet file's codes (the run's), over the rows CSV holds. Returns the columns checked."""
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    written = sorted(p.relative_to(feed).as_posix() for p in (feed / "csv").glob("*.csv"))
    assert written == sorted(e["files"]["csv"] for e in manifest["tables"].values())
    checked = {}
    for name, entry in manifest["tables"].items():
        path = feed / entry["files"]["csv"]
        plain = pd.read_csv(path)  # no dtype, no encoding: the BOM is skipped
        pd.testing.assert_frame_equal(plain, pd.read_csv(path, encoding="utf-8-sig"))
        assert not plain.columns[0].startswith("\ufeff")
        typed = pd.read_parquet(feed / entry["files"]["parquet"])
        if entry["text_years_from"] is not None:
            typed = typed[typed["year"] >= entry["text_years_from"]].reset_index(drop=True)
        assert len(plain) == len(typed) == entry["text_rows"], name
        schema = json.loads((feed / entry["files"]["schema"]).read_text(encoding="utf-8"))
        for c in code_columns(typed):
            want = typed[c].astype("string")
            got = as_code_text(plain[c], c)
            pd.testing.assert_series_equal(got, want, check_names=False, obj=f"{name}.{c}")
            if c == "industry":  # the composite form keeps every industry column text
                assert plain[c].dtype == object, name
                assert plain[c].dropna().str.fullmatch(schema["properties"][c]["pattern"][1:-1]).all(), name
            checked.setdefault(name, []).append(c)
        assert entry["csv_needs_dtype"] == [], (name, entry["csv_needs_dtype"])
    return checked


def test_every_example_feed_csv_reads_back_intact_with_plain_read_csv(example_run, tmp_path):
    feed = example_run.export(tmp_path / "feed", formats=("parquet", "csv"))
    checked = check_plain_csvs(feed)
    assert {"region", "industry", "specialty", "category_code", "level"} <= {c for cs in checked.values() for c in cs}
    assert {"occupation_demand", "warnings", "regions", "provision", "vocational_openings"} <= set(checked)
    assert "parent" in checked["regions"] and "school" in checked["warnings"]


def test_division_codes_starting_with_0_read_back_intact_with_plain_read_csv(division_run, tmp_path):
    voc = division_run.vocational_openings
    assert set(voc["industry"]) == {"06", "07"}
    # the hazard is real: the same table written verbatim loses the zeros
    assert set(pd.read_csv(io.StringIO(voc.to_csv(index=False)))["industry"]) == {6, 7}
    feed = division_run.export(tmp_path / "feed", formats=("parquet", "csv", "json"))
    checked = check_plain_csvs(feed)
    assert {"employment_forecast", "openings", "vocational_openings"} <= {n for n, cs in checked.items()
                                                                           if "industry" in cs}
    plain = pd.read_csv(feed / "csv" / "vocational_openings.csv")
    assert set(plain["industry"]) == {"B06", "B07"} and set(plain["industry_name_en"]) == {"B06", "B07"}
    assert set(plain["industry_name_zh"]) == {"煤炭开采和洗选业", "石油和天然气开采业"}
    split = json.loads((feed / "json" / "vocational_openings.json").read_text(encoding="utf-8"))
    assert {row[split["columns"].index("industry")] for row in split["data"]} == {"B06", "B07"}
    # Parquet, DuckDB and the project's readers keep the plain code
    assert set(read_feed(feed, ["vocational_openings"])["vocational_openings"]["industry"]) == {"06", "07"}
    back = read_feed(feed, ["vocational_openings"], fmt="csv")["vocational_openings"]
    assert set(back["industry"]) == {"06", "07"} and set(back["industry_name_en"]) == {"06", "07"}
    with pytest.raises(OutputError, match="fmt"):
        read_feed(feed, fmt="json")


def test_user_codes_with_a_leading_zero_are_named_not_lost_silently(tmp_path):
    """Region codes outside GB/T 2260 (here 010100) have no text form: the export warns, feed.json
    lists the columns under csv_needs_dtype, and csv_dtype reads them back intact."""
    with pytest.warns(TalentForecastWarning, match=r"regions\.region.*csv_dtype"):
        feed = leading_zero_run().export(tmp_path / "feed", formats=("parquet", "csv"))
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["regions"]["csv_needs_dtype"] == ["region", "parent"]
    assert manifest["tables"]["employment_forecast"]["csv_needs_dtype"] == ["region"]  # industry 01/06: A01, B06
    assert manifest["tables"]["input_summary"]["csv_needs_dtype"] == []
    plain = pd.read_csv(feed / "csv" / "regions.csv")
    assert plain["region"].tolist() == [10100, 10101]  # what the warning is about
    for entry in manifest["tables"].values():
        text = pd.read_csv(feed / entry["files"]["csv"], dtype=entry["csv_dtype"])  # the documented hint
        typed = pd.read_parquet(feed / entry["files"]["parquet"])
        for c in code_columns(typed):
            pd.testing.assert_series_equal(as_code_text(text[c], c), typed[c].astype("string"), check_names=False)
    e = pd.read_csv(feed / "csv" / "employment_forecast.csv")
    assert e["industry"].tolist() == ["A01", "B06"]


def test_text_form_is_in_the_schema_and_maps_back(tmp_path):
    s = table_schema("vocational_openings")["properties"]
    assert s["industry"]["pattern"] == TEXT_FORMS["gbt4754_composite"].pattern
    assert "B06" in s["industry"]["x-text-form-description"] and "B06" in s["industry"]["x-text-form-description-zh"]
    assert "pattern" not in s["region"] and "pattern" not in s["level"]
    codes = ["A", "01", "05", "B", "06", "12", "C", "13", "43", "T", "97", "_T"]
    text = text_codes(pd.DataFrame({"industry": codes}))["industry"]
    assert text.tolist() == ["A", "A01", "A05", "B", "B06", "B12", "C", "C13", "C43", "T", "T97", "_T"]
    assert text.str.fullmatch(s["industry"]["pattern"][1:-1]).all()
    assert plain_codes(pd.DataFrame({"industry": text}))["industry"].tolist() == codes
    every = catalogs.industries()["industry"]  # every GB/T 4754 code round-trips and none looks like a number
    written = text_codes(pd.DataFrame({"industry": every}))["industry"]
    assert not written.str.fullmatch(r"[0-9]+").any()
    assert plain_codes(pd.DataFrame({"industry": written}))["industry"].tolist() == every.tolist()


def test_run_csvs_carry_names_beside_codes_and_parquet_stays_the_run(tmp_path):
    w = pd.DataFrame({"region": ["990100"], "specialty": ["610101"], "level": ["中职"], "year": [2025],
                      "warning_level": ["red"]})
    run = Run(bundle=Bundle(tables={}, meta={"region": "990100", "region_name": "示例市"}), options={},
              manifest={"meta": {"region": "990100", "region_name": "示例市", "region_name_en": "Example City"}},
              tables={"warnings": w})
    out = run.save(tmp_path / "run")
    csv = pd.read_csv(out / "tables" / "warnings.csv", dtype=str)
    assert csv.columns.tolist()[:4] == ["region", "region_name_zh", "region_name_en", "specialty"]
    row = csv.iloc[0]
    assert (row.region_name_zh, row.region_name_en, row.specialty_name_zh, row.level_name_en) == \
        ("示例市", "Example City", "种子生产技术", "secondary vocational")
    assert pd.read_parquet(out / "tables" / "warnings.parquet").columns.tolist() == w.columns.tolist()
    assert Run.load(out).warnings.columns.tolist() == w.columns.tolist()


def test_xlsx_holds_codes_as_text_cells_with_names(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(leading_zero_run(), tmp_path / "tables.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["目录 contents", "employment_forecast", "regions"]
    ws = wb["employment_forecast"]
    header = [c.value for c in ws[1]]
    assert header[:5] == ["region", "region_name_zh", "region_name_en", "industry", "industry_name_zh"]
    for row in ws.iter_rows(min_row=2):
        for cell, col in zip(row, header, strict=True):
            if col in CODE_COLUMNS and cell.value is not None:
                assert cell.data_type == "s" and cell.number_format == "@", (col, cell.value)
    assert [r[3].value for r in ws.iter_rows(min_row=2)] == ["01", "06"]
    assert [r[1].value for r in wb["regions"].iter_rows(min_row=2)] == ["某市", "某区"]
    back = pd.read_excel(path, sheet_name="regions", dtype=object)
    assert back["region"].tolist() == ["010100", "010101"]


def test_top_region_of_regions_titles_the_bundle():
    r = pd.DataFrame({"region": ["220100", "220102", "220103"], "region_name": ["长春市", "南关区", "宽城区"],
                      "parent": [None, "220100", "220100"]})
    b = Bundle(tables={"regions": r})
    assert (b.meta["region"], b.region_name) == ("220100", "长春市")
    assert Bundle(tables={"regions": r}, meta={"region_name": "长春"}).region_name == "长春"  # meta wins
    # districts only (parent outside the table): every top is named, no code is invented
    d = r.iloc[1:].assign(parent="229900")
    assert top_region(d) == {"region_name": "南关区、宽城区"}


@pytest.mark.slow
def test_following_byod_with_a_new_city_titles_every_output_with_its_name(tmp_path):
    """byod.md: put the tables in a folder, `talentforecast run my_tables --out ...`: no --region-name."""
    tables = tmp_path / "jl_csv"
    shutil.copytree(tf.datasets.example_dir(), tables, ignore=shutil.ignore_patterns("meta.json"))
    regions = pd.read_csv(tables / "regions.csv", dtype=str)
    regions.loc[regions["parent"].isna(), "region_name"] = "吉林测试市"
    regions.to_csv(tables / "regions.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    params = tmp_path / "fast.toml"
    params.write_text("[demand]\nmodels = 'drift'\nn_paths = 200\n[supply]\nforecast = { models = 'drift' }\n"
                      "simulation = { n_draws = 100 }\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "talentforecast.cli", "run", str(tables), "--out", str(tmp_path / "out"),
                           "--horizon", "2", "--params", str(params), "--report-formats", "html", "--lang", "zh,en",
                           "--feed-formats", "parquet,csv,json", "-q"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    out = tmp_path / "out"
    feed = json.loads((out / "feed" / "feed.json").read_text(encoding="utf-8"))
    assert (feed["region"], feed["region_name"]) == ("990100", "吉林测试市")
    for lang in ("zh", "en"):
        html = (out / "report" / f"report_{lang}.html").read_text(encoding="utf-8")
        title = html.split("<title>", 1)[1].split("</title>", 1)[0]
        h1 = html.split("<h1", 1)[1].split("</h1>", 1)[0]
        assert "吉林测试市" in title and "吉林测试市" in h1 and "jl_csv" not in title + h1  # the folder only in sources
    manifest = json.loads((out / "run" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["meta"]["region_name"] == "吉林测试市"
    assert pd.read_excel(out / "tables.xlsx", sheet_name="regions", dtype=object)["region_name"].iloc[0] == "吉林测试市"
    assert proc.stdout.count(str(out)) >= 5  # -q: wrote lines for run, 2 reports, feed, xlsx
