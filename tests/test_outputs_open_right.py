"""Outputs a planner opens: codes intact when CSVs are read back, names beside codes, an XLSX
with codes as text cells, the region's own name on every output."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.bundle import Bundle, top_region
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


@pytest.fixture(scope="module")
def example_run():
    return tf.run(tf.datasets.load_example(), stages=["inputs"], progress=False)


def code_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c in CODES]


@pytest.mark.parametrize("which", ["example", "leading_zeros"])
def test_every_feed_csv_reads_back_with_its_codes_intact(which, example_run, tmp_path):
    run = example_run if which == "example" else leading_zero_run()
    feed = run.export(tmp_path / "feed", formats=("parquet", "csv"))
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    checked = 0
    for entry in manifest["tables"].values():
        typed = pd.read_parquet(feed / entry["files"]["parquet"])
        text = pd.read_csv(feed / entry["files"]["csv"], dtype=entry["csv_dtype"])  # the documented hint
        plain = pd.read_csv(feed / entry["files"]["csv"])
        schema = json.loads((feed / entry["files"]["schema"]).read_text(encoding="utf-8"))
        for c in code_columns(typed):
            assert schema["properties"][c]["x-pandas-dtype"] == "string" and entry["csv_dtype"][c] == "string"
            want = typed[c].astype("string")
            pd.testing.assert_series_equal(text[c], want, check_names=False)
            # plain read_csv: text columns come back exactly; digit-only ones become numbers (documented)
            if not pd.api.types.is_numeric_dtype(plain[c]):
                pd.testing.assert_series_equal(plain[c].astype("string"), want, check_names=False)
            checked += 1
    assert checked >= (6 if which == "example" else 3)


def test_plain_read_csv_loses_leading_zeros_which_is_why_the_hint_exists(tmp_path):
    feed = leading_zero_run().export(tmp_path / "feed", formats=("csv",))
    plain = pd.read_csv(feed / "csv" / "regions.csv")
    assert plain["region"].tolist() == [10100, 10101]  # what docs/config.md warns about


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
