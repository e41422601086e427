"""The report's content on the default example run: a written summary with intervals, complete
mandated lists in the annex and the workbook, an occupation catalogue built on the official
求人倍率, no raw identifiers or file paths, English sentences in English."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import talentforecast as tf
from talentforecast import catalogs
from talentforecast.report.context import build_context
from talentforecast.report.i18n import Strings, load_settings
from talentforecast.report.workbook import write_workbook

CJK = re.compile(r"[\u3400-\u9fff]")
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
RAW = re.compile(r"key_industries|bottom_up_sum|auto:|scenario:|_comparison|labour_market|run/tables"
                 r"|\.csv|\.parquet|\.toml|\.py\b|/[\w.-]+/")


@pytest.fixture(scope="module")
def contexts(example_run):
    meta = example_run.report_meta()
    meta["sources"] = {"employment": "/data/in/employment.csv"}  # a path must never be printed
    meta["changes"] = {"old": "2023", "new": "2024", "text_zh": "红色预警由 2 个减为 1 个。",
                       "text_en": "Red warnings fell from 2 to 1."}
    return {lang: build_context(example_run.tables, lang=lang, meta=meta) for lang in ("zh", "en")}


def _texts(ctx, cells: bool = True):
    for sec in ctx["sections"]:
        yield "title", sec["title"]
        for blk in sec["blocks"]:
            for key in ("text", "caption", "note"):
                if blk.get(key):
                    yield key, blk[key]
            for h in blk.get("header", []):
                yield "header", h
            if cells:
                for row in blk.get("rows", []):
                    for c in row:
                        yield "cell", c


def _annex(ctx, caption: str) -> dict:
    return next(b for b in ctx["sections"][-1]["blocks"] if b["kind"] == "table" and b["caption"].endswith(caption))


def test_no_raw_identifiers_or_paths(contexts):
    for lang, ctx in contexts.items():
        bad = [(k, t) for k, t in _texts(ctx) if RAW.search(str(t))]
        assert not bad, (lang, bad[:5])


def test_english_headings_and_sentences_have_no_chinese_but_names(contexts):
    # specialty and school names are proper names; occupations are named by code and major group
    # in English sentences (职业分类大典 has no English edition), their Chinese names only in tables
    names = set(catalogs.specialties()["specialty_name"])
    names |= set(tf.datasets.load_example().tables["enrolment"]["school"])
    names = sorted(names, key=len, reverse=True)

    def strip(text: str) -> str:
        for n in names:
            if n in text:
                text = text.replace(n, "")
        return text

    bad = [(k, t) for k, t in _texts(contexts["en"], cells=False) if CJK.search(strip(t))]
    assert not bad, bad[:5]


def test_summary_is_sentences_with_intervals_true_to_the_tables(example_run, contexts):
    t = example_run.tables
    for lang, ctx in contexts.items():
        paras = [b["text"] for b in ctx["sections"][0]["blocks"] if b["kind"] == "para"]
        assert len(paras) >= 8 and not any(b["kind"] == "keyfigs" for b in ctx["sections"][0]["blocks"])
        emp = t["employment_forecast"]
        row = emp[(emp["region"] == ctx["region"]) & (emp["scenario"] == "baseline") & (emp["industry"] == "_T")
                  & (emp["year"] == ctx["target_year"])].iloc[0]
        want = f"{row['value']:,.0f}", f"{row['lo_80']:,.0f}–{row['hi_80']:,.0f}"
        assert any(want[0] in p and want[1] in p for p in paras), (lang, want)
        ope = t["openings"]
        ope = ope[(ope["region"] == ctx["region"]) & (ope["industry"] == "_T") & (ope["year"] > ctx["base_year"])
                  & (ope["scenario"] == "baseline")]
        assert any(f"{ope['value'].sum():,.0f}" in p and f"{ope['value'].mean():,.0f}" in p for p in paras)
        w = t["warnings"]
        w = w[w["region"] == ctx["region"]]
        counts = w["warning_level"].value_counts()
        s = Strings(lang)
        sentence = s("summary.warnings", year=int(w["year"].max()), n=len(w), new=int(
            t["proposals"][["specialty", "level"]].drop_duplicates().shape[0]),
            **{c: int(counts.get(c, 0)) for c in ("red", "orange", "yellow", "green", "blue")})
        assert sentence in paras
        assert s("summary.changes", old="2023", new="2024", text=ctx["meta"]["changes"][f"text_{lang}"]) in paras


def test_mandated_lists_complete_in_annex_and_workbook(example_run, contexts, tmp_path):
    t = example_run.tables
    ctx = contexts["zh"]
    s = Strings("zh")
    w = t["warnings"][t["warnings"]["region"] == ctx["region"]]
    annex = _annex(ctx, s("lists.all"))
    assert annex["complete"] and len(annex["rows"]) == len(w)
    assert sum(r[annex["columns"].index("warning_level")] == "黄色" for r in annex["rows"]) == \
        int((w["warning_level"] == "yellow").sum()) > 0
    path = write_workbook(ctx["lists"], tmp_path / "lists.xlsx")
    book = pd.read_excel(path, sheet_name=None, dtype=object)
    assert len(book[s("lists.sheet_all")]) == len(w)
    assert len(book[s("lists.sheet_expand")]) == int((w["warning_level"] == "blue").sum())
    assert len(book[s("lists.sheet_new")]) == len(t["proposals"])
    sheet = book[s("lists.sheet_all")]
    assert sheet["专业代码"].map(type).eq(str).all() and "专业名称" in sheet.columns  # codes as text, names beside
    assert all(re.fullmatch(r"\d{6}", c) for c in sheet["专业代码"])


def test_shortage_catalogue_uses_occupation_codes_and_the_official_ratio(example_run, contexts):
    t = example_run.tables
    lmc = t["labour_market_conditions"]
    year = int(lmc["year"].max())
    last = lmc[lmc["year"] == year].set_index("occupation")
    cat = load_settings()["catalogue"]
    for lang, ctx in contexts.items():
        sec = next(x for x in ctx["sections"] if x["key"] == "shortage")
        table = next(b for b in sec["blocks"] if b["kind"] == "table")
        cols = table["columns"]
        assert "specialty" not in cols and 0 < len(table["rows"]) <= cat["top_n"]
        for row in table["rows"]:
            occ = row[cols.index("occupation")]
            assert re.fullmatch(r"\d-\d{2}-\d{2}-\d{2}", occ)
            ratio = last.loc[occ, "openings"] / last.loc[occ, "seekers"]  # 求人倍率: openings ÷ seekers
            assert row[cols.index("ratio_ds")] == f"{ratio:.2f}" and ratio >= cat["min_ratio"]
            assert row[cols.index("openings")] == f"{last.loc[occ, 'openings']:,.0f}"
        header = table["header"][cols.index("ratio_ds")]
        assert header == ("求人倍率" if lang == "zh" else "Openings per seeker")
        assert str(year) in table["caption"]
    # elsewhere D/S is never called 求人倍率
    for _, text in _texts(contexts["zh"]):
        if "求人倍率" in text and "D/S" in text:
            assert "不是求人倍率" in text


def test_methods_annex_defines_terms_and_names_sources_by_year(contexts):
    ctx = contexts["zh"]
    sec = next(x for x in ctx["sections"] if x["key"] == "method")
    text = "\n".join(b.get("text", "") for b in sec["blocks"])
    for word in ("概率", "预测区间", "毕业去向落实率", "S/D", "D/S", "分档"):
        assert word in text
    src = next(b for b in sec["blocks"] if b["kind"] == "table" and "数据来源" in b["caption"])
    assert any("招聘求职登记" in r[0] and re.fullmatch(r"\d{4}–\d{4}", r[2]) for r in src["rows"])
    assert any(b["kind"] == "figure" for b in sec["blocks"])  # the tornado chart


def test_key_industries_and_district_warnings_when_the_stages_provide_them(example_run):
    """A scenario cluster (scenario_comparison) and per-district warning rows (``unit``) are used."""
    t = dict(example_run.tables)
    region = "990100"
    comp = pd.DataFrame({"region": region, "industry": ["C", "I"], "year": 2029, "scenario": "smart_manufacturing",
                         "employment_baseline": [600_000.0, 130_000.0], "employment_scenario": [630_000.0, 131_000.0],
                         "openings_baseline": [10_000.0, 5_000.0], "openings_scenario": [12_000.0, 5_200.0]})
    comp = comp.assign(employment_effect=comp["employment_scenario"] - comp["employment_baseline"],
                       employment_effect_pct=0.05, openings_effect=comp["openings_scenario"] - comp["openings_baseline"])
    t["scenario_comparison"] = comp
    w = t["warnings"]  # the run's city, district and 专业点 rows (planning_unit)
    meta = example_run.report_meta() | {"region": region}
    ctx = build_context(t, lang="en", meta=meta)
    sec = next(x for x in ctx["sections"] if x["key"] == "industries")
    text = "\n".join(b.get("text", "") for b in sec["blocks"])
    assert "smart manufacturing" in text and "31,000" in text and "smart_manufacturing" not in text
    assert "Manufacturing" in text  # the official English name of section C
    warn = next(x for x in ctx["sections"] if x["key"] == "warnings")
    tables = [b for b in warn["blocks"] if b["kind"] == "table"]
    assert any("district" in b["caption"] and len(b["rows"]) > 0 for b in tables)
    counts = tables[0]
    city = (w["region"] == region) & (w["planning_unit"] == "planning_region")
    assert sum(int(r[1]) for r in counts["rows"]) == int(city.sum())  # the city's own rows only


def test_family_view_in_the_matching_chapter(example_run):
    """The same 专业类 across levels (issue 16's family view) is shown, contradictions first."""
    ctx = build_context(dict(example_run.tables), lang="zh", meta=example_run.report_meta())
    sec = next(x for x in ctx["sections"] if x["key"] == "match")
    text = "\n".join(b.get("text", "") for b in sec["blocks"])
    fam = example_run.tables["family_view"]
    assert "专业族" in text and "合并供求比" in repr(sec["blocks"])
    year = fam[(fam["region"] == "990100") & (fam["scenario"] == "baseline")]["year"]
    assert len(year) and any(b["kind"] == "table" and "专业族" in b["caption"] for b in sec["blocks"])


def test_one_notice_per_school_with_its_programme_rows(example_run):
    """学校专业预警通知书: each school gets its own notice listing exactly its 专业点 rows."""
    ctx = build_context(dict(example_run.tables), lang="zh", meta=example_run.report_meta())
    sec = next(x for x in ctx["sections"] if x["key"] == "notices")
    w = example_run.tables["warnings"]
    prog = w[(w["planning_unit"] == "programme") & (w["year"] == w["year"].max())]
    prog = prog[prog["warning_level"].isin(["red", "orange", "yellow", "green", "blue"])]
    titles = [b["text"] for b in sec["blocks"] if b["kind"] == "subheading"]
    assert titles == [f"{s}：专业预警通知书" for s in sorted(prog["school"].unique())]
    tables = [b for b in sec["blocks"] if b["kind"] == "table"]
    assert [len(t["rows"]) for t in tables] == [int((prog["school"] == s).sum()) for s in sorted(prog["school"].unique())]
    en = next(x for x in build_context(dict(example_run.tables), lang="en", meta=example_run.report_meta())["sections"]
              if x["key"] == "notices")
    assert any("specialty warning notice" in b.get("text", "") for b in en["blocks"])


def test_table_columns_fit_their_longest_words(contexts):
    """No word breaks inside ("Openin gs", "vocation al", "专业代/码"): on the example run every
    column of every table is at least as wide as its longest Latin word and four characters of a
    Chinese header, measured here with the bundled font (kerned, whole word) at the table's size,
    plus the cell padding of style.css."""
    from matplotlib.ft2font import FT2Font

    from talentforecast.report.fonts import cjk_font_path

    font = FT2Font(str(cjk_font_path()))
    font.set_size(100, 72)

    def mm(word: str, pt: float) -> float:
        font.set_text(word)
        return font.get_width_height()[0] / 64 / 100 * pt * 25.4 / 72

    dense_seen = False
    for lang, ctx in contexts.items():
        for sec in ctx["sections"]:
            for blk in sec["blocks"]:
                if blk["kind"] != "table" or not blk["rows"]:
                    continue
                pt, pad = (7, 1.6) if blk.get("dense") else (8, 3.0)
                dense_seen |= bool(blk.get("dense"))
                for j, head in enumerate(blk["header"]):
                    words = [w for text in [head, *(r[j] for r in blk["rows"])]
                             for w in re.findall(r"[A-Za-z0-9/%.,–]+-?", str(text))]
                    words += [w[:4] for w in CJK_RUN.findall(head)]  # 专业代码 stays on one line
                    if not words:
                        continue
                    need = max(mm(w, pt) for w in words) + pad
                    have = blk["widths"][j] / 100 * 172
                    assert have >= need, (lang, blk["caption"], head, max(words, key=lambda w: mm(w, pt)),
                                          round(have, 1), round(need, 1))
    assert dense_seen  # the wide warning lists are set dense rather than broken


def test_no_summary_table_has_an_empty_column_and_actions_are_the_decided_ones(example_run, contexts):
    """Tables 1 and 2 of the summary printed an empty Action column: the ranked lists of the
    warning stage did not carry action_zh/action_en. Every column says something, and the
    action is the warnings table's for the same specialty and level."""
    w = example_run.tables["warnings"]
    for lang, ctx in contexts.items():
        w_here = w[(w["region"] == ctx["region"]) & (w["planning_unit"] == "planning_region")]
        action = {(r.specialty, r.warning_level): getattr(r, f"action_{lang}") for r in w_here.itertuples()}
        tables = [blk for blk in ctx["sections"][0]["blocks"] if blk["kind"] == "table"]
        assert len(tables) == 2
        for blk in tables:
            for j, head in enumerate(blk["header"]):
                assert any(str(r[j]).strip() not in ("", "—") for r in blk["rows"]), (lang, blk["caption"], head)
            assert "action" in blk["columns"], (lang, blk["caption"])
            cols = blk["columns"]
            levels = {Strings(lang).level(c): c for c in ("red", "orange", "yellow", "green", "blue")}
            for r in blk["rows"]:
                key = (r[cols.index("specialty")], levels[r[cols.index("warning_level")]])
                assert r[cols.index("action")] == action[key], (lang, key)


def test_reasons_name_the_policy_by_its_title_not_its_id(example_run, contexts):
    """"No rule of policy 'default' fired" printed the policy's file id; the sentence names it by
    its title (默认规则组合 / Default combination)."""
    from talentforecast.warning.policy import load_policy, shipped_policies

    w = example_run.tables["warnings"]
    raw = re.compile(r"(?:policy|政策)\s*['\"“‘]?(?:" + "|".join(map(re.escape, shipped_policies())) + r")['\"”’]")
    for lang in ("zh", "en"):
        reasons = w[f"reason_{lang}"].astype(str)
        assert not reasons.str.contains(raw).any(), reasons[reasons.str.contains(raw)].iloc[0]
        assert reasons.str.contains(load_policy("default").title(lang), regex=False).any()
        cells = [t for k, t in _texts(contexts[lang]) if k == "cell"]
        assert not any(raw.search(str(c)) for c in cells)


def test_annex_tables_are_numbered_consecutively(contexts):
    """Annex tables took the number of their body table (A4, A6, A7, A26, …): they are numbered
    A1, A2, … in order, body tables 1, 2, … without gaps, a continuation names its body table,
    and every annex number a body note refers to exists."""
    for lang, ctx in contexts.items():
        word = Strings(lang)("table")
        annex = [blk["caption"] for blk in ctx["sections"][-1]["blocks"] if blk["kind"] == "table"]
        nums = [int(re.match(rf"{word} A(\d+) ", c).group(1)) for c in annex]
        assert len(nums) > 5 and nums == list(range(1, len(nums) + 1)), (lang, nums)
        body = [blk for sec in ctx["sections"][:-1] for blk in sec["blocks"] if blk["kind"] == "table"]
        body_nums = [int(re.match(rf"{word} (\d+) ", blk["caption"]).group(1)) for blk in body]
        assert body_nums == list(range(1, len(body_nums) + 1)), (lang, body_nums)
        refs = {int(n) for blk in body for n in re.findall(r"\bA(\d+)\b", blk.get("note", ""))}
        assert refs and refs <= set(nums), (lang, sorted(refs - set(nums)))
        continued = [c for c in annex if ("续表" if lang == "zh" else "continued") in c]
        assert continued and all(re.search(r"续表 \d+|Table \d+ continued", c) for c in continued)


def test_method_text_names_the_combination_the_run_chose(contexts, example_run):
    from talentforecast.report.sections.method import combination_text

    emp = example_run.tables["employment_forecast"]
    chosen = emp.loc[~emp["observed"].astype(bool), "model"].astype(str)
    label = chosen[chosen.str.startswith("auto:")].value_counts().index[0]
    for lang, ctx in contexts.items():
        texts = [t for k, t in _texts(ctx, cells=False) if k == "text"]
        want = combination_text(Strings(lang), label)
        assert any(want in t for t in texts), (lang, want)
        assert not any("漂移模型与 Theta 模型的平均" in t or "mean of a drift and a Theta" in t for t in texts)


def test_method_says_which_interval_steps_were_extended_and_keeps_them_out_of_the_fallback_table(example_run):
    meta = example_run.report_meta()
    record = {"stage": "supply", "message": "intervals extended", "intervals_extended": [3], "calibrated_steps": 2,
              "n_calibration": 124, "growth": 0.5}
    meta["fallbacks"] = [*meta.get("fallbacks", []), record]
    want = {"zh": "第 3 步的区间由第 2 步按步长的 0.5 次方外推", "en": "those of step(s) 3 are extended from step 2"}
    for lang in ("zh", "en"):
        ctx = build_context(example_run.tables, lang=lang, meta=meta)
        texts = [t for k, t in _texts(ctx) if k in ("text", "cell")]
        said = [t for t in texts if want[lang] in t]
        assert len(said) == 1, lang
        assert said[0].lower().startswith(Strings(lang).get("what", "supply").lower() + ("：" if lang == "zh" else ":"))
        assert "124" in said[0]
        assert not any("intervals extended" in t for t in texts)  # not a row of the fallback table
    meta["fallbacks"] = [{"stage": "demand", "message": "uncalibrated", "intervals_uncalibrated": True,
                          "n_calibration": 12}]
    ctx = build_context(example_run.tables, lang="zh", meta=meta)
    texts = [t for k, t in _texts(ctx) if k in ("text", "cell")]
    assert [t for t in texts if "预测区间未经校准" in t and "12 个" in t and t.startswith("分行业就业预测")]
    assert not any("uncalibrated" in t for t in texts)
    assert any(Strings("zh")("text.no_fallbacks") in t for t in texts)  # the only note was not a fallback
    meta["fallbacks"] = [{"stage": "demand", "message": "common shock", "intervals_common_shock": 3,
                          "n_calibration": 144}]
    for lang, want, dof in (("zh", "只能从 3 个窗口估计", "自由度为 3 的 t 分布"),
                            ("en", "only 3 windows can estimate it", "with 3 degrees of freedom")):
        texts = [t for k, t in _texts(build_context(example_run.tables, lang=lang, meta=meta)) if k in ("text", "cell")]
        said = [t for t in texts if want in t]
        assert len(said) == 1 and "144" in said[0] and dof in said[0], lang
        assert not any("common shock" == t for t in texts)  # not a row of the fallback table


def test_the_series_that_fell_back_are_named_with_what_was_used(example_run):
    """The run records which series fell back (the first 50 of each warning); the method chapter
    lists them beside the counts, in both languages."""
    meta = example_run.report_meta()
    records = [f for f in meta.get("fallbacks", []) if f.get("records")]
    assert records, "the example run has fallbacks with their series"
    uid = records[0]["records"][0]["unique_id"]
    for lang in ("zh", "en"):
        ctx = build_context(example_run.tables, lang=lang, meta=meta)
        cells = [t for k, t in _texts(ctx) if k == "cell"]
        assert uid in cells, lang
        captions = [t for k, t in _texts(ctx) if k == "caption"]
        assert any(t.endswith(Strings(lang)("text.fallback_series")) for t in captions), lang
