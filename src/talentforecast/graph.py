"""The stage graph: stages declared with their inputs and outputs; the order follows from the graph.

A :class:`Stage` is data: a name, a function ``func(tables, params) -> dict[str, DataFrame]``, the
tables it needs, the tables it uses when present, and the tables it makes. :func:`plan` derives
which stages to run, and in which order, for the tables asked for (as Kedro does); :func:`execute`
runs them over a mapping of tables. Each stage function sees only the tables it declares, so a
stage gives the same numbers alone as inside :func:`talentforecast.run`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from talentforecast.errors import ConfigError

Tables = Mapping[str, pd.DataFrame]
StageFunc = Callable[[Tables, Mapping[str, Any]], dict[str, pd.DataFrame]]

# Run options every stage may read; a stage called alone gets these for the keys it is not given.
DEFAULTS: dict[str, Any] = {
    "policy": "default",
    "horizon": 5,
    "scenario": None,
    "seed": 0,
    "as_of": None,
    "level": (80, 95),
    "n_jobs": 1,
    "engine": "local",  # "local", "dask", a dask Client, "spark", "ray": where forecasts run (docs/scale.md)
    "lang": "zh",
    "retrospective": None,  # None, True (default years) or a list of as-of years
    "params": None,  # per-stage overrides: {"demand": {...}, "supply": {...}, "matching": {...}, "warning": {...}}
}


@dataclass(frozen=True)
class Stage:
    """One step of the annual run, declared as data.

    Example:
        >>> s = Stage("double", lambda t, p: {"y": t["x"] * 2}, inputs=("x",), outputs=("y",))
        >>> s.outputs
        ('y',)
    """

    name: str
    func: StageFunc
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    # At least one table of each group must be present (e.g. industry demand from either table).
    any_of: tuple[tuple[str, ...], ...] = ()
    doc: str = field(default="", compare=False)


def options(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Run options with the defaults filled in; unknown keys are an error.

    Example:
        >>> options({"horizon": 3})["horizon"], options(None)["policy"]
        (3, 'default')
    """
    params = dict(params or {})
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"unknown run option(s) {unknown}; expected {sorted(DEFAULTS)}",
                          zh=f"未知的运行选项 {unknown}；可用的有 {sorted(DEFAULTS)}")
    return {**DEFAULTS, **params}


def producers(stages: Sequence[Stage]) -> dict[str, Stage]:
    """Which stage makes each table (a table made by two stages is a declaration error)."""
    out: dict[str, Stage] = {}
    for s in stages:
        for t in s.outputs:
            if t in out:
                raise ConfigError(f"table {t!r} is declared as an output of both {out[t].name!r} and {s.name!r}",
                                  zh=f"表 {t!r} 同时被声明为阶段“{out[t].name}”和“{s.name}”的输出")
            out[t] = s
    return out


def plan(stages: Sequence[Stage], wanted: Iterable[str], available: Iterable[str]) -> list[Stage]:
    """The stages to run, in dependency order, so that every stage in ``wanted`` gets its inputs.

    Tables in ``available`` (the input bundle, or tables already made) need no stage. A required
    input that nothing makes raises a :class:`ConfigError` naming the table and the stage asking.

    Example:
        >>> a = Stage("a", lambda t, p: {}, inputs=("x",), outputs=("y",))
        >>> b = Stage("b", lambda t, p: {}, inputs=("y",), outputs=("z",))
        >>> [s.name for s in plan([a, b], ["b"], ["x"])]
        ['a', 'b']
    """
    by_name = {s.name: s for s in stages}
    unknown = [w for w in wanted if w not in by_name]
    if unknown:
        raise ConfigError(f"unknown stage(s) {unknown}; available: {list(by_name)}",
                          zh=f"未知的阶段 {unknown}；可用的阶段：{list(by_name)}")
    made = producers(stages)
    have = set(available)
    order: list[Stage] = []
    visiting: set[str] = set()

    def visit(s: Stage) -> None:
        if s in order:
            return
        if s.name in visiting:
            raise ConfigError(f"stage graph has a cycle through {s.name!r}",
                              zh=f"阶段之间出现循环依赖（经过阶段“{s.name}”）")
        visiting.add(s.name)
        for t in s.inputs:
            if t in have:
                continue
            if t not in made:
                raise ConfigError(f"stage {s.name!r} needs table {t!r}: it is not in the inputs and no stage makes it",
                                  zh=f"阶段“{s.name}”需要表 {t!r}，但输入中没有，也没有阶段生成它")
            visit(made[t])
        for group in s.any_of:
            if not any(t in have for t in group):
                maker = next((made[t] for t in group if t in made), None)
                if maker is None:
                    raise ConfigError(f"stage {s.name!r} needs one of the tables {list(group)}",
                                      zh=f"阶段“{s.name}”需要表 {list(group)} 之一")
                visit(maker)
        for t in s.optional:  # an optional table is used when a stage can make it
            if t not in have and t in made and made[t].name in wanted_set:
                visit(made[t])
        visiting.discard(s.name)
        order.append(s)

    wanted_set = set(wanted)
    for name in wanted:
        visit(by_name[name])
    # Keep the declared order where the graph allows it (stable, reproducible manifests).
    position = {s.name: i for i, s in enumerate(stages)}
    return _stable_topological(order, made, position)


def _stable_topological(chosen: list[Stage], made: dict[str, Stage], position: dict[str, int]) -> list[Stage]:
    names = {s.name for s in chosen}
    deps = {s.name: {made[t].name for t in (*s.inputs, *s.optional, *(x for g in s.any_of for x in g))
                     if t in made and made[t].name in names and made[t].name != s.name} for s in chosen}
    done: list[Stage] = []
    pending = sorted(chosen, key=lambda s: position[s.name])
    while pending:
        ready = next((s for s in pending if deps[s.name] <= {d.name for d in done}), None)
        if ready is None:
            raise ConfigError(f"stage graph has a cycle among {[s.name for s in pending]}",
                              zh=f"阶段之间出现循环依赖（涉及阶段 {[s.name for s in pending]}）")
        done.append(ready)
        pending.remove(ready)
    return done


def inputs_for(stage: Stage, tables: Tables) -> dict[str, pd.DataFrame]:
    """The tables a stage declares, taken from ``tables``; a missing required one is an error."""
    missing = [t for t in stage.inputs if tables.get(t) is None]
    for group in stage.any_of:
        if not any(tables.get(t) is not None for t in group):
            missing.append(" | ".join(group))
    if missing:
        raise ConfigError(f"stage {stage.name!r} is missing input table(s) {missing}",
                          zh=f"阶段“{stage.name}”缺少输入表 {missing}")
    names = (*stage.inputs, *stage.optional, *(t for g in stage.any_of for t in g))
    return {t: tables[t] for t in names if tables.get(t) is not None}


def call(stage: Stage, tables: Tables, params: Mapping[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """Run one stage on the tables it declares and check it returned only declared outputs."""
    out = stage.func(inputs_for(stage, tables), options(params))
    extra = sorted(set(out) - set(stage.outputs))
    if extra:
        raise ConfigError(f"stage {stage.name!r} returned undeclared table(s) {extra}",
                          zh=f"阶段“{stage.name}”返回了未声明的表 {extra}")
    return out


def execute(stages: Sequence[Stage], tables: Tables, params: Mapping[str, Any] | None = None,
            wanted: Iterable[str] | None = None,
            on_stage: Callable[[Stage, float], None] | None = None) -> dict[str, pd.DataFrame]:
    """Run the stages needed for ``wanted`` (default: all) over ``tables``; return the tables made.

    Example:
        >>> a = Stage("a", lambda t, p: {"y": t["x"] + 1}, inputs=("x",), outputs=("y",))
        >>> execute([a], {"x": pd.DataFrame({"v": [1]})})["y"]["v"].tolist()
        [2]
    """
    import time

    chosen = plan(stages, [s.name for s in stages] if wanted is None else list(wanted), tables)
    available = dict(tables)
    made: dict[str, pd.DataFrame] = {}
    for s in chosen:
        t0 = time.perf_counter()
        out = call(s, available, params)
        available.update(out)
        made.update(out)
        if on_stage is not None:
            on_stage(s, time.perf_counter() - t0)
    return made
