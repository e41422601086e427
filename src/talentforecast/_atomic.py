"""Atomic outputs: an interrupted run leaves the previous outputs intact and no partial file.

A folder is built in a hidden sibling ``.<name>.<pid>.<random>.part`` and renamed into place
only when complete. If the process is killed (SIGKILL, power loss) the hidden temp is left
behind; the next write to the same place removes temps whose process is gone. The swap of
an existing folder is two renames (old → ``.<name>.old``, temp → name); if a kill lands
between them, the next write (or :func:`recover`) moves ``.<name>.old`` back first.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def recover(path: str | Path) -> list[Path]:
    """Tidy up after a killed write to ``path``; return the stale temps removed.

    Restores ``.<name>.old`` if ``path`` itself is missing (killed between the two renames) and
    removes ``.<name>.<pid>.*.part`` temps left by processes that no longer run.

    Example:
        >>> import tempfile, pathlib
        >>> recover(pathlib.Path(tempfile.mkdtemp()) / "run")
        []
    """
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        return []
    old = parent / f".{path.name}.old"
    if old.exists() and not path.exists():
        os.replace(old, path)
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\..*\.part$")
    removed = []
    for entry in parent.iterdir():
        m = pattern.match(entry.name)
        if m and not _pid_alive(int(m.group(1))):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
            removed.append(entry)
    return removed


@contextlib.contextmanager
def atomic_file(path: str | Path, mode: str = "wb") -> Iterator:
    """Open a temporary file beside ``path``; it replaces ``path`` only if the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover(path)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".part", dir=path.parent)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600
    try:
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8", "newline": ""})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_file(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """Build a folder in a temporary sibling; swap it into place only when the block succeeds.

    Example:
        >>> import tempfile, pathlib
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
        >>> with atomic_dir(out) as tmp:
        ...     _ = (tmp / "a.txt").write_text("x")
        >>> (out / "a.txt").read_text()
        'x'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    recover(path)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(path), suffix=".part", dir=path.parent))
    tmp.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; outputs are shared like any folder
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(path, old)
    os.replace(tmp, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
