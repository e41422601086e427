"""Refresh the dashboard feed (数据接口) after new data arrive: run the chain, export the feed.

The feed (Parquet, CSV with BOM, DuckDB, JSON and a JSON Schema per table) is what BI tools and the
reference dashboard read: ``talentforecast dashboard OUT/feed`` serves it on 127.0.0.1.

Run:  python examples/04_refresh_feed.py [--data my_tables] [--out out/feed_example]
      [--formats parquet,csv,duckdb,json] [--horizon 5] [--fast]
"""

from __future__ import annotations

from pathlib import Path

from _options import parser, run_options

import talentforecast as tf


def main() -> None:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="folder of input tables (default: the example region)")
    ap.add_argument("--out", type=Path, default=Path("out/feed_example"))
    ap.add_argument("--formats", default="parquet,csv,duckdb,json")
    args = ap.parse_args()

    bundle = tf.read_folder(args.data) if args.data else tf.datasets.load_example()
    run = tf.run(bundle, progress=False, **run_options(args))
    feed = run.export(args.out / "feed", formats=tuple(args.formats.split(",")))
    print(f"run {run.manifest['run_id']} (as of {run.options['as_of']}) → {feed}")
    for p in sorted(Path(feed).rglob("*")):
        if p.is_file():
            print(f"  {p.relative_to(feed)}")


if __name__ == "__main__":
    main()
