from pathlib import Path

from talentforecast.schema import TABLES, contract_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"


def test_contract_page_matches_code():
    assert DOC.read_text(encoding="utf-8") == contract_markdown(), "regenerate docs/data-contract.md"


def test_every_table_and_column_documented():
    text = DOC.read_text(encoding="utf-8")
    for t in TABLES.values():
        assert f"## `{t.name}`" in text
        for c in t.columns:
            assert f"| `{c.name}` |" in text
