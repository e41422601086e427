"""Input templates in data/templates/: one CSV (UTF-8 with BOM) and one XLSX per table, Chinese
headers, one illustrative row that passes validation."""

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast.schema import TABLES

TEMPLATES = Path(__file__).resolve().parents[1] / "data" / "templates"


def _maker():
    spec = importlib.util.spec_from_file_location("make_templates", TEMPLATES / "make_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("name", sorted(TABLES))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_reads_back(name, suffix):
    path = TEMPLATES / f"{name}{suffix}"
    assert path.is_file(), f"missing template {path}; run python data/templates/make_templates.py"
    df = tf.read_table(path, name)
    assert len(df) == 1
    assert set(TABLES[name].required) <= set(df.columns)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_template_is_current_and_chinese(name):
    """The shipped CSV equals what the generator writes now (so a schema change is noticed)."""
    mod = _maker()
    raw = (TEMPLATES / f"{name}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV templates are UTF-8 with a BOM (Excel shows Chinese)"
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    assert header == mod.chinese_header(TABLES[name])
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in header), header
    fresh = mod.template_frame(name)
    shipped = pd.read_csv(TEMPLATES / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(shipped, fresh.fillna(""), check_dtype=False)
    xlsx = pd.read_excel(TEMPLATES / f"{name}.xlsx", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(xlsx, fresh.fillna(""), check_dtype=False)


def test_header_only_template_is_rejected(tmp_path):
    """Documented in docs/byod.md: a template with its example row deleted and nothing added fails."""
    header = (TEMPLATES / "employment.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    p = tmp_path / "employment.csv"
    p.write_text(header + "\n", encoding="utf-8-sig")
    with pytest.raises(tf.InputError):
        tf.read_table(p, "employment")
