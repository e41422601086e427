"""The feed's columns are a published contract: pinned in tests/golden/feed_schema.json."""

import json
from dataclasses import replace
from pathlib import Path

from talentforecast.export import feed_schema, feed_spec

GOLDEN = Path(__file__).parent / "golden" / "feed_schema.json"
REGENERATE = ("regenerate it: python -c \"import json, talentforecast.export as e; "
              "print(json.dumps(e.feed_schema(), ensure_ascii=False, indent=1))\" > tests/golden/feed_schema.json")


def breaking_changes(golden: dict, current: dict) -> list[str]:
    """Columns (or tables) of ``golden`` that ``current`` removed, renamed or retyped."""
    out = []
    for table, cols in golden["tables"].items():
        now = current["tables"].get(table)
        if now is None:
            out.append(f"table {table} removed")
            continue
        for col, typ in cols.items():
            if col not in now:
                out.append(f"{table}.{col} removed or renamed")
            elif now[col] != typ:
                out.append(f"{table}.{col} type {typ} -> {now[col]}")
    for col, form in golden.get("text_forms", {}).items():  # how CSV/JSON write a code (B06) is contract too
        if current.get("text_forms", {}).get(col) != form:
            out.append(f"text form of {col} {form} -> {current.get('text_forms', {}).get(col)}")
    return out


def test_no_column_removed_or_renamed_without_a_version_bump():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    current = feed_schema()
    changes = breaking_changes(golden, current)
    if current["schema_version"] == golden["schema_version"]:
        assert not changes, f"feed columns changed without a SCHEMA_VERSION bump: {changes}"
    else:  # a bump: the golden must be brought up to date in the same change
        assert current == golden, f"SCHEMA_VERSION bumped; {REGENERATE}"


def test_golden_check_catches_a_rename_and_tolerates_an_addition():
    spec = feed_spec()
    golden = feed_schema(spec)
    w = spec.tables["warnings"]
    renamed = replace(spec, tables={**spec.tables, "warnings": replace(
        w, columns=tuple("reason_text" if c == "reason_zh" else c for c in w.columns))},
        vocabulary={**spec.vocabulary, "reason_text": spec.vocabulary["reason_zh"]})
    assert breaking_changes(golden, feed_schema(renamed)) == ["warnings.reason_zh removed or renamed"]
    added = replace(spec, tables={**spec.tables, "warnings": replace(w, columns=(*w.columns, "reason_text"))},
                    vocabulary=renamed.vocabulary)
    assert breaking_changes(golden, feed_schema(added)) == []
    plain = replace(spec, vocabulary={**spec.vocabulary, "industry": {
        k: v for k, v in spec.vocabulary["industry"].items() if k != "text_form"}})
    assert breaking_changes(golden, feed_schema(plain)) == [
        "text form of industry ['gbt4754_composite', '^(?:[A-T]|[A-T][0-9]{2}|_T)$'] -> None"]

