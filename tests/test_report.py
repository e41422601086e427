"""Tests for talentforecast.report: the zh/en report as HTML, PDF and DOCX."""

from __future__ import annotations

import functools
import re
import zipfile

import pandas as pd
import pytest

from talentforecast.errors import ConfigError, InputError
from talentforecast.report import write_report
from talentforecast.report.context import build_context, fmt_number
from talentforecast.report.docx import render_docx
from talentforecast.report.fonts import FAMILY
from talentforecast.report.html import render_html
from talentforecast.report.i18n import Strings, load_settings, section_keys
from talentforecast.report.pdf import render_pdf
from test_report_fixture import BASE, LAST, META, REGION, make_tables

# A chart fed NaN/inf makes matplotlib warn "invalid value encountered" (RuntimeWarning): fail.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning:matplotlib.*")

docx = pytest.importorskip("docx")
pypdf = pytest.importorskip("pypdf")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _settings() -> dict:
    st = load_settings()
    # small images and fewer panels keep the tests fast; layout is unchanged
    st.update(dpi=60, chart_top_n=8, trend_series=2)
    return st


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return make_tables()


@pytest.fixture(scope="module")
def contexts(tables) -> dict[str, dict]:
    return {lang: build_context(tables, lang=lang, meta=META, settings=_settings()) for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def reports(tables, contexts, tmp_path_factory) -> dict[str, dict]:
    """zh through the public entry point; en rendered from the cached context (same code path after)."""
    out = tmp_path_factory.mktemp("report")
    zh = write_report(tables, out, lang="zh", meta=META, settings=_settings())
    en = {"html": out / "report_en.html", "pdf": out / "report_en.pdf", "docx": out / "report_en.docx"}
    en["html"].write_text(render_html(contexts["en"]), encoding="utf-8")
    en["pdf"].write_bytes(render_pdf(contexts["en"]))
    en["docx"].write_bytes(render_docx(contexts["en"]))
    return {"zh": zh, "en": en}


@functools.cache
def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


@functools.cache
def _docx_text(path) -> str:
    d = docx.Document(path)
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_writes_all_formats_atomically(reports):
    paths = reports["zh"]
    assert set(paths) == {"html", "pdf", "docx", "xlsx"}
    for fmt, path in paths.items():
        assert path.name == f"report_zh.{fmt}" and path.stat().st_size > 1000
        assert path.stat().st_mode & 0o044  # not left at mkstemp's 0600
    folder = paths["html"].parent
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_chinese_section_headings_in_pdf_and_docx(reports):
    zh = Strings("zh")
    titles = [zh(f"sections.{k}") for k in section_keys()]
    assert len(titles) == 14
    pdf = _squash(_pdf_text(reports["zh"]["pdf"]))
    for title in titles:
        assert _squash(title) in pdf, title
    d = docx.Document(reports["zh"]["docx"])
    headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert [h for h in headings if h in titles] == titles  # in order, as Heading 1


def test_sample_figures_equal_table_values(reports, tables):
    emp = tables["employment_forecast"]
    base = emp[(emp.scenario == "baseline") & (emp.year == BASE) & emp.industry.str.fullmatch("[A-Z]")]
    total = fmt_number(base["value"].sum())
    m = tables["matches"]
    row = m[(m.year == LAST) & (m.specialty == "410401")].iloc[0]
    sample = [total, fmt_number(row["supply"], "supply"), fmt_number(row["demand"], "demand"),
              fmt_number(row["ratio_sd"], "ratio_sd")]
    q = tables["quality_ranking"].iloc[0]
    sample.append(fmt_number(q["employment_rate"], "employment_rate"))
    assert sample[0] == "544,624" and sample[3] == "1.18"  # the fixture is fixed; formats are stable
    pdf, text_docx = _squash(_pdf_text(reports["zh"]["pdf"])), _docx_text(reports["zh"]["docx"])
    for value in sample:
        assert value in pdf, value
        assert value in text_docx, value
    # the same specialty row carries the same numbers in one Word table row
    d = docx.Document(reports["zh"]["docx"])
    cells = [[c.text for c in r.cells] for t in d.tables for r in t.rows]
    match_rows = [r for r in cells if r[0] == "410401" and sample[3] in r]
    assert match_rows and sample[1] in match_rows[0] and sample[2] in match_rows[0]


def test_english_headings_have_no_chinese(reports, contexts):
    ctx = contexts["en"]
    heads = [ctx["title"].replace(META["region_name"], ""), ctx["toc_title"]]
    for s in ctx["sections"]:
        heads.append(s["title"])
        for b in s["blocks"]:
            if b["kind"] == "table":
                heads += [b["caption"], *b["header"]]
            elif b["kind"] in ("figure", "subheading"):
                heads.append(b.get("caption") or b["text"])
    untranslated = [h for h in heads if CJK.search(h)]
    assert not untranslated
    d = docx.Document(reports["en"]["docx"])
    for p in d.paragraphs:
        if p.style.name.startswith("Heading"):
            assert not CJK.search(p.text), p.text
    pdf = _pdf_text(reports["en"]["pdf"])
    for k in section_keys():
        assert _squash(Strings("en")(f"sections.{k}")) in _squash(pdf)


def test_english_edition_names_divisions_in_english():
    """A run at GB/T 4754 division level (no sections) prints English division names in the
    English edition: headings, sentences and table cells, with no Chinese division name left."""
    import json
    from importlib.resources import files

    from talentforecast import catalogs

    div = catalogs.industries("division")
    divisions = div.set_index("industry")["industry_name"].str.strip()
    # each section of the fixture becomes its first division, the fixture's division 13 becomes 39
    pick = div.groupby("section")["industry"].first().to_dict() | {"13": "39"}
    tables = {k: (v.assign(industry=v["industry"].astype(str).map(pick)) if "industry" in v.columns else v)
              for k, v in make_tables().items()}
    assert all(tables[k]["industry"].notna().all() for k in ("employment_forecast", "openings"))
    ctx = build_context(tables, lang="en", meta=META, settings=_settings())
    text = json.dumps(ctx["sections"], ensure_ascii=False, default=str)
    used = sorted(set(pick.values()))
    chinese = [divisions[d] for d in used if divisions[d] in text]
    assert not chinese, chinese
    assert "Manufacture of Computers, Communication and Other Electronic Equipment" in text
    assert not re.search(r"Division \d", text)  # every catalogue division has an English name
    en = pd.read_csv(files("talentforecast.catalogs") / "data" / "gbt4754" / "gbt4754_2017_divisions_en.csv",
                     dtype=str)
    assert list(en["division"]) == list(divisions.index) and not en["name_en"].str.contains(CJK).any()
    assert en["basis"].str.startswith("unofficial translation").all() and en["isic4"].str.fullmatch(
        r"\d{2}(;\d{2})*").all()


def test_html_is_self_contained(reports):
    for lang in ("zh", "en"):
        html = reports[lang]["html"].read_text(encoding="utf-8")
        assert not re.search(r"https?://", html)
        assert "<link" not in html and "<script" not in html and "file://" not in html
        imgs = re.findall(r'<img src="([^"]+)"', html)
        assert imgs and all(src.startswith("data:image/png;base64,") for src in imgs)


def test_pdf_is_a4_with_page_numbers_and_toc(reports):
    reader = pypdf.PdfReader(reports["zh"]["pdf"])
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    n = len(reader.pages)
    assert f"2 / {n}" in reader.pages[1].extract_text()
    toc = reader.pages[0].extract_text()
    # each TOC line ends with the page number its section starts on
    assert re.search(r"一、摘要\s*\.*\s*2", toc)


def test_docx_fonts_tables_and_pictures(reports, contexts):
    from docx.oxml.ns import qn

    d = docx.Document(reports["zh"]["docx"])
    for name in ("Normal", "Heading 1", "Heading 2"):
        rfonts = d.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == FAMILY
        assert rfonts.get(qn("w:eastAsiaTheme")) is None
    ctx = contexts["zh"]
    figures = sum(b["kind"] == "figure" for s in ctx["sections"] for b in s["blocks"])
    assert len(d.inline_shapes) == figures >= 6
    assert len(d.tables) >= 15
    assert d.tables[1].rows[0].cells[0].text == "专业代码"


def test_docx_toc_lines_carry_pageref_fields_to_heading_bookmarks(reports):
    """The DOCX contents page prints page numbers without a field update: one line per chapter, a
    hyperlink to a bookmark on that chapter's heading and a PAGEREF to it (LibreOffice computes
    reference fields at layout; a bare TOC field shows no numbers there). The LibreOffice render is
    checked by hand (docs/report.md): LibreOffice is not installed in CI."""
    from docx.oxml.ns import qn

    for lang in ("zh", "en"):
        d = docx.Document(reports[lang]["docx"])
        marks, heads = {}, []
        for p in d.paragraphs:
            if p.style.name == "Heading 1":
                names = [b.get(qn("w:name")) for b in p._p.iter(qn("w:bookmarkStart"))]
                assert len(names) == 1, (lang, p.text, names)  # every chapter heading is a target
                assert sum(e.get(qn("w:id")) == p._p.find(qn("w:bookmarkStart")).get(qn("w:id"))
                           for e in p._p.iter(qn("w:bookmarkEnd"))) == 1
                marks[names[0]] = p.text
                heads.append(p.text)
        assert len(marks) == len(heads) >= 10  # bookmark names are unique
        lines = []
        for p in d.paragraphs:
            for link in p._p.iter(qn("w:hyperlink")):
                instr = "".join(t.text for t in link.iter(qn("w:instrText"))).split()
                text = "".join(t.text or "" for t in link.iter(qn("w:t")))
                lines.append((link.get(qn("w:anchor")), instr, text))
        assert [title for _, _, title in lines] == heads, lang  # one line per chapter, in order
        for anchor, instr, _ in lines:
            assert anchor in marks and instr == ["PAGEREF", anchor, "\\h"], (lang, anchor, instr)
        body = d.element.xml
        assert "TOC \\o" not in body  # no TOC field: LibreOffice would print its cached text, no numbers
        footers = [s.footer._element.xml for s in d.sections]
        assert all(re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", f) for f in footers)


def test_outputs_are_reproducible(reports, contexts):
    # write_report built its own context; the cached one was built separately from the same tables
    assert reports["zh"]["html"].read_text("utf-8") == render_html(contexts["zh"])
    assert reports["zh"]["docx"].read_bytes() == render_docx(contexts["zh"])


def test_missing_optional_tables_are_reported_not_fatal(tables, tmp_path):
    only = {"employment_forecast": tables["employment_forecast"]}
    html = write_report(only, tmp_path, formats=("html",), lang="zh", meta=META)["html"].read_text("utf-8")
    zh = Strings("zh")
    for name in ("supply", "matches", "warnings", "labour_market_conditions", "quality_ranking", "proposals"):
        assert zh("missing", what=zh.get("what", name)) in html
    assert html.count('<section id="sec-') == 14


def test_bad_arguments_raise(tables, tmp_path):
    with pytest.raises(ConfigError, match="参数 formats 的值为 \\('rtf',\\)；应为") as err:
        write_report(tables, tmp_path, formats=("rtf",))
    assert "non-empty subset" in err.value.render("en")
    with pytest.raises(ConfigError, match="参数 lang 的值为 'fr'"):
        write_report(tables, tmp_path, formats=("html",), lang="fr")
    two = dict(tables)
    two["regions"] = pd.DataFrame({"region": [REGION, "9999"], "region_name": ["甲", "乙"], "parent": [None, None]})
    with pytest.raises(InputError, match="meta") as err:
        write_report(two, tmp_path, formats=("html",))
    assert "文件 regions，列 'parent'" in str(err.value) and "只有一个规划地区" in str(err.value)


def test_bad_settings_and_templates_give_chinese_messages(contexts, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text("colour = 'red'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="settings.toml：未知的配置项 colour；应为以下之一"):
        load_settings(settings)
    with pytest.raises(ConfigError, match="找不到报告模板"):
        render_html(contexts["zh"], tmp_path / "none.html.j2")
    with pytest.raises(ConfigError, match="找不到 Word 模板"):
        render_docx(contexts["zh"], tmp_path / "none.docx")


def test_user_jinja_template(contexts, tmp_path):
    tpl = tmp_path / "mine.html.j2"
    tpl.write_text('{% extends "report.html.j2" %}{% block cover %}<h1>本局内部资料 {{ title }}</h1>'
                   "{% endblock %}", encoding="utf-8")
    html = render_html(contexts["zh"], tpl)
    assert "本局内部资料" in html and "一、摘要" in html


def test_user_docx_templates(contexts, tmp_path):
    from docx.shared import Pt

    styled = docx.Document()
    styled.styles["Normal"].font.size = Pt(13)
    styled.add_paragraph("placeholder to be replaced")
    styled.save(tmp_path / "styles.docx")
    out = tmp_path / "s.docx"
    out.write_bytes(render_docx(contexts["zh"], tmp_path / "styles.docx"))
    d = docx.Document(out)
    assert d.styles["Normal"].font.size == Pt(13)
    assert "placeholder" not in _docx_text(out)

    tpl = docx.Document()
    tpl.add_paragraph("{{ title }}")
    tpl.add_paragraph("{% for s in sections %}{{ s.title }}；{% endfor %}")
    tpl.save(tmp_path / "tpl.docx")
    out = tmp_path / "t.docx"
    out.write_bytes(render_docx(contexts["zh"], tmp_path / "tpl.docx"))
    text = _docx_text(out)
    assert "示例市" in text and "十一、专业质量评价排名" in text
    with zipfile.ZipFile(out) as z:
        assert all(i.date_time == (2020, 1, 1, 0, 0, 0) for i in z.infolist())


def test_strings_have_the_same_keys_in_both_languages():
    import tomllib
    from importlib import resources

    data = tomllib.loads((resources.files("talentforecast.report") / "data" / "strings.toml").read_text("utf-8"))

    def keys(node, prefix=""):
        return {prefix + k if not isinstance(v, dict) else None for k, v in node.items()} - {None} | {
            x for k, v in node.items() if isinstance(v, dict) for x in keys(v, prefix + k + ".")}

    assert keys(data["zh"]) == keys(data["en"])


def test_missing_glyph_warning_fails_tests():
    """pyproject turns matplotlib's 'Glyph … missing' into an error; prove it with a font lacking CJK."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig = Figure()
        FigureCanvasAgg(fig)
        fig.subplots().set_title("供需")
        with pytest.raises(UserWarning, match="Glyph .* missing"):
            fig.canvas.draw()


def test_charts_render_chinese_without_missing_glyphs():
    from talentforecast.report.charts import ranked_bars, trend_panels

    df = pd.DataFrame({"year": [2023, 2024, 2025], "value": [1.0, 1.1, 1.2], "lo_80": [None, None, 1.0],
                       "hi_80": [None, None, 1.4], "scenario": "baseline"})
    png = trend_panels([("制造业 −1", df)], base_year=2024, labels={"baseline": "基准情景"})
    assert png.startswith(b"\x89PNG") and b"tIME" not in png
    assert ranked_bars(["信息传输、软件和信息技术服务业"], [3.0], ["#000000"]) == \
        ranked_bars(["信息传输、软件和信息技术服务业"], [3.0], ["#000000"])


def test_numbers_rounding_to_zero_lose_their_sign():
    assert fmt_number(-0.001, "deviation") == "0.00"
    assert fmt_number(-0.0004, "employment_rate") == "0.0%"
    assert fmt_number(-0.4) == "0"
    assert fmt_number(-0.06, "deviation") == "-0.06"


def test_method_section_lists_forecast_fallbacks():
    from talentforecast.report.context import build_context

    meta = {"region_name": "示例市", "fallbacks": [{"stage": "supply", "fallbacks": 3, "forecasts": 10,
                                                   "kinds": {"auto → drift (too_short)": 3}}]}
    method = next(s for s in build_context({}, lang="zh", meta=meta)["sections"] if s["key"] == "method")
    text = repr(method["blocks"])
    assert "预测模型回退" in text and "auto → drift (too_short)" in text
    quiet = next(s for s in build_context({}, lang="en", meta={})["sections"] if s["key"] == "method")
    assert "there was no fallback" in repr(quiet["blocks"])


def test_cover_carries_issuing_details_and_docx_has_page_number_fields():
    import io
    import zipfile

    from talentforecast.report.context import build_context
    from talentforecast.report.docx import render_docx

    meta = {"region_name": "示例市", "issuing": {"body": "示例市教育局", "number": "示教发〔2025〕3号",
                                               "date": "2025-03-01", "data_cutoff": "2024-12-31"}}
    ctx = build_context({}, lang="zh", meta=meta)
    cover = {c["label"]: c["value"] for c in ctx["cover"]}
    assert cover == {"发布单位": "示例市教育局", "文号": "示教发〔2025〕3号", "发布日期": "2025-03-01",
                     "数据截止": "2024-12-31"}
    assert "人工复核" in ctx["disclaimer"]
    with zipfile.ZipFile(io.BytesIO(render_docx(ctx))) as z:
        footers = [z.read(n).decode() for n in z.namelist() if n.startswith("word/footer")]
        body = z.read("word/document.xml").decode()
        settings = z.read("word/settings.xml").decode()
    assert any("PAGE" in f and "第 " in f for f in footers)
    assert "示教发〔2025〕3号" in body and "PAGEREF" in body and "updateFields" in settings
    assert "talentforecast" not in body.split("TOC")[0]  # no library credit on the cover
