import http.client
import json
import os
import threading
from pathlib import Path

import pytest

pytest.importorskip("dash")

from werkzeug.serving import make_server  # noqa: E402

from talentforecast.dashboard import (  # noqa: E402
    FeedData,
    create_app,
    pages,  # noqa: E402
)
from talentforecast.export.sample import sample_run  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    """A demo-like output folder: out/run (saved run) and out/feed (its feed)."""
    out = tmp_path_factory.mktemp("demo")
    run = sample_run()
    run.save(out / "run", formats=("parquet",))
    run.export(out / "feed", formats=("parquet", "duckdb"))
    return out


@pytest.fixture(scope="module")
def server(demo_out):
    app = create_app(demo_out)  # the demo folder: the app finds feed/ inside
    srv = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", srv.server_port
    srv.shutdown()
    thread.join(5)


@pytest.fixture(scope="module", params=["sample", "real"])
def browser_out(request, demo_out, tmp_path_factory):
    """The browser walkthrough runs on the sample feed and on a feed of a real (fast) run of the
    example region through every stage."""
    if request.param == "sample":
        return demo_out
    from test_report_real import real_run

    out = tmp_path_factory.mktemp("real")
    real_run().export(out / "feed", formats=("parquet",))
    return out


@pytest.fixture(scope="module")
def browser_server(browser_out):
    srv = make_server("127.0.0.1", 0, create_app(browser_out).server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", srv.server_port
    srv.shutdown()
    thread.join(5)


def _raw_get(port: int, path: str) -> tuple[int, bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    con.putrequest("GET", path, skip_accept_encoding=True)  # raw path: no client-side normalisation
    con.endheaders()
    resp = con.getresponse()
    body = resp.read()
    con.close()
    return resp.status, body


def test_loads_feed_run_and_demo_folders(demo_out):
    feed = FeedData.load(demo_out / "feed")
    via_demo = FeedData.load(demo_out)
    via_run = FeedData.load(demo_out / "run")
    assert feed.source == via_demo.source == demo_out / "feed"
    assert via_run.manifest["run_id"] == feed.manifest["run_id"] == "sample000000"
    assert sorted(via_run.tables["warnings"]["specialty"]) == sorted(feed.tables["warnings"]["specialty"])


def test_no_route_serves_files_outside_the_package_assets(server, demo_out):
    _, port = server
    secret = (Path(__file__).resolve().parents[1] / "src" / "talentforecast" / "export" / "__init__.py").read_bytes()
    attempts = ["/assets/../../export/__init__.py", "/assets/%2e%2e/%2e%2e/export/__init__.py",
                "/assets/..%2f..%2fexport%2f__init__.py", "/assets/../../../../../../etc/passwd",
                "/_dash-component-suites/dash/../../../../../../etc/passwd",
                "/_dash-component-suites/talentforecast/export/__init__.py",
                "/_dash-component-suites/dash/..%2f..%2fdash.py", "/static/../../etc/passwd",
                "/feed.json", "/feed/feed.json", "/parquet/warnings.parquet", "/feed.duckdb",
                "/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd"]
    for path in attempts:
        status, body = _raw_get(port, path)
        assert b"root:" not in body and secret[:200] not in body, path
        assert b"PAR1" not in body[:4] and b'"feed_format"' not in body, path
        assert status in (200, 400, 404, 500) , path
        if status == 200:  # only the app shell (Dash's catch-all page route) may answer
            assert body.lstrip().startswith(b"<!DOCTYPE html>"), path
    status, body = _raw_get(port, "/assets/style.css")
    assert status == 200 and b"Noto Sans CJK" in body


def test_app_makes_no_write_and_has_no_external_resources(server):
    _, port = server
    status, body = _raw_get(port, "/")
    assert status == 200
    assert b"http://" not in body.replace(b"http://127.0.0.1", b"") and b"https://" not in body


def test_filters_and_english_switch(demo_out):
    data = FeedData.load(demo_out)
    red = pages.filter_warnings(data, "red", None, None, None)
    assert set(red["warning_level"]) == {"red"} and len(red) == 2
    cat = pages.filter_warnings(data, None, "46", None, None)
    assert set(cat["category_code"]) == {"46"} and len(cat) == 2
    # 示例商贸旅游职业学院 offers every other specialty in the districts below the city
    school = pages.filter_warnings(data, None, None, "示例商贸旅游职业学院", "990100")
    assert sorted(school["specialty"]) == ["460301", "530101", "710102"]
    assert pages.filter_warnings(data, None, None, None, "990101").empty
    zh = json.dumps(pages.warnings_table(red, "zh").to_plotly_json(), default=str, ensure_ascii=False)
    en = json.dumps(pages.warnings_table(red, "en").to_plotly_json(), default=str, ensure_ascii=False)
    assert "停止招生/退出" in zh and "stop enrolment / exit" in en and "Example City" in en


def _serialise(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


def test_every_page_renders_in_both_languages(demo_out):
    data = FeedData.load(demo_out)
    q = {"region": "990100", "specialty": "460104", "level": "高职专科"}
    for render in (pages.overview, pages.demand_page, pages.supply_page, pages.warnings_page,
                   pages.specialty_page, pages.structure_page, pages.shortage_page):
        for lang in ("zh", "en"):
            assert _serialise(render(data, lang, q))
    detail = _serialise(pages.specialty_page(data, "zh", q))
    assert "毕业去向落实率 52%" in detail and "moe-2011.employment_rate" in detail


@pytest.mark.browser
def test_browser_walkthrough(browser_server, browser_out, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    base, port = browser_server
    data = FeedData.load(browser_out)
    requests: list[str] = []
    shot = Path(os.environ.get("TF_SCREENSHOT_DIR", tmp_path)) / "specialty_detail.png"  # set it to keep the image
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            viewport={"width": 1280, "height": 900})
        try:
            page = browser.new_page()
            page.on("request", lambda r: requests.append(r.url))
            # 1. overview: level counts match the feed
            page.goto(base + "/")
            page.wait_for_selector("#count-red", timeout=20000)
            counts = data.tables["warnings"]["warning_level"].value_counts()
            assert page.inner_text("#count-red") == str(counts["red"])
            assert "示例市" in page.inner_text("main")
            # 2. warnings filtered to red
            page.click("header nav a[href='/warnings']")
            page.wait_for_selector("#warnings-table", timeout=60000)  # 217 rows on the real feed
            page.click("#warn-level label:has-text('红色')")
            page.wait_for_function("document.querySelectorAll('tr.warn-row').length == "
                                   f"{int(counts['red'])} && [...document.querySelectorAll('tr.warn-row')]"
                                   ".every(r => r.dataset.level === 'red')", timeout=10000)
            # 3. open the first specialty's detail page
            link = page.locator("tr.warn-row a.specialty-link").first
            code = link.inner_text().split()[0]
            link.click()
            page.wait_for_selector("#reasons li", timeout=10000)
            page.wait_for_selector("#specialty-history .main-svg", timeout=10000)
            # 4. the reasons shown are those of the feed's warnings table
            w = data.tables["warnings"].set_index("specialty").loc[[code]].iloc[0]
            want = [r["text_zh"] for r in json.loads(w["reasons"])]
            assert page.locator("#reasons .reason-text").all_inner_texts() == want
            assert w["warning_level"] == "red" and "红色" in page.inner_text("#specialty-level")
            # 5. screenshot
            page.screenshot(path=str(shot), full_page=True)
            # the English switch re-renders the same page in English
            page.click(".lang-switch label:has-text('English')")
            want_en = [r["text_en"] for r in json.loads(w["reasons"])]
            page.wait_for_function(f"[...document.querySelectorAll('#reasons .reason-text')].map(e => e.innerText)"
                                   f".join('|') === {json.dumps('|'.join(want_en))}", timeout=10000)
            assert "Warnings" in page.inner_text("header nav")
            page.screenshot(path=str(shot.with_name("specialty_detail_en.png")), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    off_host = [u for u in requests if not u.startswith(("http://127.0.0.1", "http://localhost", "data:", "blob:"))]
    assert requests and not off_host, off_host


def test_serve_binds_loopback_by_default(demo_out, monkeypatch):
    import dash

    from talentforecast.dashboard import serve

    seen = {}
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: seen.update(kw))
    serve(demo_out / "feed")
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8050 and seen["debug"] is False


def test_bad_folder_is_an_input_error(tmp_path):
    from talentforecast.errors import InputError

    with pytest.raises(InputError, match="feed folder"):
        create_app(tmp_path)
