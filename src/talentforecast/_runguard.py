"""Checks of a run's options before any computation, and a lock on the output folder.

A bad output folder (a file, a symlink, not writable) or an ``as_of`` year outside the data is
reported at once, not after minutes of forecasting; a second run into the same folder is refused.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from talentforecast.errors import InputError, OutputError, Problem

OUTPUT_ENTRIES = frozenset({"run", "report", "feed", "tables.xlsx", "changes.csv"})


def lock_path(out: Path) -> Path:
    """The lock of an output folder: a hidden sibling, so the folder itself can be swapped whole."""
    return out.parent / f".{out.name}.talentforecast.lock"


def _out_error(en: str, zh: str) -> OutputError:
    return OutputError(en, zh=zh)  # the language is chosen where the error is shown


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def check_output_folder(out: str | Path, entries: frozenset[str] | set[str] = OUTPUT_ENTRIES) -> Path:
    """Raise :class:`OutputError` unless ``out`` can be the output folder (created if missing).

    ``entries`` are the names a run writes there (an existing folder may hold only those).

    Example:
        >>> import tempfile, pathlib
        >>> check_output_folder(pathlib.Path(tempfile.mkdtemp()) / "out").name
        'out'
    """
    out = Path(out)
    if out.is_symlink():
        raise _out_error(f"output folder {out}: a symlink (to {os.readlink(out)}); give the real folder, outputs "
                         "are replaced as a whole and a link would be replaced, not followed",
                         f"输出文件夹 {out} 是符号链接（指向 {os.readlink(out)}）；请给出实际文件夹（输出会整体替换，链接会被替换而不是跟随）")
    if out.exists() and not out.is_dir():
        raise _out_error(f"output folder {out}: a file, not a folder; choose another --out",
                         f"输出文件夹 {out} 是一个文件，不是文件夹；请另选 --out")
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise _out_error(f"output folder {out}: {probe} is a file, so the folder cannot be created",
                         f"输出文件夹 {out}：{probe} 是文件，无法创建该文件夹")
    if not _writable(probe):
        raise _out_error(f"output folder {out}: {probe} is not writable", f"输出文件夹 {out}：{probe} 不可写")
    if out.is_dir():  # the folder is replaced as a whole: it may hold only earlier outputs
        other = sorted(p.name for p in out.iterdir() if p.name not in entries)
        if other:
            shown = ", ".join(other[:5]) + (" …" if len(other) > 5 else "")
            raise _out_error(f"output folder {out}: holds other files ({shown}); the run replaces the whole folder, "
                             "so give a new or empty folder, or one written by an earlier run",
                             f"输出文件夹 {out} 中有其他文件（{shown}）；运行会整体替换该文件夹，请给出新的或空的文件夹，"
                             "或以前运行写入的文件夹")
    return out


def check_as_of(as_of: int | None, tables: dict) -> None:
    """Raise :class:`InputError` if ``as_of`` is outside the years of the employment table.

    Example:
        >>> import talentforecast as tf
        >>> check_as_of(2020, tf.datasets.load_example().tables) is None
        True
    """
    emp = tables.get("employment")
    if as_of is None or emp is None or emp.empty:
        return
    first, last = int(emp["year"].min()), int(emp["year"].max())
    if not first <= as_of <= last:
        raise InputError([Problem("--as-of", None, None, as_of,
                                  f"a year within the data ({first}–{last}, employment table)",
                                  f"数据范围内的年份（{first}–{last}，就业表）")])


@contextlib.contextmanager
def output_lock(out: str | Path) -> Iterator[Path]:
    """Hold the lock of output folder ``out`` while a run writes there; a second run is refused.

    The lock is an OS file lock (released if the process dies), so a stale lock never blocks.

    Example:
        >>> import tempfile, pathlib
        >>> with output_lock(pathlib.Path(tempfile.mkdtemp()) / "o") as p:
        ...     p.name
        '.o.talentforecast.lock'
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    path = lock_path(out)
    fh = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the whole run
    try:
        try:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: msvcrt locks the first byte
            import msvcrt

            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            fh.seek(0)
            who = fh.read().strip() or "?"
            raise _out_error(f"output folder {out}: another run (pid {who}) is writing into it; wait for it to "
                             "finish or choose another --out",
                             f"输出文件夹 {out}：另一个运行（进程 {who}）正在写入；请等待其结束或另选 --out") from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield path
    finally:
        fh.close()
