import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from talentforecast.errors import ConfigError, InputError, OutputError
from talentforecast.export import export, feed_spec, find_feed, read_feed
from talentforecast.export.sample import sample_run
from talentforecast.schema import SCHEMA_VERSION

DOCS = Path(__file__).resolve().parents[1] / "docs" / "feed.md"


@pytest.fixture(scope="module")
def run():
    return sample_run()


@pytest.fixture(scope="module")
def feed(run, tmp_path_factory):
    return run.export(tmp_path_factory.mktemp("out") / "feed")


def test_parquet_round_trips_run_tables_exactly(run, feed):
    back = read_feed(feed)
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    published = [n for n in run.tables if n in feed_spec().tables]
    assert set(published) <= set(back)
    for name in published:
        df = run.tables[name]
        pd.testing.assert_frame_equal(back[name][list(df.columns)], df.reset_index(drop=True))
        assert manifest["tables"][name]["rows"] == len(df)
    assert manifest["not_in_feed"] == []


def test_every_table_carries_version_run_id_as_of_and_labels(run, feed):
    back = read_feed(feed)
    spec = feed_spec()
    for name, df in back.items():
        assert (df["schema_version"] == SCHEMA_VERSION).all(), name
        assert (df["run_id"] == run.manifest["run_id"]).all(), name
        assert (df["as_of"] == 2024).all(), name
        for code, labels in spec.labels.items():
            if code in df.columns:
                pos = list(df.columns).index(code)
                assert list(df.columns[pos + 1: pos + 1 + len(labels)]) == list(labels), (name, code)
    w = back["warnings"].set_index("specialty")
    assert w.loc["460104", "specialty_name_zh"] == "机械制造及自动化"
    assert w.loc["460104", "category_name_zh"] == "装备制造大类"
    assert w.loc["460104", "region_name_en"] == "Example City"
    assert w.loc["460104", "level_name_en"] == "higher vocational (associate)"
    e = back["employment_forecast"].drop_duplicates("industry").set_index("industry")
    assert (e.loc["C", "industry_name_zh"], e.loc["C", "industry_name_en"]) == ("制造业", "Manufacturing")
    assert e.loc["36", "industry_name_zh"] == "汽车制造业"
    assert "unit" in back["specialty_demand"] and (back["specialty_demand"]["unit"] == "persons").all()


def test_csv_has_bom_and_json_and_schema_agree(feed):
    raw = (feed / "csv" / "warnings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(feed / "csv" / "warnings.csv", encoding="utf-8-sig", dtype={"specialty": str})
    assert "机械制造及自动化" in set(csv["specialty_name_zh"])
    split = json.loads((feed / "json" / "warnings.json").read_text(encoding="utf-8"))
    rows = [dict(zip(split["columns"], values, strict=True)) for values in split["data"]]
    assert len(rows) == len(csv) and split["columns"] == list(csv.columns)
    schema = json.loads((feed / "schema" / "warnings.schema.json").read_text(encoding="utf-8"))
    assert set(schema["required"]) <= set(rows[0])
    assert schema["properties"]["enrol_lo"]["x-unit"] == "persons"
    assert schema["properties"]["specialty_name_zh"]["x-added-by-feed"] is True
    for row in rows:  # JSON types agree with the schema
        for col, p in schema["properties"].items():
            types = p["type"] if isinstance(p["type"], list) else [p["type"]]
            py = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "null": type(None)}
            assert isinstance(row[col], tuple(py[t] for t in types)), (col, row[col])
    # industry codes in JSON/CSV take their text form (division 36 -> C36), as the schema's pattern says
    split = json.loads((feed / "json" / "employment_forecast.json").read_text(encoding="utf-8"))
    pattern = json.loads((feed / "schema" / "employment_forecast.schema.json").read_text(
        encoding="utf-8"))["properties"]["industry"]["pattern"]
    industries = {row[split["columns"].index("industry")] for row in split["data"]}
    assert industries == {"C", "G", "I", "C36"} and all(re.fullmatch(pattern, i) for i in industries)
    reasons = json.loads(rows[0]["reasons"])
    assert {"rule_id", "indicator", "value", "threshold", "years", "text_zh", "text_en"} <= set(reasons[0])


def test_documented_duckdb_query_answers(run, feed):
    duckdb = pytest.importorskip("duckdb")
    sql = re.search(r"<!-- example-query -->\s*```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    with duckdb.connect(str(feed / "feed.duckdb"), read_only=True) as con:
        got = con.sql(sql).df()
        dictionary = con.sql("SELECT * FROM feed_columns WHERE \"table\" = 'warnings'").df()
    w = run.warnings[run.warnings["warning_level"] == "red"]
    m = run.matches[run.matches["scenario"] == "baseline"]
    want = w.merge(m, on=["region", "specialty", "level", "year"]).sort_values("specialty")
    assert got["specialty"].tolist() == want["specialty"].tolist() and len(got) == 2
    assert got["ratio_sd"].tolist() == want["ratio_sd"].round(3).tolist()
    assert got["reason_zh"].tolist() == want["reason_zh"].tolist()
    assert set(got["category_name_zh"]) <= {"装备制造大类", "电子与信息大类"}
    assert "reasons" in set(dictionary["column"])


def test_absent_tables_are_skipped_and_listed(run, tmp_path):
    small = sample_run()
    for name in ("quality_ranking", "backtest_metrics", "shortage_occupations"):
        del small.tables[name]
    out = export(small, tmp_path / "feed", formats=("parquet",))
    manifest = json.loads((out / "feed.json").read_text(encoding="utf-8"))
    assert {"quality_ranking", "backtest_metrics", "shortage_occupations"} <= set(manifest["skipped"])
    assert "warnings" in manifest["tables"] and "run_metadata" in manifest["tables"]
    assert not (out / "csv").exists() and not (out / "feed.duckdb").exists()
    assert find_feed(tmp_path) == out  # a folder holding feed/ is found too


def test_missing_or_mistyped_contract_column_is_refused(tmp_path):
    bad = sample_run()
    bad.tables["warnings"] = bad.warnings.drop(columns="reasons")
    bad.tables["supply"] = bad.supply.assign(value="many")
    with pytest.raises(InputError) as err:
        export(bad, tmp_path / "feed", formats=("parquet",))
    text = err.value.render("en")
    assert "run table warnings, column 'reasons'" in text and "run table supply, column 'value'" in text
    zh = err.value.render("zh")
    assert "文件 run table warnings，列 'reasons'；应为 数据接口规范要求的列" in zh
    assert "列 'value'：值为 'object'；应为 number 类型的列" in zh
    assert not (tmp_path / "feed").exists()  # nothing half-written


def test_bad_feed_contract_and_folder_give_chinese_messages(tmp_path):
    spec = tmp_path / "feed_spec.toml"
    spec.write_text("[text]\ndecimals = 20\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="配置项 text.decimals 的值为 20；应为 0 到 15 之间的整数") as err:
        feed_spec(spec)
    assert "must be an integer 0-15" in err.value.render("en")
    with pytest.raises(InputError, match="含 feed.json 的数据接口文件夹"):
        find_feed(tmp_path)


def test_unknown_format_is_refused(run, tmp_path):
    with pytest.raises(OutputError, match="xlsx"):
        export(run, tmp_path / "feed", formats=("parquet", "xlsx"))


def test_export_is_deterministic(run, feed, tmp_path):
    again = export(run, tmp_path / "feed")
    a = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    b = json.loads((again / "feed.json").read_text(encoding="utf-8"))
    for name in a["tables"]:
        for fmt in ("csv", "json", "schema"):
            assert a["tables"][name]["sha256"][fmt] == b["tables"][name]["sha256"][fmt], (name, fmt)


def test_feed_folders_and_files_are_shareable(feed):
    """The atomic swap starts from a 0700 temp folder; the feed must be readable by others."""
    import stat

    umask = os.umask(0)
    os.umask(umask)
    for path in [feed, *feed.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = (0o777 if path.is_dir() else 0o666) & ~umask
        assert mode == want, (path, oct(mode))


def test_text_formats_hold_the_plan_years_parquet_holds_all(run, feed):
    manifest = json.loads((feed / "feed.json").read_text(encoding="utf-8"))
    entry = manifest["tables"]["specialty_demand"]
    full = read_feed(feed, ["specialty_demand"])["specialty_demand"]
    csv = pd.read_csv(feed / entry["files"]["csv"], encoding="utf-8-sig", dtype={"specialty": str})
    assert entry["text_years_from"] == manifest["as_of"] - 1
    assert len(csv) == entry["text_rows"] == int((full["year"] >= entry["text_years_from"]).sum())
    assert len(full) == entry["rows"] > len(csv) and csv["year"].min() == entry["text_years_from"]
    assert (csv["value"] - csv["value"].round(4)).abs().max() == 0  # 4 decimals in CSV/JSON
