"""Progress display for long work (rich), silenced with ``progress=False`` or ``--quiet``."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """Yield ``advance(label)``; shows a rich progress bar on stderr when ``enabled``.

    Example:
        >>> with progress_bar(2, "work", enabled=False) as advance:
        ...     advance("a"); advance("b")
    """
    if not enabled:
        yield lambda label="": None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(label: str = "") -> None:
            bar.update(task, advance=1, description=f"{description}: {label}" if label else description)

        yield advance
