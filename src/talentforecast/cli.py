"""Command line: ``talentforecast demo | run | validate | forecast | report | export | dashboard``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from talentforecast import __version__
from talentforecast.errors import TalentForecastError

app = typer.Typer(
    help="talentforecast: 技能人才供需预测与专业预警 / skilled-talent supply-demand forecasting.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"talentforecast {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """talentforecast command line."""


def _fail(err: Exception) -> None:
    from talentforecast.errors import get_lang

    typer.echo(f"{'错误' if get_lang() == 'zh' else 'error'}: {err}", err=True)
    raise typer.Exit(code=2)


def _lang(ctx: typer.Context, lang: str) -> None:
    """Messages in ``lang`` for this command only (restored when it ends, e.g. in tests)."""
    from talentforecast.errors import set_lang

    if lang not in ("zh", "en"):
        typer.echo(f"--lang: zh or en, not {lang}", err=True)
        raise typer.Exit(code=2)
    old = set_lang(lang)
    ctx.call_on_close(lambda: set_lang(old))


@app.command()
def validate(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="A folder of input tables, or input files (kind from the name "
                                                 "or, failing that, from the columns)."),
    kind: str = typer.Option(None, "--kind", help="Table kind for all files (employment, enrolment, ...)."),
    sheet: str = typer.Option(None, "--sheet", help="Workbook sheet to read (default: the one holding the table)."),
    lang: str = typer.Option("zh", "--lang", help="Message language: zh or en."),
    max_shown: int = typer.Option(50, "--max", help="Print at most this many problems (the total is always shown)."),
) -> None:
    """Validate input tables and print every problem (exit code 1 on any problem)."""
    from talentforecast.errors import InputError
    from talentforecast.folder import FolderCheck, check_folder, format_check, infer_kind
    from talentforecast.io import _read_table
    from talentforecast.schema import TABLES

    _lang(ctx, lang)
    if len(files) == 1 and files[0].is_dir():
        if sheet or kind:
            typer.echo("--sheet/--kind: for single files, not a folder" if lang == "en"
                       else "--sheet/--kind 只用于单个文件，不用于文件夹", err=True)
            raise typer.Exit(code=2)
        check = check_folder(files[0])
    else:  # the same report for single files; no cross-table checks
        check = FolderCheck(", ".join(map(str, files)))
        for f in files:
            k = kind or (f.stem if f.stem in TABLES else infer_kind(f))
            if k is None:
                typer.echo(f"{f}: 无法从文件名或列名判断表类型；请用 --kind 指定 {', '.join(TABLES)} 之一" if lang == "zh" else
                           f"{f}: cannot tell the table kind from the name or columns; use --kind one of "
                           f"{', '.join(TABLES)}", err=True)
                raise typer.Exit(code=2)
            if k != f.stem:
                check.inferred[f.name] = k
            try:
                df = _read_table(f, k, sheet=sheet)[0]
                check.files[k], check.rows[k] = f, len(df)
                check.notes += df.attrs.get("normalisations", [])
            except InputError as err:
                check.problems += err.problems
                check.notes += getattr(err, "notes", [])
    typer.echo(format_check(check, lang, max_shown))
    if check.problems:
        raise typer.Exit(code=1)


def _execute(bundle, out: Path, quiet: bool, formats: str, langs: str, **options) -> None:
    """Run, then write run/, report/ and feed/ into a temporary sibling swapped in as one unit."""
    from talentforecast._atomic import atomic_dir
    from talentforecast.pipeline import run as run_chain

    r = run_chain(bundle, progress=not quiet, **options)
    with atomic_dir(out) as tmp:  # a failure leaves the previous outputs whole
        r.save(tmp / "run")
        written = ["run"]
        if formats:
            try:
                for lang in [x for x in langs.split(",") if x]:
                    paths = r.report(tmp / "report", formats=tuple(x for x in formats.split(",") if x), lang=lang)
                    written += [str(Path(p).relative_to(tmp)) for p in paths.values()]
            except ImportError as err:
                typer.echo(f"report skipped ({err}); install the 'report' extra", err=True)
        try:
            written.append(str(Path(r.export(tmp / "feed")).relative_to(tmp)))
        except ImportError as err:
            typer.echo(f"export skipped ({err})", err=True)
    if not quiet:
        for w in written:
            typer.echo(f"wrote {out / w}")


@app.command()
def demo(
    out: Path = typer.Option(Path("out/demo"), "--out", help="Output folder."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display."),
    formats: str = typer.Option("html,pdf,docx", "--formats", help="Report formats; empty for none."),
    langs: str = typer.Option("zh,en", "--langs", help="Report languages."),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Run everything on the bundled example region (示例市) and write all outputs."""
    from talentforecast._runguard import check_output_folder, output_lock
    from talentforecast.datasets import load_example
    from talentforecast.demand import EXAMPLE_SCENARIO

    try:
        check_output_folder(out)
        with output_lock(out):
            _execute(load_example(), out, quiet, formats, langs, seed=seed, retrospective=True,
                     scenario=str(EXAMPLE_SCENARIO))
    except TalentForecastError as err:
        _fail(err)


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    data: Path = typer.Argument(..., help="Folder of input tables (employment.csv, enrolment.csv, ...)."),
    out: Path = typer.Option(Path("out/run"), "--out"),
    policy: str = typer.Option("default", "--policy", help="Policy name(s), comma-separated, or a TOML path."),
    horizon: int = typer.Option(5, "--horizon"),
    scenario: Path = typer.Option(None, "--scenario", help="Key-industry scenario TOML."),
    as_of: int = typer.Option(None, "--as-of", help="Use data up to this year only."),
    seed: int = typer.Option(0, "--seed"),
    engine: str = typer.Option("local", "--engine", help="local, dask, spark or ray (see docs/scale.md)."),
    region_name: str = typer.Option("", "--region-name", help="Default: the top region's name in regions.csv."),
    lang: str = typer.Option("zh", "--lang", help="Message language: zh or en."),
    formats: str = typer.Option("html,pdf,docx", "--formats"),
    langs: str = typer.Option("zh", "--langs"),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Run the annual chain on your own folder of tables."""
    from talentforecast._runguard import check_as_of, check_output_folder, output_lock
    from talentforecast.io import read_folder
    from talentforecast.warning.policy import load_policy

    _lang(ctx, lang)
    try:  # everything that can be checked is checked before the computation starts
        check_output_folder(out)
        pol = policy.split(",") if "," in policy else policy
        load_policy(pol)
        bundle = read_folder(data, meta={"region_name": region_name} if region_name else None)
        bundle.meta.setdefault("region_name", data.name)  # no single top region in regions.csv
        check_as_of(as_of, bundle.tables)
        with output_lock(out):
            _execute(bundle, out, quiet, formats, langs, policy=pol, horizon=horizon,
                     scenario=str(scenario) if scenario else None, as_of=as_of, seed=seed, engine=engine)
    except TalentForecastError as err:
        _fail(err)


@app.command()
def forecast(
    data: Path = typer.Argument(..., help="Long CSV with unique_id, ds (year), y."),
    h: int = typer.Option(5, "--h", help="Horizon in years."),
    out: Path = typer.Option(Path("forecast.csv"), "--out"),
    models: str = typer.Option("auto", "--models"),
    n_jobs: int = typer.Option(1, "--n-jobs"),
) -> None:
    """Forecast any annual panel (domain-free)."""
    import pandas as pd

    from talentforecast._atomic import atomic_file
    from talentforecast.forecasting import forecast as fc

    try:
        df = pd.read_csv(data)
        result = fc(df, h=h, models=models if "," not in models else models.split(","), n_jobs=n_jobs)
        with atomic_file(out, "w") as fh:
            result.to_csv(fh, index=False)
        typer.echo(f"wrote {out} ({len(result)} rows)")
    except TalentForecastError as err:
        _fail(err)


@app.command()
def report(
    run_dir: Path = typer.Argument(..., help="A run folder written by `run` or `demo` (…/run)."),
    out: Path = typer.Option(None, "--out", help="Report folder (default: RUN_DIR/../report)."),
    formats: str = typer.Option("html,pdf,docx", "--formats"),
    lang: str = typer.Option("zh", "--lang", help="zh or en"),
) -> None:
    """Write the annual report from a saved run."""
    from talentforecast.pipeline import Run

    try:
        r = Run.load(run_dir)
        paths = r.report(out or run_dir.parent / "report", formats=tuple(formats.split(",")), lang=lang)
        for p in paths.values():
            typer.echo(f"wrote {p}")
    except TalentForecastError as err:
        _fail(err)


@app.command()
def export(
    run_dir: Path = typer.Argument(..., help="A run folder written by `run` or `demo` (…/run)."),
    out: Path = typer.Option(None, "--out", help="Feed folder (default: RUN_DIR/../feed)."),
    formats: str = typer.Option("parquet,csv,duckdb,json", "--formats"),
) -> None:
    """Write the dashboard feed from a saved run."""
    from talentforecast.pipeline import Run

    try:
        path = Run.load(run_dir).export(out or run_dir.parent / "feed", formats=tuple(formats.split(",")))
        typer.echo(f"wrote {path}")
    except TalentForecastError as err:
        _fail(err)


@app.command()
def dashboard(
    feed_dir: Path = typer.Argument(..., help="A feed folder written by `export` or `demo` (…/feed)."),
    port: int = typer.Option(8050, "--port"),
    host: str = typer.Option("127.0.0.1", "--host", help="Bind address (loopback by default)."),
) -> None:
    """Serve the reference dashboard (needs the ``dashboard`` extra), read-only."""
    try:
        from talentforecast.dashboard import serve
    except ImportError as err:
        typer.echo(f"the dashboard needs the 'dashboard' extra: {err}", err=True)
        raise typer.Exit(code=2) from err
    try:
        serve(feed_dir, host=host, port=port)
    except TalentForecastError as err:
        _fail(err)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
