"""Render the report context to Word (.docx) with python-docx, or through a user docxtpl template.

East Asian fonts are set explicitly (``w:eastAsia`` on the styles' and defaults' ``rFonts``),
because python-docx's ``font.name`` only sets the Latin font. Tables are real Word tables,
headings use the Heading styles, charts are inline pictures.

Example:
    >>> from talentforecast.report.context import build_context
    >>> from talentforecast.report.docx import render_docx
    >>> render_docx(build_context({}, lang="en"))[:2]
    b'PK'
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from talentforecast.errors import ConfigError, OutputError
from talentforecast.report.fonts import DOCX_EAST_ASIA, DOCX_LATIN

_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_SHADE = {"key": "E3ECF5", "level-red": "FDECEA", "level-orange": "FFF1E0", "level-blue": "E8F0FB",
          "band-shortage": "EAF5EA", "band-surplus": "FDECEA"}
_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid")


def _import_docx():
    try:
        import docx
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise OutputError("Word output needs python-docx: pip install 'talentforecast[report]'",
                          zh="输出 Word 需要 python-docx：pip install 'talentforecast[report]'") from exc
    return docx


def set_east_asian_font(rpr_parent, east_asia: str = DOCX_EAST_ASIA, latin: str = DOCX_LATIN) -> None:
    """Set ``w:rFonts`` (ascii, hAnsi, eastAsia, cs) on an element owning ``w:rPr``; drop theme fonts."""
    from docx.oxml.ns import qn

    rpr = rpr_parent.find(qn("w:rPr"))
    if rpr is None:
        rpr = rpr_parent.makeelement(qn("w:rPr"), {})
        rpr_parent.append(rpr)
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, rfonts)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    for attr, value in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        rfonts.set(qn(f"w:{attr}"), value)


def _set_fonts(document) -> None:
    from docx.oxml.ns import qn

    styles = document.styles
    for name in _STYLES:
        if name in [s.name for s in styles]:
            set_east_asian_font(styles[name].element)
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            set_east_asian_font(rpr_default)


def _set_language(document, lang: str) -> None:
    """Default ``w:lang``: East Asian text is Chinese (Word's font fallback and proofing read this)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    if rpr_default is None:
        return
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        return
    el = rpr.find(qn("w:lang"))
    if el is None:
        el = OxmlElement("w:lang")
        rpr.append(el)
    el.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")
    el.set(qn("w:eastAsia"), "zh-CN")


def _clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


_AFTER_UPDATE_FIELDS = ("hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids",
                        "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
                        "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
                        "smartTagType", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
                        "listSeparator")


def _bookmark_name(i: int) -> str:
    """The bookmark on chapter ``i``'s heading ("_Toc" + digits: Word's own hidden TOC bookmarks)."""
    return f"_Toc{900000001 + i}"


def _field(parent, instr: str, cached: str = "") -> None:
    """Append a complex field (begin, instruction, separate, cached result, end) as runs to ``parent``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(child):
        r = OxmlElement("w:r")
        r.append(child)
        parent.append(r)

    def char(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run(el)

    char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run(text)
    char("separate")
    if cached:
        t = OxmlElement("w:t")
        t.text = cached
        run(t)
    char("end")


def _bookmark(paragraph, name: str, ident: int) -> None:
    """Wrap the paragraph's runs in bookmark ``name`` (the target of a TOC line's PAGEREF)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(ident))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(ident))
    p = paragraph._p
    ppr = p.find(qn("w:pPr"))
    p.insert(0 if ppr is None else list(p).index(ppr) + 1, start)
    p.append(end)


def _toc(document, context) -> None:
    """The contents page: one line per chapter, each a hyperlink to the chapter heading's bookmark
    followed by a ``PAGEREF <bookmark> \\h`` field that prints the page the heading lands on.

    Why not a Word TOC field: its page numbers exist only after the field is updated, and
    LibreOffice (headless conversion included) imports a TOC field as a fixed index showing the
    cached text. PAGEREF is a reference field: LibreOffice computes it at layout, Word refreshes it
    with the other fields when the file opens (``updateFields``). Render check: docs/report.md.
    """
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Emu, Pt

    # "TOC Heading" looks like Heading 1 but has no outline level, so "Contents" is not listed in itself.
    if "TOC Heading" in [s.name for s in document.styles]:
        document.add_paragraph(context["toc_title"], style="TOC Heading")
    else:
        document.add_heading(context["toc_title"], level=1)
    sec = document.sections[-1]
    right = Emu(sec.page_width - sec.left_margin - sec.right_margin)
    sections = context["sections"]
    for i, s in enumerate(sections):
        p = document.add_paragraph()
        p.paragraph_format.space_after = Pt(3)
        p.paragraph_format.tab_stops.add_tab_stop(right, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), _bookmark_name(i))
        link.set(qn("w:history"), "1")
        r = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = s["title"]
        r.append(t)
        link.append(r)
        r = OxmlElement("w:r")
        r.append(OxmlElement("w:tab"))
        link.append(r)
        _field(link, f"PAGEREF {_bookmark_name(i)} \\h")
        p._p.append(link)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    # schema order: updateFields precedes these (Word rejects misordered settings in strict checks)
    later = [el for el in settings if el.tag in {qn(f"w:{t}") for t in _AFTER_UPDATE_FIELDS}]
    if later:
        later[0].addprevious(update)
    else:
        settings.append(update)


def _page_footer(document, context) -> None:
    """A centred page-number field in every section's footer ("第 N 页" / "Page N")."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    before, _, after = context.get("page_label", "{page}").partition("{page}")
    for section in document.sections:
        p = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
        p.text = ""
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if before:
            p.add_run(before)
        run = p.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
            if kind:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
                run._r.append(el)
            elif text == "PAGE":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = " PAGE "
                run._r.append(instr)
            else:
                t = OxmlElement("w:t")
                t.text = text
                run._r.append(t)
        if after:
            p.add_run(after)


def _shade(cell, color: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    cell._tc.get_or_add_tcPr().append(shd)


def _tblpr_child(table, tag: str):
    """Replace-or-add a child of ``w:tblPr`` before ``w:tblLook`` (schema order; python-docx has no API)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    old = tblpr.find(qn(tag))
    if old is not None:
        tblpr.remove(old)
    el = OxmlElement(tag)
    tblpr.insert_element_before(el, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    return el


def _on_row(row, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


NEW_PAGE = ("summary",)  # chapters that open on a new page (after the cover and contents)


def _table(document, block) -> None:
    """A fixed-width table; ``block["header"]`` of None means no header row (key figures)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    caption = document.add_paragraph(block["caption"], style="Caption")
    caption.paragraph_format.keep_with_next = True  # never strand a caption at the foot of a page
    caption.paragraph_format.space_before = Pt(8)
    header = block["header"]
    ncols = len(header) if header is not None else len(block["numeric"])
    widths = block.get("widths") or [100 / ncols] * ncols
    table = document.add_table(rows=(header is not None) + len(block["rows"]), cols=ncols)
    if "Table Grid" in [s.name for s in document.styles]:
        table.style = "Table Grid"
    table.autofit = False
    # Narrower cell padding than Word's 1.9 mm, so short headers ("Years", "概率") fit their columns.
    margins = _tblpr_child(table, "w:tblCellMar")
    for side in ("left", "right"):
        margin = margins.makeelement(qn(f"w:{side}"), {qn("w:w"): "45" if block.get("dense") else "68",
                                                        qn("w:type"): "dxa"})
        margins.append(margin)
    usable = document.sections[-1].page_width - document.sections[-1].left_margin \
        - document.sections[-1].right_margin
    col_widths = [int(usable * pct / 100) for pct in widths]
    for column, width in zip(table.columns, col_widths, strict=True):
        column.width = width
    rows = table.rows
    if header is not None:
        _on_row(rows[0], "w:tblHeader")  # repeat on every page
    lines = [header, *block["rows"]] if header is not None else block["rows"]
    classes = ["header", *block["row_class"]] if header is not None else block["row_class"]
    for row, values, klass in zip(rows, lines, classes, strict=True):
        _on_row(row, "w:cantSplit")  # a wrapped reason stays on one page
        for j, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = col_widths[j]  # Word reads cell widths, not only the grid
            para = cell.paragraphs[0]
            run = para.add_run(str(value))
            run.font.size = Pt(7 if block.get("dense") else 8)  # dense: the widest lists, no word breaks
            if klass == "header" or klass == "key":
                run.bold = True
            if klass == "header":
                _shade(cell, "D9E2EC")
            elif klass in _SHADE:
                _shade(cell, _SHADE[klass])
            if block["numeric"][j]:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if block.get("note"):
        document.add_paragraph(block["note"]).runs[0].font.size = Pt(8)


def _build(context: dict, base: str | Path | None):
    docx = _import_docx()
    from docx.shared import Cm, Mm, Pt

    document = docx.Document(str(base)) if base else docx.Document()
    if base:
        _clear_body(document)
    else:
        sec = document.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        sec.left_margin = sec.right_margin = Mm(18)
        sec.top_margin = sec.bottom_margin = Mm(18)
        document.styles["Normal"].font.size = Pt(10)
    _set_fonts(document)
    _set_language(document, context["lang"])
    props = document.core_properties
    props.title = context["title"]
    props.author = "talentforecast"
    props.language = "zh-CN" if context["lang"] == "zh" else "en"
    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["subtitle"])
    for c in context.get("cover", []):
        document.add_paragraph(f"{c['label']}：{c['value']}" if context["lang"] == "zh" else f"{c['label']}: {c['value']}")
    document.add_paragraph(context.get("disclaimer", ""))
    _page_footer(document, context)
    _toc(document, context)
    for i, section in enumerate(context["sections"]):
        if i == 0 or section["key"] in NEW_PAGE:  # other chapters follow on: no near-empty pages
            document.add_page_break()
        _bookmark(document.add_heading(section["title"], level=1), _bookmark_name(i), i + 1)
        for block in section["blocks"]:
            kind = block["kind"]
            if kind in ("para", "missing"):
                document.add_paragraph(block["text"])
            elif kind == "subheading":
                document.add_heading(block["text"], level=2)
            elif kind == "keyfigs":
                _table(document, {"caption": block["caption"], "header": None,
                                  "rows": [[it["label"], it["value"]] for it in block["items"]],
                                  "row_class": [""] * len(block["items"]), "numeric": [False, True]})
            elif kind == "figure":
                picture = document.add_paragraph()
                picture.paragraph_format.keep_with_next = True  # the caption follows its chart
                picture.add_run().add_picture(io.BytesIO(block["png"]), width=Cm(16))
                document.add_paragraph(block["caption"], style="Caption")
            elif kind == "table":
                _table(document, block)
    return document


def _is_docxtpl(path: Path) -> bool:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8", "replace")
    return "{{" in xml or "{%" in xml


def _render_docxtpl(context: dict, path: Path) -> bytes:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(str(path))
    ctx = dict(context)
    ctx["sections"] = [
        {**s, "blocks": [{**b, "image": InlineImage(tpl, io.BytesIO(b["png"]), width=Mm(160))}
                         if b["kind"] == "figure" else b for b in s["blocks"]]}
        for s in context["sections"]
    ]
    try:
        tpl.render(ctx)
    except Exception as exc:  # jinja errors surface with many types
        raise ConfigError(f"Word template {path}: {exc}",
                          zh=f"Word 模板 {path} 无法套用：{exc}") from exc
    _set_fonts(tpl.docx)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def _reproducible_zip(data: bytes) -> bytes:
    """Rewrite the zip with fixed member timestamps so equal inputs give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            zout.writestr(info, zin.read(item.filename))
    return out.getvalue()


def render_docx(context: dict, template: str | Path | None = None) -> bytes:
    """.docx bytes of the report.

    ``template`` may be a .docx whose styles (Normal, Heading 1–3, Caption, Table Grid) and page
    set-up are reused, or a docxtpl template (contains ``{{``/``{%`` tags) rendered with the context.
    """
    import datetime as dt

    path = Path(template) if template is not None else None
    if path is not None and not path.is_file():
        raise ConfigError(f"Word template not found: {path}", zh=f"找不到 Word 模板：{path}")
    if path is not None and _is_docxtpl(path):
        data = _render_docxtpl(context, path)
    else:
        document = _build(context, path)
        fixed = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        document.core_properties.created = fixed
        document.core_properties.modified = fixed
        document.core_properties.revision = 1
        buf = io.BytesIO()
        document.save(buf)
        data = buf.getvalue()
    return _reproducible_zip(data)
