"""The annual report from your own folder of tables (年度供需报告).

Put your tables in one folder, named after the table kind (employment.csv, enrolment.xlsx,
outcomes.csv, population.csv, regions.csv, ...; see docs/byod.md and data/templates/). Without
``--data`` this script copies the example region's CSVs into OUT/my_tables and uses that copy as
"your folder".

Run:  python examples/03_report_from_folder.py [--data my_tables] [--out out/report_example]
      [--formats html,pdf,docx] [--lang zh] [--horizon 5] [--fast]
"""

from __future__ import annotations

import shutil
from pathlib import Path

from _options import parser, run_options

import talentforecast as tf

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"


def main() -> None:
    ap = parser(__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None, help="your folder of input tables")
    ap.add_argument("--out", type=Path, default=Path("out/report_example"))
    ap.add_argument("--formats", default="html,pdf,docx")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    args = ap.parse_args()

    folder = args.data
    if folder is None:  # stand-in for the user's own folder
        folder = args.out / "my_tables"
        folder.mkdir(parents=True, exist_ok=True)
        for f in EXAMPLE.glob("*.csv"):
            shutil.copy(f, folder / f.name)

    bundle = tf.read_folder(folder, meta={"region_name": "示例市"})  # validates every table
    print(f"read {folder}: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(bundle.tables.items())))
    run = tf.run(bundle, progress=False, **run_options(args))
    run.save(args.out / "run")
    paths = run.report(args.out / "report", formats=tuple(args.formats.split(",")), lang=args.lang)
    for fmt, path in paths.items():
        print(f"{fmt}: {path}")


if __name__ == "__main__":
    main()
