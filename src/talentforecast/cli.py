"""Command line: ``talentforecast init | validate | demo | run | report | export | compare | forecast | dashboard``.

One vocabulary across commands (``--out``, ``--lang``, ``--report-formats``, ``--feed-formats``,
``--quiet``, ``--config`` …); every run option is also a key of ``talentforecast.toml``
(:mod:`talentforecast.config`). Help and messages are Chinese by default and English with
``--lang en``, ``TALENTFORECAST_LANG=en`` or an English locale (:func:`ui_lang`).
"""

from __future__ import annotations

import functools
import os
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

import typer

from talentforecast import __version__
from talentforecast._cli_typer import help_classes, with_argument, without
from talentforecast.errors import ConfigError, TalentForecastError, TalentForecastWarning

TEXT_FILE = Path(__file__).with_name("cli_text.toml")


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    return tomllib.loads(TEXT_FILE.read_text(encoding="utf-8"))


def ui_lang(argv: list[str] | None = None, env: dict[str, str] | None = None) -> str:
    """Language of help and messages: ``--lang`` (its first language), then ``TALENTFORECAST_LANG``,
    then the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG`` starting with ``en``); else Chinese.

    Example:
        >>> ui_lang(["run", "--lang", "en,zh"], {}), ui_lang([], {"LANG": "en_US.UTF-8"}), ui_lang([], {"LANG": "C.UTF-8"})
        ('en', 'en', 'zh')
    """
    argv = sys.argv[1:] if argv is None else argv
    env = os.environ if env is None else env
    for i, a in enumerate(argv):
        value = a.split("=", 1)[1] if a.startswith(("--lang=", "--langs=")) else (
            argv[i + 1] if a in ("--lang", "--langs") and i + 1 < len(argv) else None)
        if value:
            return "en" if value.split(",")[0].strip() == "en" else "zh"
    if env.get("TALENTFORECAST_LANG"):
        return "en" if env["TALENTFORECAST_LANG"].startswith("en") else "zh"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(var):
            return "en" if env[var].startswith("en") else "zh"
    return "zh"


def _config_error(t: dict, key: str, **kw: Any) -> ConfigError:
    """``cli_text.toml``'s message ``key`` in English and Chinese; English only when the command's
    texts ``t`` are the English ones (``--lang en``)."""
    en, zh = _texts()["en"][key].format(**kw), _texts()["zh"][key].format(**kw)
    return ConfigError(en, zh=None if t is _texts()["en"] else zh)


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [x.strip() for x in value.split(",") if x.strip()]


def _ints(t: dict, option: str, value: str | None) -> list[int] | None:
    """Comma-separated integers of an option (``--level 80,95``), or ConfigError naming the option.

    Example:
        >>> _ints({}, "--level", "80, 95"), _ints({}, "--shock-years", None)
        ([80, 95], None)
    """
    items = _split(value)
    if items is None:
        return None
    try:
        return [int(x) for x in items]
    except ValueError:
        raise _config_error(t, "bad_ints", option=option, got=value) from None


def _check_choices(t: dict, option: str, values: list[str] | None, choices: tuple[str, ...]) -> None:
    wrong = [v for v in values or [] if v not in choices]
    if wrong:
        raise _config_error(t, "bad_list", option=option, choices=", ".join(choices), got=", ".join(wrong))


def _read_params(path: Path | None, t: dict) -> dict | None:
    if path is None:
        return None
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise _config_error(t, "bad_params", file=path, err=err) from err
    from talentforecast.config import STAGES

    wrong = [k for k, v in raw.items() if k not in STAGES or not isinstance(v, dict)]
    if wrong:
        raise _config_error(t, "bad_params", file=path, err=f"[{wrong[0]}] ∉ {list(STAGES)}")
    return raw


def build_app(lang: str = "zh") -> typer.Typer:
    """The typer application with help text in ``lang`` (``"zh"`` or ``"en"``).

    Example:
        >>> from typer.testing import CliRunner
        >>> "输出文件夹" in CliRunner().invoke(build_app("zh"), ["run", "--help"]).output
        True
    """
    ui = "en" if lang == "en" else "zh"
    t = _texts()[ui]
    headings = {} if lang == "en" else {"Usage:": "用法：", "Arguments:": "参数：", "Options:": "选项：",
                                        "Commands:": "命令："}
    group_cls, command_cls = help_classes(t["help"], headings)
    app = typer.Typer(help=t["app"], no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["--help", "-h"]}, rich_markup_mode=None,
                      cls=group_cls)
    command = functools.partial(app.command, cls=command_cls)

    def H(key: str) -> str:  # noqa: N802  (help text)
        return t[key]

    def fail(err: Exception) -> None:
        typer.echo(t["error"].format(err=err), err=True)
        raise typer.Exit(code=2)

    def wrote(path: Any) -> None:
        typer.echo(t["wrote"].format(path=path))

    def version_cb(value: bool) -> None:
        if value:
            typer.echo(f"talentforecast {__version__}")
            raise typer.Exit()

    @app.callback()
    def main(version: bool = typer.Option(False, "--version", callback=version_cb, is_eager=True, help=H("version")),
             ) -> None:
        pass

    main.__doc__ = t["app"]

    # Shared options: the same names and meanings in every command that has them.
    def o_out(default: Any = None, key: str = "out") -> Any:
        return typer.Option(default, "--out", "-o", help=H(key))

    def o_lang(key: str = "lang_ui") -> Any:
        return typer.Option(None, "--lang", help=H(key))

    def o_langs_old() -> Any:
        return typer.Option(None, "--langs", hidden=True, help=H("deprecated").format(new="--lang"))

    def o_formats_old(new: str) -> Any:
        return typer.Option(None, "--formats", hidden=True, help=H("deprecated").format(new=new))

    def o_quiet() -> Any:
        return typer.Option(False, "--quiet", "-q", help=H("quiet"))

    @command(help=H("init"), short_help=H("init"))
    def init(folder: Path = typer.Argument(Path("."), help=H("folder"), metavar="FOLDER"),
             force: bool = typer.Option(False, "--force", help=H("force")),
             lang: str = o_lang()) -> None:
        from talentforecast.config import init_folder

        try:
            for p in init_folder(folder, force=force, lang="en" if (lang or "").startswith("en") else "zh"):
                wrote(p)
            typer.echo(t["init_next"].format(tables=folder / "tables", folder=folder))
        except TalentForecastError as err:
            fail(err)

    @command(help=H("validate"), short_help=H("validate"))
    def validate(files: list[Path] = typer.Argument(..., help=H("files"), metavar="FILES..."),
                 kind: str = typer.Option(None, "--kind", help=H("kind")),
                 sheet: str = typer.Option(None, "--sheet", help=H("sheet")),
                 max_shown: int = typer.Option(50, "--max", help=H("max_shown")),
                 lang: str = o_lang()) -> None:
        from talentforecast.errors import InputError, Problem, set_lang
        from talentforecast.folder import FolderCheck, check_folder, format_check, infer_kind
        from talentforecast.io import _read_table
        from talentforecast.schema import TABLES

        msg_lang = "en" if (lang or ui).startswith("en") else "zh"
        old = set_lang(msg_lang)
        try:
            if len(files) == 1 and files[0].is_dir():  # every check the run makes, cross-table ones included
                if sheet or kind:
                    typer.echo(t["folder_no_sheet"], err=True)
                    raise typer.Exit(code=2)
                check = check_folder(files[0])
            else:  # the same report for single files; no cross-table checks
                check = FolderCheck(", ".join(map(str, files)))
                for f in files:
                    k = kind or (f.stem if f.stem in TABLES else infer_kind(f))
                    if k is None:
                        typer.echo(t["bad_kind"].format(file=f, kinds=", ".join(TABLES)), err=True)
                        raise typer.Exit(code=2)
                    if k != f.stem:
                        check.inferred[f.name] = k
                    try:
                        df = _read_table(f, k, sheet=sheet)[0]
                        check.files[k], check.rows[k], check.tables[k] = f, len(df), df
                        check.notes += df.attrs.get("normalisations", [])
                    except InputError as err:
                        check.problems += err.problems
                        check.notes += getattr(err, "notes", [])
            tables = dict(check.tables) if check.tables else {}
            if "employment" in tables and "enrolment" in tables:  # industries offered specialties need
                from talentforecast.demand import industry_coverage

                for row in industry_coverage(tables).itertuples(index=False):
                    if row.action == "error":
                        check.problems.append(Problem("employment", "industry", None, row.industry, row.note_en,
                                                      row.note_zh))
                    else:
                        check.notes.append({"file": "employment", "column": "industry", "zh": row.note_zh,
                                            "normalisation": row.note_en})
            typer.echo(format_check(check, msg_lang, max_shown))
        except TalentForecastError as err:
            fail(err)
        finally:
            set_lang(old)
        if check.problems:
            raise typer.Exit(code=1)

    def run_options(demo: bool):
        """The options of demo and run (same names, same meanings; demo has no DATA)."""

        def command(config: Path = typer.Option(None, "--config", "-c", help=H("config")),
                    out: Path = o_out(),
                    as_of: int = typer.Option(None, "--as-of", help=H("as_of")),
                    horizon: int = typer.Option(None, "--horizon", help=H("horizon")),
                    policy: str = typer.Option(None, "--policy", help=H("policy")),
                    scenario: Path = typer.Option(None, "--scenario", help=H("scenario")),
                    seed: int = typer.Option(None, "--seed", help=H("seed")),
                    engine: str = typer.Option(None, "--engine", help=H("engine")),
                    region_name: str = typer.Option(None, "--region-name", help=H("region_name")),
                    retrospective: bool = typer.Option(None, "--retrospective/--no-retrospective",
                                                       help=H("retrospective")),
                    params: Path = typer.Option(None, "--params", help=H("params")),
                    previous: Path = typer.Option(None, "--previous", help=H("previous")),
                    lang: str = o_lang("lang"),
                    report_formats: str = typer.Option(None, "--report-formats", help=H("report_formats")),
                    feed_formats: str = typer.Option(None, "--feed-formats", help=H("feed_formats")),
                    xlsx: bool = typer.Option(None, "--xlsx/--no-xlsx", help=H("xlsx")),
                    quiet: bool = o_quiet(),
                    langs: str = o_langs_old(),
                    formats: str = o_formats_old("--report-formats"),
                    data: Path = None) -> None:
            from talentforecast.errors import set_lang

            old = set_lang(ui)  # an error is shown after the run, in the language of the command
            try:
                flags = {"inputs": data, "out": out, "as_of": as_of, "horizon": horizon,
                         "policy": _split(policy) if policy and "," in policy else policy,
                         "scenario": scenario, "seed": seed, "engine": engine, "region_name": region_name,
                         "retrospective": retrospective, "params": _read_params(params, t), "previous": previous,
                         "lang": _split(lang if lang is not None else langs),
                         "report_formats": _split(report_formats if report_formats is not None else formats),
                         "feed_formats": _split(feed_formats), "xlsx": xlsx}
                _run(flags, config, demo, quiet, t)
            except TalentForecastError as err:
                fail(err)
            finally:
                set_lang(old)

        return command

    demo_fn = run_options(demo=True)
    command("demo", help=H("demo"), short_help=H("demo"))(without(demo_fn, "data"))

    run_fn = run_options(demo=False)
    command("run", help=H("run"), short_help=H("run"))(
        with_argument(run_fn, "data", typer.Argument(None, help=H("data"), show_default=False, metavar="DATA")))

    @command(help=H("report"), short_help=H("report"))
    def report(run_dir: Path = typer.Argument(..., help=H("run_dir"), metavar="RUN_DIR"),
               out: Path = o_out(key="report_out"),
               report_formats: str = typer.Option(None, "--report-formats", help=H("report_formats")),
               lang: str = o_lang("lang"),
               quiet: bool = o_quiet(),
               formats: str = o_formats_old("--report-formats")) -> None:
        from talentforecast.config import LANGS, REPORT_FORMATS
        from talentforecast.pipeline import Run

        try:
            fmts = _split(report_formats if report_formats is not None else formats) or list(REPORT_FORMATS)
            langs = _split(lang) or ["zh"]
            _check_choices(t, "--report-formats", fmts, REPORT_FORMATS)
            _check_choices(t, "--lang", langs, LANGS)
            r = Run.load(run_dir)
            from talentforecast.progress import progress_bar

            with progress_bar(len(langs), t["outputs"], enabled=not quiet) as advance:
                for lg in langs:
                    for p in r.report(out or run_dir.parent / "report", formats=tuple(fmts), lang=lg).values():
                        wrote(p)
                    advance(f"report_{lg}")
        except TalentForecastError as err:
            fail(err)

    @command(help=H("export"), short_help=H("export"))
    def export(run_dir: Path = typer.Argument(..., help=H("run_dir"), metavar="RUN_DIR"),
               out: Path = o_out(key="feed_out"),
               feed_formats: str = typer.Option(None, "--feed-formats", help=H("feed_formats")),
               lang: str = o_lang(),
               formats: str = o_formats_old("--feed-formats")) -> None:
        from talentforecast.config import FEED_FORMATS
        from talentforecast.pipeline import Run

        try:
            fmts = _split(feed_formats if feed_formats is not None else formats) or list(FEED_FORMATS)
            _check_choices(t, "--feed-formats", fmts, FEED_FORMATS)
            wrote(Run.load(run_dir).export(out or run_dir.parent / "feed", formats=tuple(fmts)))
        except TalentForecastError as err:
            fail(err)

    @command(help=H("compare"), short_help=H("compare"))
    def compare(old: Path = typer.Argument(..., help=H("old"), metavar="OLD"),
                new: Path = typer.Argument(..., help=H("new"), metavar="NEW"),
                out: Path = typer.Option(None, "--out", "-o", help=H("compare_out")),
                lang: str = o_lang("lang_text")) -> None:
        from talentforecast.compare import compare as compare_runs

        try:
            c = compare_runs(old, new)
            typer.echo(c.text("en" if (lang or "").startswith("en") else "zh"))
            if out is not None:
                wrote(c.to_csv(out))
        except TalentForecastError as err:
            fail(err)

    @command(help=H("forecast"), short_help=H("forecast"))
    def forecast(data: Path = typer.Argument(..., help=H("panel"), metavar="PANEL"),
                 h: int = typer.Option(5, "--h", "--horizon", help=H("h")),
                 out: Path = typer.Option(Path("forecast.csv"), "--out", "-o", help=H("forecast_out")),
                 models: str = typer.Option("auto", "--models", help=H("models")),
                 level: str = typer.Option("80,95", "--level", help=H("level")),
                 seed: int = typer.Option(0, "--seed", help=H("seed")),
                 shock_years: str = typer.Option(None, "--shock-years", help=H("shock_years")),
                 n_jobs: int = typer.Option(1, "--n-jobs", help=H("n_jobs")),
                 groups: str = typer.Option(None, "--groups", help=H("groups")),
                 id_cols: str = typer.Option("unique_id", "--id", help=H("id_cols")),
                 time_col: str = typer.Option("ds", "--time", help=H("time_col")),
                 target_col: str = typer.Option("y", "--target", help=H("target_col")),
                 lang: str = o_lang()) -> None:
        from talentforecast._atomic import atomic_file
        from talentforecast.errors import set_lang
        from talentforecast.forecasting import forecast as fc
        from talentforecast.forecasting.describe import describe
        from talentforecast.forecasting.panel_file import read_panel, with_series_id

        msg_lang = "en" if (lang or ui).startswith("en") else "zh"
        old = set_lang(msg_lang)
        try:
            df, id_col = with_series_id(read_panel(data), _split(id_cols) or ["unique_id"])
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", TalentForecastWarning)
                result = fc(df, h=h, level=_ints(t, "--level", level), models=_split(models) if "," in models
                            else models, n_jobs=n_jobs, seed=seed, groups=_split(groups),
                            shock_years=_ints(t, "--shock-years", shock_years), id_col=id_col,
                            time_col=time_col, target_col=target_col)
            with atomic_file(out, "w") as fh:
                result.to_csv(fh, index=False)
            wrote(f"{out} ({len(result)})")
            for line in describe(result, msg_lang):
                typer.echo(f"  {line}")
            for w in caught:  # the library's notes as lines; other libraries' warnings as they come
                if issubclass(w.category, TalentForecastWarning):
                    typer.echo(t["note"].format(note=w.message), err=True)
                else:
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        except TalentForecastError as err:
            fail(err)
        finally:
            set_lang(old)

    @command(help=H("dashboard"), short_help=H("dashboard"))
    def dashboard(feed_dir: Path = typer.Argument(..., help=H("feed_dir"), metavar="FEED_DIR"),
                  port: int = typer.Option(8050, "--port", help=H("port")),
                  host: str = typer.Option("127.0.0.1", "--host", help=H("host")),
                  compare: Path = typer.Option(None, "--compare", help=H("compare_feed")),
                  lang: str = o_lang()) -> None:
        try:
            from talentforecast.dashboard import serve
        except ImportError as err:
            typer.echo(t["skipped"].format(what="dashboard", err=err, extra="dashboard"), err=True)
            raise typer.Exit(code=2) from err
        try:
            serve(feed_dir, host=host, port=port, compare=compare)
        except TalentForecastError as err:
            fail(err)

    return app


def _run(flags: dict, config_path: Path | None, demo: bool, quiet: bool, t: dict) -> None:
    """demo and run: config file < command-line flags, then the chain and every output."""
    from talentforecast.config import (
        DEFAULTS,
        FEED_FORMATS,
        LANGS,
        REPORT_FORMATS,
        find_config,
        merge,
        read_config,
    )

    lang = "en" if t is _texts()["en"] else "zh"
    layers: list[dict] = [DEFAULTS]
    if demo:  # the example's own defaults; a config applies to demo only when given with --config
        from talentforecast.datasets import example_dir
        from talentforecast.demand import EXAMPLE_SCENARIO

        layers.append({"out": Path("out/demo"), "retrospective": True, "scenario": EXAMPLE_SCENARIO,
                       "lang": ["zh", "en"]})
        found = Path(config_path) if config_path else None
        flags = {**flags, "inputs": example_dir()}
    else:
        found = find_config(config_path)
    if found:
        layers.append(read_config(found, lang=lang))
    layers.append(flags)
    cfg = merge(*layers)
    _check_choices(t, "--lang", cfg["lang"], LANGS)
    _check_choices(t, "--report-formats", cfg["report_formats"], REPORT_FORMATS)
    _check_choices(t, "--feed-formats", cfg["feed_formats"], FEED_FORMATS)
    if cfg.get("inputs") is None:
        raise _config_error(t, "no_inputs")
    from talentforecast._runguard import check_output_folder, output_lock
    from talentforecast.errors import set_lang

    old = set_lang(lang)
    try:
        check_output_folder(Path(cfg["out"]), {cfg["run"], cfg["report"], cfg["feed"], "tables.xlsx",
                                               "changes.csv"})  # checked before the computation starts
        with output_lock(Path(cfg["out"])):
            written = execute(cfg, quiet=quiet, echo=lambda p: typer.echo(t["wrote"].format(path=p)),
                              warn=lambda what, err, extra: typer.echo(
                                  t["skipped"].format(what=what, err=err, extra=extra), err=True),
                              label=t["outputs"])
    finally:
        set_lang(old)
    if written.get("missing"):  # an output that was asked for and not written is a failure
        raise typer.Exit(code=1)


def note_lines(notes: dict[str, list[dict]], lang: str = "zh") -> list[str]:
    """The run's notes (``manifest["notes"]``) as lines to print: each with what it concerns (the
    industry with the scenario target it flags, else the level) and its message (``note_<lang>``, else ``note_zh``, else ``basis``);
    rows of one table with the same message are one line.

    Example:
        >>> note_lines({"supply_sources": [{"level": "中职", "note_zh": "按零计入"},
        ...                                {"level": "高职专科", "note_zh": "按零计入"}]})
        ['注意 note [supply_sources] 中职、高职专科: 按零计入']
    """
    lines: list[str] = []
    for name, rows in notes.items():
        said: dict[str, list[str]] = {}
        for row in rows:
            msg = next((str(row[k]) for k in (f"note_{lang}", "note_zh", "note_en", "basis")
                        if row.get(k) not in (None, "") and row.get(k) == row.get(k)), None)
            if msg is None:  # no message column at all: the row itself, never an empty note
                msg = ", ".join(f"{k}={v}" for k, v in row.items())
            subject = next((str(row[k]) for k in ("industry", "level", "source") if row.get(k) not in (None, "")), "")
            if subject and row.get("target"):  # a scenario flag: which target of the scenario file
                subject += f"（{row['target']}）" if lang == "zh" else f" ({row['target']})"
            said.setdefault(msg, [])
            if subject and subject not in said[msg]:
                said[msg].append(subject)
        sep = "、" if lang == "zh" else ", "
        lines += [f"注意 note [{name}] {sep.join(subjects)}: {msg}" for msg, subjects in said.items()]
    return lines


def execute(cfg: dict, quiet: bool = True, echo=print, warn=None, label: str = "outputs") -> dict[str, list[Path]]:
    """Run the chain for a merged config (see :mod:`talentforecast.config`) and write every output.

    Returns ``{"run": [...], "report": [...], "feed": [...], "xlsx": [...], "changes": [...]}``: the
    paths written, and ``"missing"``: the outputs asked for that could not be written. With ``previous`` set, :func:`~talentforecast.compare.compare` runs against it:
    ``changes.csv`` is written under ``out`` and the summary goes into ``meta["changes"]``.
    """
    from talentforecast._atomic import atomic_dir
    from talentforecast.datasets import example_dir
    from talentforecast.folder import read_folder
    from talentforecast.pipeline import run as run_chain
    from talentforecast.progress import progress_bar

    meta: dict = {}
    if Path(cfg["inputs"]).resolve() == example_dir().resolve():  # the example's meta: English name, seed
        import json

        meta = json.loads((example_dir() / "meta.json").read_text(encoding="utf-8"))
    if cfg.get("region_name"):
        meta["region_name"] = cfg["region_name"]
    if cfg.get("issuing"):
        meta["issuing"] = dict(cfg["issuing"])
    bundle = read_folder(cfg["inputs"], meta=meta)
    options = {k: cfg.get(k) for k in ("policy", "horizon", "scenario", "as_of", "seed", "engine", "retrospective",
                                       "params")}
    options["scenario"] = str(options["scenario"]) if options["scenario"] else None
    options["retrospective"] = options["retrospective"] or None
    options["params"] = options["params"] or None
    options["lang"] = cfg["lang"][0] if cfg["lang"] else "zh"
    r = run_chain(bundle, progress=not quiet, **options)  # checks as_of and the policy before any stage
    for line in note_lines(r.manifest.get("notes") or {}, options["lang"]):  # assumptions the run made, aloud
        print(line, file=sys.stderr)
    out = Path(cfg["out"])
    changes = None
    if cfg.get("previous"):  # "changes since last year": the table beside the outputs, the summary in the meta
        from talentforecast.compare import compare

        changes = compare(cfg["previous"], r)
        r.manifest.setdefault("meta", {})["changes"] = {
            "previous": str(cfg["previous"]), "old": changes.old_label, "new": changes.new_label,
            "text_zh": changes.text("zh"), "text_en": changes.text("en"), "file": "changes.csv"}
    langs = cfg["lang"] if cfg["report_formats"] else []
    written: dict[str, list] = {"run": [], "report": [], "feed": [], "xlsx": [], "changes": [], "missing": []}
    steps = 1 + len(langs) + (1 if cfg["feed_formats"] else 0) + (1 if cfg["xlsx"] else 0)
    # Everything is written into a temporary sibling that replaces ``out`` as one unit: a failure
    # half-way leaves the previous outputs whole.
    with atomic_dir(out) as tmp, progress_bar(steps, label, enabled=not quiet) as advance:
        if changes is not None:
            written["changes"].append(changes.to_csv(tmp / "changes.csv"))
        written["run"].append(r.save(tmp / cfg["run"]))
        advance("run")
        try:
            for lg in langs:
                written["report"] += list(r.report(tmp / cfg["report"], formats=tuple(cfg["report_formats"]),
                                                   lang=lg).values())
                advance(f"report_{lg}")
        except ImportError as err:
            written["missing"].append("report")
            if warn:
                warn("report", err, "report")
        if cfg["feed_formats"]:
            try:
                written["feed"].append(r.export(tmp / cfg["feed"], formats=tuple(cfg["feed_formats"])))
            except ImportError as err:
                written["missing"].append("feed")
                if warn:
                    warn("feed", err, "dashboard")
            advance("feed")
        if cfg["xlsx"]:
            from talentforecast.export.xlsx import write_xlsx

            written["xlsx"].append(write_xlsx(r, tmp / "tables.xlsx"))
            advance("xlsx")
    written = {k: [out / Path(p).relative_to(tmp) for p in v] if k != "missing" else v for k, v in written.items()}
    for key, paths in written.items():
        for p in paths if key != "missing" else []:
            echo(p)
    return written


app = build_app(ui_lang())

if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
