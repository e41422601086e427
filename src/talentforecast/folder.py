"""A folder of input tables: which file holds which table, reading them all, and checking a folder.

:func:`read_folder` (used by ``run``) and :func:`check_folder` (used by ``validate FOLDER``) run the
same per-table and cross-table checks (:func:`talentforecast.validation.check_inputs`); the second
collects everything instead of stopping at the first bad file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from talentforecast.errors import InputError, Problem
from talentforecast.schema import TABLES

__all__ = ["FolderCheck", "check_folder", "find_table_files", "format_check", "infer_kind", "read_folder",
           "top_region_name"]

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")


def _files_by_kind(folder: Path) -> tuple[dict[str, list[Path]], list[Path]]:
    named: dict[str, list[Path]] = {}
    other: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
            continue
        if path.stem in TABLES:
            named.setdefault(path.stem, []).append(path)
        else:
            other.append(path)
    return named, other


def _several(kind: str, paths: list[Path]) -> Problem:
    names = ", ".join(p.name for p in paths)
    return Problem(str(paths[0].parent), None, None, names,
                   f"one file for the '{kind}' table; {names} both hold it (which one is current?): keep one",
                   f"“{TABLES[kind].title_zh}”只能有一个文件；{names} 都是（哪个是最新的？）：请只保留一个")


def find_table_files(folder: str | Path) -> dict[str, Path]:
    """Files in ``folder`` named after a table kind (``employment.csv``, ``outcomes.xlsx`` …).

    Two files for one table (``employment.csv`` and ``employment.xlsx``) are an :class:`InputError`.

    Example:
        >>> from talentforecast.datasets import example_dir
        >>> sorted(find_table_files(example_dir()))[:2]
        ['destinations', 'employment']
    """
    named, _ = _files_by_kind(Path(folder))
    several = [_several(k, ps) for k, ps in named.items() if len(ps) > 1]
    if several:
        raise InputError(several)
    return {k: ps[0] for k, ps in named.items()}


def infer_kind(path: str | Path, max_xlsx_bytes: int = 50 * 1024 * 1024) -> str | None:
    """The table kind whose required columns the file's header has (None if none or several fit).

    Example:
        >>> import pathlib, tempfile
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "2023年数据.csv"
        >>> _ = p.write_text("地区,学校,专业代码,层次,年份,招生数,在校生数,毕业生数\\n", encoding="utf-8")
        >>> infer_kind(p)
        'enrolment'
    """
    from talentforecast._rawread import open_xlsx, sheet_rows, sheet_states
    from talentforecast.io import _locate_header, _match_header, _read_cells

    path = Path(path)
    try:  # the first rows of each candidate grid, read once for all kinds
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            book = open_xlsx(path, str(path), max_xlsx_bytes)
            try:
                heads = [pd.DataFrame(sheet_rows(book, n, str(path), 15), dtype=object)
                         for n, state in sheet_states(book) if state == "visible"]
            finally:
                book.close()
        else:
            heads = [_read_cells(path, str(path), max_xlsx_bytes, [], TABLES["regions"]).iloc[:15]]
    except InputError:
        return None
    fits = []
    for kind, spec in TABLES.items():
        for head in heads:
            if head.empty:
                continue
            names = _match_header(_locate_header(head, spec)[2], spec)[0]
            if all(c in names.values() for c in spec.required):
                fits.append((len(names), len(spec.required), kind))
                break
    if not fits:
        return None
    fits.sort(reverse=True)
    if len(fits) > 1 and fits[0][:2] == fits[1][:2]:
        return None
    return fits[0][2]


def read_folder(folder: str | Path, meta: dict | None = None, check_codes: bool = True,
                max_xlsx_bytes: int = 50 * 1024 * 1024, lang: str | None = None):
    """Read and validate every table file in a folder into a :class:`~talentforecast.bundle.Bundle`.

    Problems from all files and the cross-table checks are collected into one :class:`InputError`
    (in ``lang``, Chinese by default). Files not named after a table are read as the table their
    columns name; files that match none are listed in ``meta["files_not_read"]``.

    Example:
        >>> import talentforecast as tf
        >>> from talentforecast.datasets import example_dir
        >>> b = tf.read_folder(example_dir())
        >>> "employment" in b.tables
        True
    """
    from talentforecast.bundle import Bundle

    check = check_folder(folder, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes)
    if check.problems:
        err = InputError(check.problems, lang=lang)
        err.notes = check.notes
        raise err
    meta = dict(meta or {})
    if check.inferred:  # read as the table their columns name (validate says the same)
        meta["files_read_by_columns"] = dict(check.inferred)
    if check.skipped:  # shown in the run manifest, so a file left out is never a surprise
        meta["files_not_read"] = list(check.skipped)
    if not meta.get("region_name") and (name := top_region_name(check.tables.get("regions"))):
        meta["region_name"] = name  # titles the report and feed
    return Bundle(tables=check.tables, meta=meta, sources={k: str(p) for k, p in check.files.items()})


def top_region_name(regions: pd.DataFrame | None) -> str | None:
    """The name of the one region without a parent in the regions table (the planning region), if any.

    Example:
        >>> import talentforecast as tf
        >>> top_region_name(tf.datasets.load_example()["regions"])
        '示例市'
    """
    if regions is None or "region_name" not in regions:
        return None
    top = regions[regions["parent"].isna()] if "parent" in regions else regions
    return str(top["region_name"].iloc[0]) if len(top) == 1 else None


@dataclass
class FolderCheck:
    """What :func:`check_folder` found: the tables read, every problem and every note or warning."""

    folder: str
    files: dict[str, Path] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)  # file name -> kind found from its columns
    skipped: list[str] = field(default_factory=list)  # files whose kind could not be told


def check_folder(folder: str | Path, *, check_codes: bool = True, max_xlsx_bytes: int = 50 * 1024 * 1024,
                 infer: bool = True) -> FolderCheck:
    """Every input check of a run, on a folder, collecting all problems instead of raising.

    Files not named after a table are matched to one by their columns when ``infer`` is true.

    Example:
        >>> from talentforecast.datasets import example_dir
        >>> c = check_folder(example_dir())
        >>> c.problems, sorted(c.tables)[:2]
        ([], ['destinations', 'employment'])
    """
    from talentforecast.bundle import REQUIRED_TABLES
    from talentforecast.io import _read_table
    from talentforecast.validation import check_inputs

    folder = Path(folder)
    out = FolderCheck(str(folder))
    if not folder.is_dir():
        out.problems.append(Problem(str(folder), None, None, None, "an existing folder of input tables",
                                    "一个存放输入表的已有文件夹"))
        return out
    named, other = _files_by_kind(folder)
    if infer:
        for path in other:
            kind = infer_kind(path, max_xlsx_bytes)
            if kind is None:
                out.skipped.append(path.name)
            else:
                out.inferred[path.name] = kind
                named.setdefault(kind, []).append(path)
    for kind, paths in named.items():
        if len(paths) > 1:
            out.problems.append(_several(kind, paths))
            for path in paths:  # neither is used, but each one's own problems are still worth fixing
                try:
                    _read_table(path, kind, check_codes=check_codes, max_xlsx_bytes=max_xlsx_bytes)
                except InputError as err:
                    out.problems += err.problems
                    out.notes += getattr(err, "notes", [])
        else:
            out.files[kind] = paths[0]
    out.problems += [
        Problem(str(folder / f"{kind}.csv"), None, None, None,
                f"a '{kind}' table ({TABLES[kind].title_zh}) as {kind}.csv, .xlsx or .parquet",
                f"“{TABLES[kind].title_zh}”表，文件名 {kind}.csv、.xlsx 或 .parquet")
        for kind in REQUIRED_TABLES if kind not in named
    ]
    lines: dict[str, np.ndarray] = {}
    for kind, path in out.files.items():
        try:
            out.tables[kind], lines[kind] = _read_table(path, kind, check_codes=check_codes,
                                                        max_xlsx_bytes=max_xlsx_bytes)
            out.notes += out.tables[kind].attrs.get("normalisations", [])
            out.rows[kind] = len(out.tables[kind])
        except InputError as err:
            out.problems += err.problems
            out.notes += getattr(err, "notes", [])
    problems, notes = check_inputs(out.tables, lines)
    out.problems += problems
    out.notes += notes
    return out


def _note_text(note: dict, lang: str) -> str:
    text = note.get("zh") if lang == "zh" and note.get("zh") else note["normalisation"]
    where = note["file"] + (f", {note['column']}" if note.get("column") else "")
    rows = ""
    if note.get("rows") and f"{note['rows']} " not in text:  # the text may already say how many rows
        rows = f"（{note['rows']} 行）" if lang == "zh" else f" ({note['rows']} rows)"
    return f"{where}: {text}{rows}"


def format_check(check: FolderCheck, lang: str = "zh", limit: int = 50) -> str:
    """The text ``validate FOLDER`` prints: tables read, every warning and note, problems capped at ``limit``.

    Example:
        >>> from talentforecast.datasets import example_dir
        >>> print(format_check(check_folder(example_dir()), "en").splitlines()[-1])
        no problems: the folder is ready for `talentforecast run`
    """
    zh = lang == "zh"
    out = []
    for name, kind in check.inferred.items():
        out.append(f"{name}：按列名识别为 {kind}" if zh else f"{name}: read as '{kind}' (told from its columns)")
    for name in check.skipped:
        out.append(f"{name}：无法从文件名或列名判断是哪张表，未读取" if zh
                   else f"{name}: not read (neither its name nor its columns say which table it is)")
    for kind, n in check.rows.items():
        out.append(f"OK  {check.files[kind].name}（{kind}）：{n} 行" if zh else f"OK  {check.files[kind].name} ({kind}): {n} rows")
    bad: dict[str, int] = {}
    for p in check.problems:
        bad[p.file] = bad.get(p.file, 0) + 1
    for file, n in bad.items():
        out.append(f"BAD {file}：{n} 个问题" if zh else f"BAD {file}: {n} problem(s)")
    warnings = [n for n in check.notes if n.get("warning")]
    others = [n for n in check.notes if not n.get("warning")]
    for title, notes in (("警告" if zh else "warnings", warnings), ("说明" if zh else "notes", others)):
        if notes:
            out.append(f"{title}（{len(notes)}）：" if zh else f"{title} ({len(notes)}):")
            out += [f"  - {_note_text(n, lang)}" for n in notes[:limit]]
            if len(notes) > limit:
                out.append(f"  …… 另有 {len(notes) - limit} 条" if zh else f"  ... and {len(notes) - limit} more")
    if check.problems:
        n = len(check.problems)
        out.append(f"问题（共 {n} 个）：" if zh else f"problems ({n} in all):")
        out += [f"  - {p.render(lang)}" for p in check.problems[:limit]]
        if n > limit:
            out.append(f"  …… 另有 {n - limit} 个问题未列出（--max 可调整）" if zh
                       else f"  ... and {n - limit} more (raise --max to see them)")
    else:
        out.append("没有问题：可以运行 `talentforecast run`" if zh
                   else "no problems: the folder is ready for `talentforecast run`")
    return "\n".join(out)
