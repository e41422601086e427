"""The run config ``talentforecast.toml``: one file holding every option of a run.

Every key has a command-line flag of the same name (``as_of`` ↔ ``--as-of``); a flag given on the
command line overrides the file. Paths in the file are relative to the file's folder. See
``docs/config.md`` for each key.

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "talentforecast.toml"
    >>> _ = p.write_text('inputs = "tables"\\nhorizon = 3\\n[issuing]\\nbody = "某市教育局"\\n', encoding="utf-8")
    >>> cfg = load_config(p)
    >>> cfg["horizon"], cfg["inputs"] == p.parent / "tables", cfg["issuing"]["body"]
    (3, True, '某市教育局')
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from talentforecast._atomic import write_bytes
from talentforecast.errors import ConfigError

__all__ = ["CONFIG_FILE", "DEFAULTS", "find_config", "init_folder", "load_config", "merge", "read_config", "templates_dir",
           "write_config"]

CONFIG_FILE = "talentforecast.toml"

# key: (default, kind). kinds: path, int, int?, str, bool|years, list, table
_TOP: dict[str, tuple[Any, str]] = {
    "inputs": (None, "path"),
    "region_name": ("", "str"),
    "as_of": (None, "int?"),
    "horizon": (5, "int"),
    "policy": ("default", "policy"),
    "scenario": (None, "path?"),
    "seed": (0, "int"),
    "engine": ("local", "str"),
    "retrospective": (False, "retro"),
    "lang": (["zh"], "langs"),
    "params": ({}, "params"),
    "previous": (None, "path?"),
}
_OUTPUTS: dict[str, tuple[Any, str]] = {
    "out": (Path("out/run"), "path"),
    "run": ("run", "str"),
    "report": ("report", "str"),
    "feed": ("feed", "str"),
    "report_formats": (["html", "pdf", "docx", "xlsx"], "list"),
    "feed_formats": (["parquet", "csv", "duckdb", "json"], "list"),
    "xlsx": (True, "bool"),
}
_ISSUING = ("body", "date", "number", "data_cutoff", "disclaimer")
STAGES = ("demand", "supply", "matching", "warning")
LANGS = ("zh", "en")
REPORT_FORMATS = ("html", "pdf", "docx", "xlsx")
FEED_FORMATS = ("parquet", "csv", "duckdb", "json")

DEFAULTS: dict[str, Any] = {**{k: v for k, (v, _) in _TOP.items()}, **{k: v for k, (v, _) in _OUTPUTS.items()},
                            "issuing": {}}

_MSG = {
    "zh": {"read": "无法读取配置文件（{err}）", "unknown": "未知的键 {key!r}；可用的键：{known}",
           "type": "键 {key!r} 应为{want}，实际为 {got!r}", "choice": "键 {key!r} 的取值应在 {choices} 之中，实际为 {got!r}",
           "int": "整数", "str": "文本", "bool": "true 或 false", "list": "文本列表",
           "retro": "true、false 或年份列表", "policy": "政策名称、TOML 路径或它们的列表",
           "params": "按阶段（demand、supply、matching、warning）分组的表"},
    "en": {"read": "cannot read the config file ({err})", "unknown": "unknown key {key!r}; known keys: {known}",
           "type": "key {key!r} must be {want}, got {got!r}", "choice": "key {key!r} must be among {choices}, got {got!r}",
           "int": "an integer", "str": "text", "bool": "true or false", "list": "a list of text",
           "retro": "true, false or a list of years", "policy": "a policy name, a TOML path or a list of them",
           "params": "a table per stage (demand, supply, matching, warning)"},
}


def _fail(path: Path, lang: str, msg: str, **kw) -> ConfigError:
    """The error in English and Chinese; ``lang="en"`` asks for English only."""
    def text(lg: str) -> str:
        m = _MSG[lg]
        args = {**kw, "want": m[kw["want"]]} if "want" in kw else kw
        return m[msg].format(**args)

    return ConfigError(f"{path}: " + text("en"), zh=None if lang == "en" else f"{path}：" + text("zh"))


def load_config(path: str | Path, lang: str = "zh") -> dict[str, Any]:
    """Read and check a run config; return every key, defaults filled (see :func:`read_config`).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "talentforecast.toml"
        >>> _ = p.write_text("seed = 7\\n", encoding="utf-8")
        >>> cfg = load_config(p)
        >>> cfg["seed"], cfg["horizon"], cfg["report_formats"]
        (7, 5, ['html', 'pdf', 'docx', 'xlsx'])
    """
    return merge(DEFAULTS, read_config(path, lang=lang))


def read_config(path: str | Path, lang: str = "zh") -> dict[str, Any]:
    """Read and check a run config; return the keys it sets (``[outputs]`` keys flattened, paths
    made absolute against the file's folder).

    Raises :class:`~talentforecast.errors.ConfigError` naming the file, the key and what was
    expected (in Chinese, or English with ``lang="en"``).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "talentforecast.toml"
        >>> _ = p.write_text("horizon = 'five'\\n", encoding="utf-8")
        >>> try:
        ...     read_config(p, lang="en")
        ... except ConfigError as err:
        ...     print(str(err).split(": ", 1)[1])
        key 'horizon' must be an integer, got 'five'
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise _fail(path, lang, "read", err=err) from err
    base = path.resolve().parent
    cfg: dict[str, Any] = {}
    known = [*_TOP, "outputs", "issuing"]
    for key, value in raw.items():
        if key == "outputs":
            if not isinstance(value, dict):
                raise _fail(path, lang, "type", key=key, want="params", got=value)
            for k, v in value.items():
                if k not in _OUTPUTS:
                    raise _fail(path, lang, "unknown", key=f"outputs.{k}", known=list(_OUTPUTS))
                cfg[k] = _check(path, lang, f"outputs.{k}", v, _OUTPUTS[k][1], base)
        elif key == "issuing":
            if not isinstance(value, dict):
                raise _fail(path, lang, "type", key=key, want="str", got=value)
            for k, v in value.items():
                if k not in _ISSUING:
                    raise _fail(path, lang, "unknown", key=f"issuing.{k}", known=list(_ISSUING))
                cfg.setdefault("issuing", {})[k] = _check(path, lang, f"issuing.{k}", v, "str", base)
        elif key in _TOP:
            cfg[key] = _check(path, lang, key, value, _TOP[key][1], base)
        else:
            raise _fail(path, lang, "unknown", key=key, known=known)
    return cfg


def merge(*layers: dict[str, Any]) -> dict[str, Any]:
    """Later layers override earlier ones; ``None`` in a later layer means "not given".

    Example:
        >>> merge({"horizon": 5, "seed": 0}, {"horizon": 3, "seed": None})
        {'horizon': 3, 'seed': 0}
    """
    out: dict[str, Any] = {}
    for layer in layers:
        out.update({k: v for k, v in layer.items() if v is not None})
    return out


def _check(path: Path, lang: str, key: str, v: Any, kind: str, base: Path) -> Any:
    def bad(want: str) -> ConfigError:
        return _fail(path, lang, "type", key=key, want=want, got=v)

    if kind in ("path", "path?"):
        if not isinstance(v, str):
            raise bad("str")
        return None if kind == "path?" and v == "" else base / v
    if kind in ("int", "int?"):
        if not isinstance(v, int) or isinstance(v, bool):
            raise bad("int")
        return v
    if kind == "str":
        if not isinstance(v, str):
            raise bad("str")
        return v
    if kind == "bool":
        if not isinstance(v, bool):
            raise bad("bool")
        return v
    if kind == "retro":
        if isinstance(v, bool) or (isinstance(v, list) and all(isinstance(y, int) and not isinstance(y, bool) for y in v)):
            return v
        raise bad("retro")
    if kind == "policy":
        items = v if isinstance(v, list) else [v]
        if not items or not all(isinstance(x, str) and x for x in items):
            raise bad("policy")
        return [str(base / x) if x.endswith(".toml") else x for x in items] if isinstance(v, list) else \
            (str(base / v) if v.endswith(".toml") else v)
    if kind in ("list", "langs"):
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise bad("list")
        choices = {"langs": LANGS, "outputs.report_formats": REPORT_FORMATS,
                   "outputs.feed_formats": FEED_FORMATS}.get(kind if kind == "langs" else key)
        wrong = [x for x in v if choices and x not in choices]
        if wrong:
            raise _fail(path, lang, "choice", key=key, choices=list(choices), got=wrong)
        return v
    if kind == "params":
        if not isinstance(v, dict) or not all(isinstance(t, dict) for t in v.values()):
            raise bad("params")
        wrong = [s for s in v if s not in STAGES]
        if wrong:
            raise _fail(path, lang, "unknown", key=f"params.{wrong[0]}", known=list(STAGES))
        return v
    raise AssertionError(kind)  # pragma: no cover


def find_config(explicit: str | Path | None, folder: str | Path = ".") -> Path | None:
    """The config to use: ``explicit`` when given, else ``talentforecast.toml`` in ``folder`` if present.

    Example:
        >>> import tempfile
        >>> find_config(None, tempfile.mkdtemp()) is None
        True
    """
    if explicit:
        return Path(explicit)
    cand = Path(folder) / CONFIG_FILE
    return cand if cand.is_file() else None


_TEMPLATE = Path(__file__).with_name("config_template.toml")


def write_config(path: str | Path, lang: str = "zh") -> Path:
    """Write the commented config (``config_template.toml``) to ``path`` atomically.

    Example:
        >>> import tempfile, pathlib
        >>> p = write_config(pathlib.Path(tempfile.mkdtemp()) / "talentforecast.toml")
        >>> load_config(p)["inputs"].name
        'tables'
    """
    return write_bytes(Path(path), _TEMPLATE.read_bytes())


def templates_dir() -> Path:
    """Folder holding the input-table templates (inside the package or ``data/templates``).

    Example:
        >>> (templates_dir() / "regions.xlsx").is_file()
        True
    """
    here = Path(__file__).resolve().parent
    for folder in (here / "datasets" / "templates", here.parents[1] / "data" / "templates"):
        if (folder / "regions.csv").is_file():
            return folder
    raise ConfigError(f"input templates not found in {here / 'datasets' / 'templates'}; reinstall talentforecast",
                      zh=f"在 {here / 'datasets' / 'templates'} 中找不到输入表模板；请重新安装 talentforecast")


def init_folder(folder: str | Path, force: bool = False, lang: str = "zh") -> list[Path]:
    """Start a project: ``talentforecast.toml`` plus ``tables/`` holding the input templates.

    Refuses to overwrite an existing config unless ``force``. Returns the files written.

    Example:
        >>> import tempfile
        >>> written = init_folder(tempfile.mkdtemp())
        >>> sorted({p.name for p in written})[:3]
        ['destinations.csv', 'destinations.xlsx', 'employment.csv']
    """
    folder = Path(folder)
    cfg = folder / CONFIG_FILE
    if cfg.exists() and not force:
        raise ConfigError(f"{cfg}: a config already exists; use --force to overwrite",
                          zh=None if lang == "en" else f"{cfg}：配置文件已存在；用 --force 覆盖")
    tables = folder / "tables"
    tables.mkdir(parents=True, exist_ok=True)
    written = [write_config(cfg, lang=lang)]
    for src in sorted(templates_dir().iterdir()):
        if src.suffix in (".csv", ".xlsx"):
            written.append(write_bytes(tables / src.name, src.read_bytes()))
    return written
