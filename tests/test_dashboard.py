import http.client
import io
import json
import threading
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("dash")

from werkzeug.serving import make_server  # noqa: E402

from talentforecast.dashboard import FeedData, callbacks, create_app, tables, views  # noqa: E402
from talentforecast.dashboard import app as app_mod  # noqa: E402
from talentforecast.dashboard.query import WarnFilter, warnings_page_rows  # noqa: E402
from talentforecast.export.sample import sample_run  # noqa: E402


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


def _raw_get(port: int, path: str) -> tuple[int, bytes]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    con.putrequest("GET", path, skip_accept_encoding=True)  # raw path: no client-side normalisation
    con.endheaders()
    resp = con.getresponse()
    body = resp.read()
    con.close()
    return resp.status, body


def _rows(data, **kw):
    return warnings_page_rows(data, WarnFilter(**kw), page_size=None)[0]


def test_loads_feed_run_and_demo_folders(demo_out):
    feed = FeedData.load(demo_out / "feed")
    via_demo = FeedData.load(demo_out)
    via_run = FeedData.load(demo_out / "run")
    assert feed.source == via_demo.source == demo_out / "feed"
    assert via_run.manifest["run_id"] == feed.manifest["run_id"] == "sample000000"
    assert sorted(via_run.get("warnings")["specialty"]) == sorted(feed.get("warnings")["specialty"])
    assert feed.files and not feed.frames  # a feed on disk is queried from its Parquet files, not loaded


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
        assert status in (200, 400, 404, 500), path
        if status == 200:  # only the app shell (Dash's catch-all page route) may answer
            assert body.lstrip().startswith(b"<!DOCTYPE html>"), path
    status, body = _raw_get(port, "/assets/style.css")
    assert status == 200 and b"Noto Sans CJK" in body


def test_app_makes_no_write_and_has_no_external_resources(server):
    _, port = server
    status, body = _raw_get(port, "/")
    assert status == 200
    assert b"http://" not in body.replace(b"http://127.0.0.1", b"") and b"https://" not in body


def test_index_page_carries_the_first_rows(server):
    """Before Dash's scripts run, /warnings already shows its first page (plain HTML), in Chinese."""
    _, port = server
    status, body = _raw_get(port, "/warnings?level=red")
    text = body.decode("utf-8")
    assert status == 200 and 'id="react-entry-point"' in text and "Loading..." not in text
    assert "正在加载交互页面" in text and "460104 机械制造及自动化" in text and "共 2 条" in text
    assert "530101" not in text  # the filter in the URL applies
    status, body = _raw_get(port, "/shortage")
    assert status == 200 and 'id="shell-rows"' in body.decode("utf-8")


def test_filters_paging_and_english(demo_out):
    data = FeedData.load(demo_out)
    red = _rows(data, warning_level="red")
    assert set(red["warning_level"]) == {"red"} and len(red) == 2
    cat = _rows(data, category="高职专科|46")
    assert set(cat["category_code"]) == {"46"} and set(cat["level"]) == {"高职专科"} and len(cat) == 2
    assert _rows(data, category="中职|46").empty  # category codes are per level
    # 示例商贸旅游职业学院 offers these specialties in the districts below the city
    school = _rows(data, school="示例商贸旅游职业学院", region="990100")
    assert sorted(school["specialty"]) == ["460301", "530101", "710102"]
    assert _rows(data, region="990101").empty
    assert list(_rows(data, search="计算机")["specialty"]) == ["510201"]
    assert list(_rows(data, search="4601")["specialty"]) == ["460104"]
    assert set(_rows(data, level="中职")["level"]) == {"中职"}
    # paging and sorting happen in the query: page 2 of 4-row pages holds the rest
    page0, total = warnings_page_rows(data, WarnFilter(), [{"column_id": "specialty", "direction": "desc"}], 0, 4)
    page1, _ = warnings_page_rows(data, WarnFilter(), [{"column_id": "specialty", "direction": "desc"}], 1, 4)
    every = list(page0["specialty"]) + list(page1["specialty"])
    assert total == 6 and len(page0) == 4 and every == sorted(every, reverse=True)
    # current enrolment: the provision's last year summed over the districts below the city
    prov = data.get("provision")
    want = prov[(prov["specialty"] == "460104") & (prov["year"] == prov["year"].max())]["enrolled"].sum()
    assert red.set_index("specialty").loc["460104", "enrolled"] == want
    zh = json.dumps(tables.warn_records(red, "zh"), ensure_ascii=False)
    en = json.dumps(tables.warn_records(red, "en"), ensure_ascii=False)
    assert "停止招生/退出" in zh and "stop enrolment / exit" in en and "Example City" in en
    assert "46 装备制造大类(高职专科)" in zh and "](/specialty?region=990100&specialty=460104" in zh


def _triggered(prop_id: str) -> None:
    """Set the callback context as Dash does when ``prop_id`` fires (for calling a callback directly)."""
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": 1}]))


def test_server_paged_grid_pages_sorts_and_restarts_on_a_new_filter(demo_out, monkeypatch):
    """The grid's callback: a pager button turns the page, a header click (the grid's column state)
    sorts on the server and keeps the page, a resized column changes nothing, a new filter starts
    at page 1."""
    from dash import no_update

    monkeypatch.setattr(tables, "PAGE_SIZE", 4)  # the sample's 6 warnings: two pages
    data = FeedData.load(demo_out)

    def view(sort, page):
        return views.warn_view(data, WarnFilter(), sort, page, "zh")

    def specs(recs):
        return [r["specialty"].split("](")[0].lstrip("[").split()[0] for r in recs]

    _triggered("warnings-table-next.n_clicks")
    recs, state, label, *disabled, msg, count = callbacks._paged(
        "warnings-table", {"page": 0, "pages": 2, "sort": []}, None, view, "zh")
    assert state == {"page": 1, "pages": 2, "sort": []} and label == "页码 2 / 2" and count == "共 6 条"
    assert disabled == [False, False, True, True] and msg is None
    assert specs(recs) == list(warnings_page_rows(data, WarnFilter(), None, 1, 4)[0]["specialty"])
    by_spec = [{"colId": "region", "sort": None}, {"colId": "specialty", "sort": "desc", "sortIndex": 0}]
    _triggered("warnings-table.columnState")
    recs, state, label, *_ = callbacks._paged("warnings-table", state, by_spec, view, "zh")
    want = [{"column_id": "specialty", "direction": "desc"}]
    assert state == {"page": 1, "pages": 2, "sort": want} and label == "页码 2 / 2"
    assert specs(recs) == list(warnings_page_rows(data, WarnFilter(), want, 1, 4)[0]["specialty"])
    assert specs(recs) == sorted(specs(recs), reverse=True)
    resized = [{**c, "width": 300} for c in by_spec]
    assert callbacks._paged("warnings-table", state, resized, view, "zh") is no_update
    _triggered("warn-level.value")
    recs, state, label, *disabled, _, _ = callbacks._paged("warnings-table", state, by_spec, view, "en")
    assert state["page"] == 0 and label == "Page 1 of 2" and disabled == [True, True, False, False]
    assert specs(recs) == list(warnings_page_rows(data, WarnFilter(), want, 0, 4)[0]["specialty"])


def test_school_rows_are_filtered_directly_when_the_feed_has_them():
    """District and 专业点 warning rows (a ``school`` column) light up the filters without code changes."""
    import pandas as pd

    from talentforecast.export import feed_tables

    tables_, _ = feed_tables(sample_run())
    city = tables_["warnings"]
    units = city.head(2).assign(region="990101", school=["示例职业技术学院", "示例商贸旅游职业学院"])
    tables_["warnings"] = pd.concat([city.assign(school=None), units], ignore_index=True)
    data = FeedData({"as_of": 2024}, frames=tables_)
    got = _rows(data, school="示例商贸旅游职业学院")
    assert list(got["school"]) == ["示例商贸旅游职业学院"] and list(got["region"]) == ["990101"]
    assert [o["value"] for o in views.school_options(data)] == ["示例商贸旅游职业学院", "示例职业技术学院"]
    assert "990101" in [o["value"] for o in views.options(data, "warnings", "region", "zh")]
    assert tables.warn_columns("zh", True, 2024)[0]["field"] == "school"


def test_category_names_carry_their_level(demo_out):
    data = FeedData.load(demo_out)
    labels = [o["label"] for o in views.category_options(data, "zh", None)]
    assert len(labels) == len(set(labels)) and all(lab.endswith(")") for lab in labels)
    assert {o["value"].split("|")[0] for o in views.category_options(data, "zh", "中职")} == {"中职"}


def test_failing_callback_clears_rows_and_says_why():
    seen = []

    class Log:
        def exception(self, *a):
            seen.append(a)

    class App:
        logger = Log()

    @callbacks._guard(App(), lambda lang, err: ([], 1, 0, callbacks.error_notice(lang, err), ""))
    def boom(level, lang):
        raise KeyError("category_code")

    rows, _, _, notice, _ = boom("orange", "en")
    assert rows == [] and "KeyError" in notice.children and "table was cleared" in notice.children and seen


def _serialise(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json()
                      if hasattr(o, "to_plotly_json") else str(o), ensure_ascii=False)


def test_every_page_renders_in_both_languages(demo_out):
    data = FeedData.load(demo_out)
    q = {"region": "990100", "specialty": "460104", "level": "高职专科"}
    for path, render in app_mod.ROUTES.items():
        for lang in ("zh", "en"):
            assert _serialise(render(data, lang, q)), path
    detail = _serialise(app_mod.ROUTES["/specialty"](data, "zh", q))
    assert "毕业去向落实率 52%" in detail and "moe-2011.employment_rate" in detail
    assert "短缺线 0.85" in detail and "过剩线 1.15" in detail  # band thresholds drawn on S/D
    shortage = _serialise(views.shortage_page(data, "zh", {}))
    assert "需求/供给 D/S" in shortage and "基准情景 (baseline)" in shortage
    assert '"search": "搜索"' in shortage  # dcc.Dropdown's own strings translated
    glossary = _serialise(views.glossary_page(data, "en", {}))
    assert "Probability" in glossary and "destination rate" in glossary and "shortage (≤0.85)" in glossary
    # the sample feed holds backtest_metrics: the retrospective page shows it
    assert "smape" in _serialise(views.retrospective_page(data, "zh", {}))


def test_retrospective_page_empty_state():
    run = sample_run()
    run.tables.pop("backtest_metrics", None)
    data = FeedData.from_run(run)
    assert "没有回顾评估表" in _serialise(views.retrospective_page(data, "zh", {}))


def test_downloads_keep_codes_as_text(demo_out):
    import base64

    import openpyxl

    data = FeedData.load(demo_out)
    rows = _rows(data)
    payload = tables.send(rows, "xlsx", "warnings")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(payload["content"])))
    sheet = book["warnings"]
    head = [c.value for c in sheet[1]]
    col = head.index("specialty") + 1
    codes = [sheet.cell(row=i, column=col).value for i in range(2, sheet.max_row + 1)]
    assert codes == list(rows["specialty"]) and all(isinstance(c, str) for c in codes)
    assert sheet.cell(row=2, column=col).number_format == "@" and "reasons" not in head
    csv = tables.send(rows, "csv", "warnings")
    assert csv["content"].startswith("\ufeff") and csv["filename"] == "warnings.csv"
    assert len(csv["content"].strip().splitlines()) == len(rows) + 1


def test_compare_two_feeds(demo_out):
    from talentforecast.dashboard.compare import compare_page, compare_rows

    data = FeedData.load(demo_out)
    w = data.get("warnings")
    w.loc[w["specialty"] == "460104", "warning_level"] = "yellow"   # red here, yellow there: worse here
    w.loc[w["specialty"] == "540101", "warning_level"] = "green"    # blue here, green there: better here
    other = FeedData({"run_id": "other", "as_of": 2023}, frames={"warnings": w[w["specialty"] != "530101"]})
    rows = compare_rows(data, other).set_index("specialty")
    assert rows.loc["460104", "change"] == "worse" and rows.loc["540101", "change"] == "better"
    assert rows.loc["530101", "change"] == "new" and list(rows["change"])[:2] == ["worse", "better"]
    assert (rows.drop(["460104", "540101", "530101"])["change"] == "same").all()
    assert "加重 1 · 减轻 1 · 新增 1 · 不变 3" in _serialise(compare_page(data, other, "zh"))
    assert "--compare" in _serialise(compare_page(data, None, "en"))


def test_compare_keeps_planning_units_apart():
    # a district row and its two schools' 专业点 rows share region × specialty × level
    from talentforecast.dashboard.compare import compare_page, compare_rows

    w = pd.DataFrame({"planning_unit": ["district", "programme", "programme"], "region": "990101",
                      "school": ["*", "甲校", "乙校"], "specialty": "510201", "level": "高职专科",
                      "year": 2025, "warning_level": ["green", "blue", "yellow"]})
    this = FeedData({"run_id": "a", "as_of": 2024}, frames={"warnings": w})
    rows = compare_rows(this, FeedData({"run_id": "b", "as_of": 2023}, frames={"warnings": w}))
    assert len(rows) == 3 and (rows["change"] == "same").all()
    w2 = w.assign(warning_level=["green", "green", "yellow"])  # last year 甲校 was green
    rows = compare_rows(this, FeedData({"run_id": "b", "as_of": 2023}, frames={"warnings": w2}))
    assert rows["change"].tolist() == ["better", "same", "same"] and rows["school"].iloc[0] == "甲校"
    assert "减轻 1 · 不变 2" in _serialise(compare_page(this, FeedData({"run_id": "b", "as_of": 2023},
                                                                   frames={"warnings": w2}), "zh"))


def test_cli_says_clearly_when_the_feed_is_missing_or_empty(tmp_path):
    from typer.testing import CliRunner

    from talentforecast.cli import app

    res = CliRunner().invoke(app, ["dashboard", str(tmp_path / "nowhere")])
    assert res.exit_code != 0 and "feed" in res.output
    (tmp_path / "feed.json").write_text(json.dumps({"tables": {}}), encoding="utf-8")
    res = CliRunner().invoke(app, ["dashboard", str(tmp_path)])
    assert res.exit_code != 0 and "至少含一张表的数据接口" in res.output


def test_serve_binds_loopback_by_default(demo_out, monkeypatch):
    import dash

    from talentforecast.dashboard import serve

    seen = {}
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: seen.update(kw))
    serve(demo_out / "feed")
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8050 and seen["debug"] is False


def test_bad_folder_is_an_input_error(tmp_path):
    from talentforecast.errors import InputError

    with pytest.raises(InputError, match="应为 数据接口文件夹（含 feed.json）、测算文件夹（含 manifest.json）") as err:
        create_app(tmp_path)
    assert "feed folder" in err.value.render("en")
    (tmp_path / "feed.json").write_text(json.dumps({"tables": {}}), encoding="utf-8")
    with pytest.raises(InputError, match="至少含一张表的数据接口") as err:
        create_app(tmp_path)
    assert "at least one table" in err.value.render("en")
    (tmp_path / "feed.json").write_text(json.dumps({"tables": {"supply": {"files": {"csv": "supply.csv"}}}}),
                                        encoding="utf-8")
    with pytest.raises(InputError, match="值为 'supply'；应为 此数据接口中以 Parquet 格式写出的表"):
        create_app(tmp_path)
