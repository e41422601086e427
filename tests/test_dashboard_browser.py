"""The dashboard in a real browser: Debian's /usr/bin/chromium through Playwright, one browser and
one server for the module, on the feed of a real (fast) run of the example region (217 warnings:
enough rows for paging). Never run `playwright install`; the tests skip without /usr/bin/chromium.
``TF_SCREENSHOT_DIR=/some/dir`` keeps the screenshots."""

import json
import os
import threading
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dash")
sync_api = pytest.importorskip("playwright.sync_api")

from werkzeug.serving import make_server  # noqa: E402

from talentforecast.dashboard import FeedData, create_app  # noqa: E402
from talentforecast.dashboard.query import WarnFilter, warnings_page_rows  # noqa: E402
from talentforecast.dashboard.tables import PAGE_SIZE  # noqa: E402
from talentforecast.warning.probability import probability_text  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium "
                                 "(.ci/run installs it)")]
REQUESTS: list[str] = []
ROWS = "#warnings-table .ag-center-cols-container .ag-row"
CELLS = "#warnings-table .ag-center-cols-container .ag-cell"
ZH = {"red": "红色", "orange": "橙色"}


def strongest(w) -> str:
    """The most severe cut level the run issued (red when there is one, else orange)."""
    return "red" if (w["warning_level"] == "red").any() else "orange"


def city_rows(data):
    unit = " WHERE planning_unit = 'planning_region'" if "planning_unit" in data.columns("warnings") else ""
    return data.sql(f"SELECT * FROM warnings{unit}")


@pytest.fixture(scope="module")
def feed(tmp_path_factory):
    from test_report_real import real_run

    out = tmp_path_factory.mktemp("real")
    real_run().export(out / "feed", formats=("parquet",))
    return out / "feed"


@pytest.fixture(scope="module")
def data(feed):
    return FeedData.load(feed)


@pytest.fixture(scope="module")
def other(feed):
    """A second feed for /compare: the same warnings with the first red programme at orange."""
    from talentforecast.export import read_feed

    w = read_feed(feed, ["warnings"])["warnings"]
    lv = strongest(w)
    first = w.index[w["warning_level"] == lv][0]
    w.loc[first, "warning_level"] = {"red": "orange", "orange": "yellow"}[lv]  # one level milder last year
    return FeedData({"run_id": "other", "as_of": 2023}, frames={"warnings": w})


@pytest.fixture(scope="module")
def base(feed, other):
    srv = make_server("127.0.0.1", 0, create_app(feed, compare=other).server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")), executable_path=str(CHROMIUM), headless=True,
            accept_downloads=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            viewport={"width": 1440, "height": 900})
        ctx.on("request", lambda r: REQUESTS.append(r.url))
        yield ctx
        ctx.close()


@pytest.fixture
def page(browser):
    pg = browser.new_page()
    yield pg
    pg.close()


def _shot(page, name: str, tmp_path) -> None:
    page.screenshot(path=str(Path(os.environ.get("TF_SCREENSHOT_DIR", tmp_path)) / f"{name}.png"), full_page=True)


def _pick(page, dropdown: str, text: str) -> None:
    page.click(f"#{dropdown}")
    page.fill(".dash-dropdown-search", text)
    page.click(f".dash-dropdown-option:has-text('{text}')")
    page.keyboard.press("Escape")


def _count_is(page, n: int) -> None:
    page.wait_for_function(f"document.querySelector('#warn-count').innerText.startsWith('共 {n} 条')", timeout=10000)


def _cells_are(page, col: str, texts: list[str]) -> None:
    """Wait until the warnings grid's ``col`` cells read ``texts`` (the grid renders rows a few at a time)."""
    page.wait_for_function(f"[...document.querySelectorAll({json.dumps(f'{CELLS}[col-id={col}]')})]"
                           f".map(e => e.innerText).join('|') === {json.dumps('|'.join(texts))}", timeout=10000)


def test_overview_and_warnings_list_pages_sorts_and_filters(page, base, data, tmp_path):
    w = city_rows(data)
    lv = strongest(w)
    counts = w.groupby("warning_level").size()
    page.goto(base + "/")
    page.wait_for_selector(f"#count-{lv}", timeout=20000)
    assert page.inner_text(f"#count-{lv}") == str(counts[lv]) and "示例市" in page.inner_text("main")
    page.click("header nav a[href='/warnings']")
    page.wait_for_selector(ROWS, timeout=10000)  # first page: PAGE_SIZE rows, not the whole list
    page.wait_for_function(f"document.querySelectorAll({json.dumps(ROWS)}).length === {PAGE_SIZE}", timeout=10000)
    _count_is(page, int(counts.sum()))
    pages = -(-int(counts.sum()) // PAGE_SIZE)
    assert page.inner_text("#warnings-table-page") == f"页码 1 / {pages}"
    first = page.locator(ROWS).first.inner_text()
    page.click("#warnings-table-next")
    page.wait_for_function(f"document.querySelector({json.dumps(ROWS)}).innerText !== {json.dumps(first)}")
    assert page.inner_text("#warnings-table-page") == f"页码 2 / {pages}"
    # sort by probability, descending (two clicks on the header), on the server: page 2 stays page 2
    sort = page.locator("#warnings-table .ag-header-cell[col-id='probability'] .ag-header-cell-label")
    sort.click()
    page.wait_for_timeout(300)
    sort.click()
    want, _ = warnings_page_rows(data, WarnFilter(), [{"column_id": "probability", "direction": "desc"}], 1, PAGE_SIZE)
    want_p = [probability_text(p) for p in want["probability"]]
    _cells_are(page, "probability", want_p)
    assert page.inner_text("#warnings-table-page") == f"页码 2 / {pages}"
    # the strongest cut level only
    page.click(f"#warn-level label:has-text('{ZH[lv]}')")
    _count_is(page, int(counts[lv]))
    assert page.inner_text("#warnings-table-page").startswith("页码 1 / ")  # a new filter: the first page
    _cells_are(page, "warning_level", [ZH[lv]] * min(int(counts[lv]), PAGE_SIZE))
    colour = page.locator(f"{CELLS}[col-id='warning_level']").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == {"red": "rgb(198, 40, 40)", "orange": "rgb(239, 108, 0)"}[lv]  # LEVEL_COLOURS
    # specialty search box
    page.click("#warn-level label:has-text('全部')")
    page.fill("#warn-search", "计算机")
    page.press("#warn-search", "Enter")
    n = len(warnings_page_rows(data, WarnFilter(search="计算机"), page_size=None)[0])
    _count_is(page, n)
    assert all("计算机" in s for s in page.locator(f"{CELLS}[col-id='specialty']").all_inner_texts())
    _shot(page, "warnings", tmp_path)


def test_no_match_filter_clears_rows_with_a_message(page, base, data):
    """orange + a school + a category with no matches: an empty state, never the old rows."""
    rows = data.sql("SELECT * FROM warnings")
    school = (sorted(rows.loc[(rows["warning_level"] == "orange") & (rows["school"].astype(str) != "*"), "school"])
              if "school" in rows else ["示例职业技术学院"])[0]
    has = warnings_page_rows(data, WarnFilter(warning_level="orange", school=school), page_size=None)[0]
    cats = data.sql("SELECT DISTINCT level, CAST(category_code AS VARCHAR) AS c FROM warnings ORDER BY 1, 2")
    empty = next(f"{r.level}|{r.c}" for r in cats.itertuples() if warnings_page_rows(
        data, WarnFilter(warning_level="orange", school=school, category=f"{r.level}|{r.c}"), page_size=None)[1] == 0)
    assert len(has) > 0
    page.goto(base + "/warnings?level=orange")
    page.wait_for_selector(ROWS, timeout=20000)
    _pick(page, "warn-school", school)
    _count_is(page, len(has))
    code = empty.split("|")[1]
    page.click("#warn-category")
    page.fill(".dash-dropdown-search", code)
    page.click(f".dash-dropdown-option:has-text('{code} ')")
    page.keyboard.press("Escape")
    page.wait_for_selector("#warn-empty", timeout=10000)
    assert page.locator(ROWS).count() == 0 and "没有符合条件的记录" in page.inner_text("#warn-empty")
    assert "没有记录" in page.inner_text("#warnings-table")  # AG Grid's own "No Rows To Show", in Chinese
    page.click(".lang-switch label:has-text('English')")  # the grid's own text follows the language
    page.wait_for_selector("#warnings-table .ag-header-cell[col-id='probability']:has-text('Probability')")
    page.wait_for_function("document.querySelector('#warnings-table-page').innerText.startsWith('Page 1 of ')")
    page.click(".lang-switch label:has-text('中文')")
    page.wait_for_function("document.querySelector('#warnings-table-page').innerText.startsWith('页码 1 / ')")


def test_specialty_detail_reasons_and_english(page, base, data, tmp_path):
    lv = strongest(city_rows(data))
    page.goto(base + f"/warnings?level={lv}")
    page.wait_for_selector(ROWS, timeout=20000)
    link = page.locator(f"{CELLS}[col-id='specialty'] a").first
    code = link.inner_text().split()[0]
    link.click()
    page.wait_for_selector("#reasons li", timeout=10000)
    page.wait_for_selector("#specialty-ratio .main-svg", timeout=10000)
    rows = city_rows(data)
    w = rows[(rows["specialty"] == code) & (rows["warning_level"] == lv)].iloc[0]
    assert page.locator("#reasons .reason-text").all_inner_texts() == [r["text_zh"] for r in json.loads(w["reasons"])]
    assert ZH[lv] in page.inner_text("#specialty-level")
    assert "短缺线 0.85" in page.inner_text("#specialty-ratio") and "过剩线 1.15" in page.inner_text("#specialty-ratio")
    assert page.locator("#level-history tbody tr").count() >= 1  # the programme's level history
    _shot(page, "specialty_detail", tmp_path)
    page.click(".lang-switch label:has-text('English')")
    want_en = "|".join(r["text_en"] for r in json.loads(w["reasons"]))
    page.wait_for_function("[...document.querySelectorAll('#reasons .reason-text')].map(e => e.innerText)"
                           f".join('|') === {json.dumps(want_en)}", timeout=10000)
    assert "Warnings" in page.inner_text("header nav") and "Key-industry cluster plan scenario" in page.inner_text("#specialty-history")
    _shot(page, "specialty_detail_en", tmp_path)
    page.click(".lang-switch label:has-text('中文')")
    page.wait_for_function("document.querySelector('header nav').innerText.includes('专业预警')")


def test_industry_gap_shortage_glossary_and_retrospective(page, base, data, other):
    from talentforecast.dashboard.compare import compare_rows

    page.goto(base + "/industry")
    page.wait_for_selector("#gap-graph .main-svg .bars", timeout=20000)
    text = page.inner_text("#gap-graph")
    assert "供给" in text and "需求" in text and "80% 区间" in page.inner_text("main")
    page.goto(base + "/shortage")
    page.wait_for_selector("#shortage-table .ag-row", timeout=20000)
    assert "需求/供给 D/S" in page.inner_text("#shortage-table") and "S/D" not in page.inner_text("#shortage-table")
    top = data.sql("SELECT ratio_ds FROM shortage_occupations WHERE region = '990100' AND scenario = 'baseline' "
                     "AND year = ? ORDER BY rank LIMIT 1", [data.as_of + 1])["ratio_ds"].iloc[0]
    assert page.locator("#shortage-table .ag-center-cols-container .ag-cell[col-id='ratio_ds']").first.inner_text() \
        == f"{top:.2f}"
    assert "重点产业集群规划情景 (key_industries)" in page.inner_text("#shortage-scenario")
    page.goto(base + "/glossary")
    page.wait_for_selector("#glossary dt")
    assert {"概率", "S/D 与 D/S", "毕业去向落实率 与 就业率", "分档"} <= set(page.locator("#glossary dt").all_inner_texts())
    page.goto(base + "/compare")  # two feeds side by side: the changed programme comes first
    page.wait_for_selector("#compare-table .ag-cell", timeout=10000)
    assert page.inner_text("#compare-summary").startswith("加重 1 · 不变")
    first = page.locator("#compare-table .ag-center-cols-container .ag-row").first.inner_text()
    pages = -(-len(compare_rows(data, other)) // PAGE_SIZE)
    assert f"页码 1 / {pages}" in page.inner_text("#compare-table .ag-paging-panel")  # AG Grid's pager, in Chinese
    lv = strongest(data.sql("SELECT warning_level FROM warnings"))
    milder = {"red": "橙色", "orange": "黄色"}[lv]
    assert ZH[lv] in first and milder in first and "加重" in first
    page.goto(base + "/retrospective")
    page.wait_for_selector("main h2")
    page.wait_for_selector("#retro-empty, #retro-tables", timeout=10000)


def test_downloads_of_the_current_view(page, base, data):
    page.goto(base + "/warnings?level=orange")
    page.wait_for_selector(ROWS, timeout=20000)
    n = warnings_page_rows(data, WarnFilter(warning_level="orange"), page_size=None)[1]
    _count_is(page, n)
    with page.expect_download() as dl:
        page.click("#warn-csv")
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == n + 1 and all(",orange," in line for line in lines[1:])
    # the current sort too: probability, descending (two clicks on the header)
    sort = page.locator("#warnings-table .ag-header-cell[col-id='probability'] .ag-header-cell-label")
    sort.click()
    page.wait_for_timeout(300)
    sort.click()
    by_p = [{"column_id": "probability", "direction": "desc"}]
    want = warnings_page_rows(data, WarnFilter(warning_level="orange"), by_p, page_size=None)[0]
    top = [probability_text(p) for p in want["probability"][:PAGE_SIZE]]
    _cells_are(page, "probability", top)
    with page.expect_download() as dl:
        page.click("#warn-csv")
    got = pd.read_csv(dl.value.path(), encoding="utf-8-sig", dtype={"specialty": str, "region": str})
    assert list(got["specialty"]) == list(want["specialty"]) and list(got["region"]) == list(want["region"].astype(str))
    with page.expect_download() as dl:
        page.click("#warn-xlsx")
    assert dl.value.suggested_filename == "warnings.xlsx" and Path(dl.value.path()).stat().st_size > 2000


def test_phone_layout_fits_390px(browser, base, tmp_path):
    pg = browser.new_page()
    pg.set_viewport_size({"width": 390, "height": 844})
    try:
        for path, ready in (("/", ".level-count"), ("/warnings", ROWS), ("/industry", "#gap-graph .main-svg"),
                            ("/shortage", "#shortage-table .ag-cell"), ("/demand", "#demand-graph .main-svg")):
            pg.goto(base + path)
            pg.wait_for_selector(ready, timeout=20000)
            # the page itself never scrolls sideways; wide tables scroll inside their own box
            assert pg.evaluate("document.documentElement.scrollWidth") <= 390, path
        _shot(pg, "warnings_phone", tmp_path)
    finally:
        pg.close()


def test_no_traffic_off_the_machine(page, base):
    page.goto(base + "/warnings")  # at least one page when this test runs alone
    page.wait_for_selector(ROWS, timeout=20000)
    off_host = [u for u in REQUESTS if not u.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:"))]
    assert REQUESTS and not off_host, off_host
