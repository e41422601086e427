"""Dashboard timings in a real browser at 1× and 10× the demo feed, and the server's memory.

Reproduce (a few minutes on 2 busy cores; needs Debian's /usr/bin/chromium and a demo feed):
    PYTHONPATH=src talentforecast demo --out /tmp/demo --formats ""          # once: writes /tmp/demo/feed
    PYTHONPATH=src python benchmarks/dashboard.py /tmp/demo/feed             # writes benchmarks/dashboard_results.json

The 10× feed is the demo feed with its regions replicated ten times (region codes 99k1xx for
copy k = 1..9, names suffixed "·k"; every table with a ``region`` column gets ten times the rows,
so the warnings list has 10 × 217 rows). The server runs in its own process (``talentforecast
dashboard``); its resident memory (RSS, psutil) is sampled every 50 ms from start to the end of
the browser session and the peak is reported. In the browser (Playwright, headless chromium,
fresh tab each time, five times; medians) we time the first rows of the full warnings list
(``/warnings``, all filters empty) and of the shortage list, three ways: "shell" from typing the URL
in a fresh tab to the first rows of the HTML the server sends (plain rows, before Dash's scripts
run: shell.py; also the browser's first contentful paint, which is that shell), "cold" from typing the URL to the live table (HTML, Dash's scripts, layout and
the page) and "in app" from clicking the menu link on the overview to the live table; and a filter change (the most severe level only: red, or orange when the run issued no red) from click to updated rows. "Main thread" is the longest task the page's main thread ran
(PerformanceObserver longtask; 0 when no task exceeded 50 ms) and the time a trivial script took
to answer right after the rows appeared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ROWS = "#warnings-table .ag-center-cols-container .ag-row"  # the live grid (dash-ag-grid)
REPEAT = 5


def _copy_code(code: str, k: int) -> str:
    return code if k == 0 or code is None else f"{code[:2]}{k}{code[3:]}"


def scale_feed(src: Path, dst: Path, factor: int = 10) -> Path:
    """Write ``dst``: the feed ``src`` with every region replicated ``factor`` times."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("*.parquet", "csv", "json", "*.duckdb"))
    manifest = json.loads((src / "feed.json").read_text(encoding="utf-8"))
    for entry in manifest["tables"].values():
        rel = entry["files"]["parquet"]
        table = pq.read_table(src / rel)
        df = table.to_pandas()
        if "region" in df.columns:
            parts = []
            for k in range(factor):
                c = df.copy()
                c["region"] = c["region"].astype(str).map(lambda r, k=k: _copy_code(r, k))
                if "parent" in c:
                    c["parent"] = c["parent"].map(lambda r, k=k: _copy_code(r, k) if isinstance(r, str) else r)
                for col in ("region_name_zh", "region_name_en", "region_name"):
                    if col in c and k:
                        c[col] = c[col].astype(str) + f"·{k}"
                parts.append(c)
            df = pd.concat(parts, ignore_index=True)
        out = pa.Table.from_pandas(df, preserve_index=False).replace_schema_metadata(table.schema.metadata)
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(out, dst / rel)
        entry["files"] = {"parquet": rel}
    (dst / "feed.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return dst


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strongest(feed: Path) -> str:
    """The most severe cut level in the feed's warnings: red, else orange (a run may issue no red)."""
    import pyarrow.parquet as pq

    levels = set(pq.read_table(feed / "parquet" / "warnings.parquet", columns=["warning_level"])
                 .column("warning_level").to_pylist())
    return "red" if "red" in levels else "orange"


def measure(feed: Path, label: str) -> dict:
    import psutil
    from playwright.sync_api import sync_playwright

    port = _free_port()
    t_start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", "from talentforecast.cli import app; app()", "dashboard", str(feed),
                             "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ps = psutil.Process(proc.pid)
    peak, stop = [0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], ps.memory_info().rss)
            except psutil.Error:
                return
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard server for {feed} exited with {proc.returncode}") from None
            time.sleep(0.1)
    startup = time.perf_counter() - t_start
    rss_idle = ps.memory_info().rss
    res: dict = {"feed": label, "server_start_s": round(startup, 2), "rss_idle_mb": round(rss_idle / 2**20)}
    level = strongest(feed)  # the filter measured: red, or orange when the run issued no red
    zh = {"red": "红色", "orange": "橙色"}[level]
    observer = ("window.__long = 0; new PerformanceObserver(l => l.getEntries().forEach(e => "
                "window.__long = Math.max(window.__long, e.duration))).observe({type: 'longtask', buffered: true});")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            floor = []  # the browser's own floor: a fresh tab showing a tiny static file from the server
            for _ in range(REPEAT):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(base + "/assets/style.css", wait_until="load")
                floor.append(time.perf_counter() - t0)
                page.close()
            res["static_file_s"] = round(statistics.median(floor), 3)
            for key, path, ready in (("warnings", "/warnings", ROWS),
                                     ("shortage", "/shortage", "#shortage-table .ag-center-cols-container .ag-row")):
                shell, fcp, cold, nav, longest, answer = [], [], [], [], [], []
                for _ in range(REPEAT):
                    page = browser.new_page(viewport={"width": 1440, "height": 900})
                    page.add_init_script(observer)
                    # cold: a fresh tab typing the URL; first the HTML shell's rows, then the live table
                    # (Dash's scripts, layout, page callback)
                    t0 = time.perf_counter()
                    page.goto(base + path, wait_until="commit")
                    page.wait_for_selector(f"#shell-rows td, {ready}", timeout=120000)
                    shell.append(time.perf_counter() - t0)
                    page.wait_for_selector(ready, timeout=120000)
                    cold.append(time.perf_counter() - t0)
                    # the browser's own clock: first contentful paint (the shell, rows included) from
                    # navigation start
                    fcp.append(page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]"
                                             "?.startTime ?? null"))
                    t1 = time.perf_counter()
                    page.evaluate("1 + 1")
                    answer.append(time.perf_counter() - t1)
                    longest.append(page.evaluate("window.__long"))
                    # in the app: from the overview, click the list's link in the menu
                    page.click("header nav a[href='/']")
                    page.wait_for_selector(".level-count", timeout=120000)
                    t0 = time.perf_counter()
                    page.click(f"header nav a[href='{path}']")
                    page.wait_for_selector(ready, timeout=120000)
                    nav.append(time.perf_counter() - t0)
                    if path == "/warnings":
                        res["warnings_rows"] = page.inner_text("#warn-count")
                        t2 = time.perf_counter()
                        page.click(f"#warn-level label:has-text('{zh}')")
                        # the new count too: the first page may hold that level only before the filter
                        page.wait_for_function(f"(c => c.length > 0 && c.every(e => e.innerText === '{zh}'))([...document"
                                               ".querySelectorAll('#warnings-table .ag-center-cols-container "
                                               ".ag-cell[col-id=warning_level]')]) && document.querySelector("
                                               f"'#warn-count').innerText !== {json.dumps(res['warnings_rows'])}",
                                               timeout=120000)
                        res.setdefault(f"filter_{level}_s", []).append(round(time.perf_counter() - t2, 3))
                    page.close()
                res[f"{key}_shell_rows_s"] = round(statistics.median(shell), 3)
                res[f"{key}_shell_rows_max_s"] = round(max(shell), 3)
                res[f"{key}_first_contentful_paint_ms"] = round(statistics.median([x for x in fcp if x is not None]))
                res[f"{key}_cold_s"] = round(statistics.median(cold), 3)
                res[f"{key}_cold_max_s"] = round(max(cold), 3)
                res[f"{key}_in_app_s"] = round(statistics.median(nav), 3)
                res[f"{key}_longest_task_ms"] = max(longest)
                res[f"{key}_eval_ms"] = round(1000 * max(answer), 1)
            browser.close()
    finally:
        stop.set()
        res["rss_peak_mb"] = round(max(peak[0], ps.memory_info().rss) / 2**20)
        proc.terminate()
        proc.wait(10)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("feed", type=Path, help="a demo feed folder (…/feed)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/tf_dashboard_bench"))
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "dashboard_results.json")
    args = ap.parse_args()
    t = time.perf_counter()
    big = scale_feed(args.feed, args.work / "feed10x", 10)
    print(f"10x feed written in {time.perf_counter() - t:.1f} s: {big}")
    results = [measure(args.feed, "1x"), measure(big, "10x")]
    for r in results:  # the machine is shared: say how busy it was
        r["load_average_1min"] = round(os.getloadavg()[0], 1)
        r["cpus"] = os.cpu_count()
    for r in results:
        print(json.dumps(r, ensure_ascii=False))
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
