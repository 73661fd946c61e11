"""The web page of ``retrofit serve`` through Starlette's TestClient: routes, language, CSRF,
the upload and row limits, escaping, the template and result downloads, error pages, the
result store and the ``serve`` command. The browser drives it in test_web_browser.py."""

from __future__ import annotations

import io
import json
import re
import sys
import tempfile
from pathlib import Path

import anyio
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from retrofit.cli import cli
from retrofit.core.exceptions import InventoryIssue
from retrofit.web import app as web_app
from retrofit.web import flow
from retrofit.web.app import create_app
from retrofit.web.store import ResultStore
from retrofit.web.views import bai_yi_table, problems
from retrofit.web.words import words

SAMPLE = Path("retrofit/samples/example_plant.csv")
#: The example's plants, as its first two columns name them
SAMPLE_PLANTS = {
    "SH-0001": "上海示例机械厂",
    "SH-0002": "上海示例化工厂",
    "SH-0003": "上海示例包装厂",
    "SH-0004": "上海示例科技园区",
}
SCRIPT = "<script>alert(1)</script>"


def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def with_cells(text: str, changes: dict[tuple[int, int], str], extra_header: str = "") -> str:
    """The CSV ``text`` with cells (data row index from 0, column index) replaced."""
    lines = text.splitlines()
    rows = [line.split(",") for line in lines]
    for (row, column), value in changes.items():
        rows[row + 1][column] = value
    if extra_header:
        rows[0].append(extra_header)
        for row in rows[1:]:
            row.append("x")
    return "\n".join(",".join(row) for row in rows) + "\n"


@pytest.fixture
def client() -> TestClient:
    return TestClient(create_app(), raise_server_exceptions=False)


def token_of(client: TestClient) -> str:
    client.get("/")
    token = client.cookies.get("retrofit_csrf")
    assert token and len(token) >= 40  # 32 random bytes, URL-safe
    return token


def upload(
    client: TestClient,
    data: bytes,
    name: str = "plant.csv",
    *,
    csrf: str | None = None,
    policy=("shanghai-2024",),
    **fields: str,
):
    form = {"csrf_token": csrf if csrf is not None else token_of(client), "policy": list(policy)}
    form |= {"region": "shanghai", "year": "2026", **fields}
    return client.post("/estimate", data=form, files={"inventory": (name, data, "text/csv")})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def result_token(html: str) -> str:
    found = re.search(r"/download/([A-Za-z0-9_-]{22})/report\.html", html)
    assert found, "no download link on the results page"
    return found.group(1)


# -- the page, its language and its headers ------------------------------------------------


def test_the_page_is_chinese_first_and_switches_to_english_by_a_kept_choice(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "设备更新节能自评" in page.text and "下载设备清单模板" in page.text
    assert "Upload" not in page.text  # no English sentence on the Chinese page
    assert "不会离开这台电脑" in page.text and "15 分钟后自动清除" in page.text
    assert 'href="/?lang=en"' in page.text
    english = client.get("/?lang=en")
    assert "Download the inventory template" in english.text
    assert client.cookies.get("retrofit_lang") == "en"
    assert "Download the inventory template" in client.get("/").text  # the cookie keeps it
    assert "下载设备清单模板" in client.get("/?lang=zh").text


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/static/app.js", "/no-such-page", "/template.csv"):
        response = client.get(path)
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert response.headers["x-content-type-options"] == "nosniff", path
    page = client.get("/").text
    assert "<script>" not in page and "style=" not in page  # no inline script or style
    assert not re.search(r"""(src|href)=["'](https?:|//)""", page)  # nothing from elsewhere


def test_the_csrf_cookie_is_strict_and_http_only(client):
    client.get("/")
    cookie = client.get("/").headers.get("set-cookie", "")
    assert "retrofit_csrf=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


@pytest.mark.parametrize(("lang", "header"), [("zh", "额定功率(kW)"), ("en", "rated_power_kw")])
def test_the_templates_download_in_either_language(client, lang, header):
    xlsx = client.get(f"/template.xlsx?lang={lang}")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[0] == "inventory"
    headers = [cell.value for cell in next(book["inventory"].iter_rows(max_row=1))]
    assert header in headers
    csv = client.get(f"/template.csv?lang={lang}")
    assert header in csv.content.decode("utf-8-sig").splitlines()[0].split(",")


# -- CSRF -----------------------------------------------------------------------------------


def test_a_post_without_the_sessions_token_is_refused(client):
    data = SAMPLE.read_bytes()
    missing = upload(client, data, csrf="")
    assert missing.status_code == 403 and "表单已失效" in missing.text
    wrong = upload(client, data, csrf="x" * 43)
    assert wrong.status_code == 403
    other = TestClient(create_app())  # a token of another session
    stolen = upload(client, data, csrf=token_of(other))
    assert stolen.status_code == 403
    api = client.post("/api/validate", json={"rows": []})
    assert api.status_code == 403 and "error" in api.json()


# -- limits ---------------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_refused_with_a_clear_message():
    client = TestClient(create_app(max_upload_bytes=4_000))
    response = upload(client, SAMPLE.read_bytes() * 3)  # the example is about 3 kB
    assert response.status_code == 413
    assert "超过本页" in response.text and "Traceback" not in response.text
    english = TestClient(create_app(max_upload_bytes=4_000, lang_default="en"))
    assert "larger than" in upload(english, SAMPLE.read_bytes() * 3).text


def test_the_size_is_counted_while_the_body_streams():
    """A body sent in chunks without Content-Length is cut at the limit, not read whole: the
    app asks for about 10 of the 1,000 chunks of 1 kB (TestClient would send the body whole,
    so the app is driven here as the server drives it)."""
    app = create_app(max_upload_bytes=10_000)
    asked = []
    sent: list[dict] = []

    opening = b'--xyz\r\nContent-Disposition: form-data; name="inventory"; filename="a.csv"\r\n\r\n'

    async def receive() -> dict:
        asked.append(1)
        body = opening if len(asked) == 1 else b"x" * 1_000
        return {"type": "http.request", "body": body, "more_body": len(asked) < 1_000}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/estimate",
        "raw_path": b"/estimate",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"multipart/form-data; boundary=xyz")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    anyio.run(app, scope, receive, send)
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 413
    assert len(asked) <= 12  # the opening, 10 kB, then the chunk that passes the limit


def test_an_inventory_over_the_row_limit_is_refused_with_a_clear_message():
    client = TestClient(create_app(max_rows=10))  # the example has 18 rows
    response = upload(client, SAMPLE.read_bytes())
    assert response.status_code == 413
    assert "超过本页 10 行的上限" in response.text


def test_a_workbook_over_the_row_limit_is_refused_before_it_is_read_whole():
    book = openpyxl.Workbook()
    for line in sample_text().splitlines():  # the example's 18 rows as a sheet
        book.active.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    client = TestClient(create_app(max_rows=10))
    response = upload(client, buffer.getvalue(), "plant.xlsx")
    assert response.status_code == 413 and "超过本页 10 行的上限" in response.text


# -- the flow: results, problems, downloads ---------------------------------------------------


@pytest.mark.slow  # a whole estimate (and its report or figures)
def test_the_bundled_example_gives_each_plants_verdict_on_both_bases_and_the_subsidies(client):
    response = upload(client, SAMPLE.read_bytes(), "示例.csv")
    assert response.status_code == 200
    page = text_of(response.text)
    for plant_id, name in SAMPLE_PLANTS.items():
        assert plant_id in page and name in page
    assert "当量值判定" in page and "等价值判定" in page
    # the example's plants give their energy as 等价值: that basis counts, on every plant (and
    # on the headline figure of the 等价值 saving)
    assert response.text.count("★ 计入") == 4 + 1
    # the subsidies in their three groups, with what supplies a missing input
    assert "适用 (" in page and "需补充信息（未计入）" in page and "不适用 (" in page
    assert "SH-355-SANSHOU" in page and "表头“三首”" in page
    assert "分措施节能量" in page and "更换充电桩" in page
    assert "/tmp" not in response.text  # never the private copy's path
    # the language switch keeps the result
    token = result_token(response.text)
    assert f'href="/result/{token}?lang=en"' in response.text
    english = client.get(f"/result/{token}?lang=en")
    assert "★ counts" in english.text and "Subsidies and tax rules" in english.text


@pytest.mark.slow  # a whole estimate (and its report or figures)
def test_each_download_opens(client):
    token = result_token(upload(client, SAMPLE.read_bytes(), "示例.csv").text)
    workbook = client.get(f"/download/{token}/workbook.xlsx")
    assert workbook.status_code == 200
    assert (
        "filename*=UTF-8''%E7%A4%BA%E4%BE%8B-workbook.xlsx"
        in workbook.headers["content-disposition"]
    )
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert len(book.sheetnames) >= 4
    data = json.loads(client.get(f"/download/{token}/result.json").content)
    assert len(data["assets"]) == 18 and len(data["plants"]) == 4
    assert data["assumptions"]["input"]["file"] == "示例.csv"
    report = client.get(f"/download/{token}/report.html")
    assert report.headers["content-type"].startswith("text/html")
    assert "script-src" not in report.headers["content-security-policy"]
    assert "百一" in report.text and "上海示例机械厂" in report.text
    assert client.get(f"/download/{token}/other.txt").status_code == 404


@pytest.mark.slow  # a whole estimate (and its report or figures)
def test_the_charts_are_svg_images_of_this_server(client):
    pytest.importorskip("matplotlib")
    token = result_token(upload(client, SAMPLE.read_bytes()).text)
    charts = client.get(f"/charts/{token}").json()
    assert len(charts) >= 3  # supply curve, savings by measure, 百一 shares at least
    first = client.get(charts[0]["url"])
    assert first.headers["content-type"] == "image/svg+xml"
    assert first.text.startswith("<svg") and "<script" not in first.text
    assert client.get(f"/chart/{token}/{len(charts)}.svg").status_code == 404


@pytest.mark.slow  # a whole estimate (and its report or figures)
def test_a_gbk_csv_is_read(client):
    # GBK has no ³: a GBK sheet writes m3
    response = upload(client, sample_text().replace("³", "3").encode("gbk"), "gbk.csv")
    assert response.status_code == 200
    assert "上海示例科技园区" in response.text and "★ 计入" in response.text


def test_every_problem_is_listed_at_once_with_row_column_and_header_as_typed(client):
    bad = with_cells(
        sample_text(), {(0, 6): "abc", (1, 4): "换电机啦", (2, 11): "150%"}, extra_header="备注栏"
    )
    response = upload(client, bad.encode("utf-8"), "bad.csv")
    assert response.status_code == 200
    rows = re.findall(
        r'<tr class="problem" data-type="([^"]+)">(.*?)</tr>', response.text, re.DOTALL
    )
    cells = [(kind, re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)) for kind, row in rows]
    assert [(kind, c[0], c[2], c[3]) for kind, c in cells] == [
        ("type-error", "2", "额定功率(kW)", "abc"),
        ("unknown-value", "3", "改造措施", "换电机啦"),
        ("out-of-range", "4", "负载率", "150%"),
    ]
    assert cells[0][1][1] == "额定功率"  # the column's glossary name
    assert cells[0][1][4] == "数据类型不符" and "数值 &gt; 0" in cells[0][1][5]
    assert "共 3 处问题" in response.text
    assert "<li>备注栏</li>" in response.text  # the header no column reads


def test_the_language_switch_of_the_problems_page_keeps_the_problems(client):
    """The switch leads to the same problems in English (not to an empty form), and back."""
    bad = with_cells(sample_text(), {(0, 6): "abc", (1, 4): "换电机啦"})
    response = upload(client, bad.encode("utf-8"), "bad.csv")
    switch = re.search(
        r'id="lang-switch" href="(/problems/([A-Za-z0-9_-]{22})\?lang=en)"', response.text
    )
    assert switch, "the switch does not lead to the kept problems"
    english = client.get(switch.group(1).replace("&amp;", "&"))
    assert english.status_code == 200
    rows = re.findall(r'<tr class="problem" data-type="([^"]+)">', english.text)
    assert rows == ["type-error", "unknown-value"]
    assert "2 problems" in text_of(english.text) and "bad.csv" in english.text
    assert f'href="/problems/{switch.group(2)}?lang=zh"' in english.text
    chinese = client.get(f"/problems/{switch.group(2)}?lang=zh")
    assert "共 2 处问题" in chinese.text
    # a problems token is not a result's, nor the other way round
    assert client.get(f"/result/{switch.group(2)}").status_code == 404
    assert client.get(f"/download/{switch.group(2)}/result.json").status_code == 404
    assert client.get("/problems/" + "A" * 22).status_code == 404


@pytest.mark.slow  # a whole estimate (and its report or figures)
@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("empty.csv", b"", "文件为空（0 字节）"),
        ("picture.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "不是 zip 压缩包"),
    ],
)
def test_a_file_that_is_no_inventory_is_one_problem_of_the_whole_file(client, name, data, said):
    response = upload(client, data, name)
    assert response.status_code == 200
    assert "共 1 处问题" in response.text and "整个文件" in response.text and said in response.text


@pytest.mark.slow  # a whole estimate and its report
def test_user_strings_are_escaped_everywhere(client):
    hostile = sample_text().replace("上海示例机械厂", SCRIPT).replace("M-001", SCRIPT)
    response = upload(client, hostile.encode("utf-8"), f"{SCRIPT}.csv")
    assert response.status_code == 200
    assert SCRIPT not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    token = result_token(response.text)
    assert SCRIPT not in client.get(f"/download/{token}/report.html").text
    bad = with_cells(hostile, {(0, 6): SCRIPT})
    problems_page = upload(client, bad.encode("utf-8"))
    assert SCRIPT not in problems_page.text and "&lt;script&gt;" in problems_page.text


def test_an_unknown_or_forgotten_result_says_so(client):
    response = client.get("/download/" + "A" * 22 + "/result.json")
    assert response.status_code == 404 and "已清除" in response.text


def test_a_bad_option_is_a_bad_request(client):
    response = upload(client, SAMPLE.read_bytes(), region="atlantis")
    assert response.status_code == 400 and "Traceback" not in response.text
    assert upload(client, SAMPLE.read_bytes(), policy=("nowhere",)).status_code == 400


def test_error_pages_never_show_a_traceback(client, monkeypatch):
    assert client.get("/nowhere").status_code == 404
    assert "页面不存在" in client.get("/nowhere").text
    assert client.put("/").status_code == 405
    assert "不支持" in client.put("/").text

    def broken(*args, **kwargs):
        raise RuntimeError("a bug with a secret path /home/x")

    monkeypatch.setattr(flow, "check_and_estimate", broken)
    response = upload(client, SAMPLE.read_bytes())
    assert response.status_code == 500
    assert "本机处理时出错" in response.text
    assert "Traceback" not in response.text and "/home/x" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.slow  # a whole estimate (and its report or figures)
def test_the_upload_is_read_in_a_private_folder_removed_after_the_response(
    client, monkeypatch, tmp_path
):
    seen = []
    read = flow.read_inventory

    def spying(path, **kwargs):
        seen.append((Path(path).parent, Path(path).parent.stat().st_mode & 0o777))
        return read(path, **kwargs)

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(flow, "read_inventory", spying)
    assert upload(client, SAMPLE.read_bytes()).status_code == 200
    assert seen and seen[0][1] == 0o700
    assert list(tmp_path.iterdir()) == []  # removed


# -- the typed rows (first version) ---------------------------------------------------------


def test_api_validate_checks_rows_with_the_same_issues_as_a_file(client):
    token = token_of(client)
    rows = [
        {
            "企业编号": "P1",
            "设备编号": "M1",
            "设备类型": "电机",
            "改造措施": "电机更换",
            "数量": "1",
            "额定功率(kW)": "abc",
            "极数": "4",
            "能效等级": "IE2",
            "年运行小时": "4000",
        },
    ]
    response = client.post("/api/validate", json={"rows": rows}, headers={"X-CSRF-Token": token})
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    first = body["problems"][0]
    # numbered as the typed table shows its rows: the first is row 1 (validate_records)
    assert (first["row"], first["header"], first["value"], first["type"]) == (
        "1",
        "额定功率(kW)",
        "abc",
        "type-error",
    )
    rows[0]["额定功率(kW)"] = "55"
    fixed = client.post("/api/validate", json={"rows": rows}, headers={"X-CSRF-Token": token})
    assert fixed.json()["valid"] is True, fixed.json()
    assert (
        client.post(
            "/api/validate", content=b"not json", headers={"X-CSRF-Token": token}
        ).status_code
        == 400
    )


# -- the pieces -----------------------------------------------------------------------------


def test_every_word_of_the_page_is_in_both_languages_and_chinese_in_chinese():
    chinese, english = words("zh"), words("en")
    assert chinese.keys() == english.keys()
    for key, text in chinese.items():
        assert text and english[key], key
        if not key.startswith("other_language"):  # the switch names the other language
            assert re.search(r"[\u4e00-\u9fff]", text), f"{key}: {text}"


def test_the_verdict_on_each_basis_marks_the_counting_one():
    """A plant of 1,000 tce 等价值 saving 5 tce 当量值 and 12 tce 等价值: 0.5 % < 1 % short on
    当量值, 1.2 % ≥ 1 % meets on 等价值, which counts."""
    plants = pd.DataFrame(
        [
            {
                "plant_id": "P1",
                "plant_name": "甲厂",
                "plant_energy_tce": 1000.0,
                "plant_energy_basis": "equal_value",
                "saving_share_equivalent": 5 / 1000,
                "saving_share_equal_value": 12 / 1000,
                "bai_yi_target_share": 0.01,
                "bai_yi_status": "meets (estimate)",
            }
        ]
    )
    row = bai_yi_table(plants, "zh").rows[0]
    assert row == [
        "P1",
        "甲厂",
        "1,000.00",
        "等价值",
        "0.50%",
        "未达到（估算）",
        "1.20%",
        "达到（估算） ★ 计入",
        "达到（估算）",
    ]
    english = bai_yi_table(plants, "en").rows[0]
    assert english[3] == "equal-value (等价值)"
    assert english[5] == "short (estimate)" and english[7] == "meets (estimate) ★ counts"


def test_a_problem_of_a_missing_column_names_it_without_a_typed_header():
    issue = InventoryIssue("missing-column", "a.csv", None, "rated_power_kw", None, "a column")
    (problem,) = problems([issue], {}, "zh")
    assert (problem.row, problem.column, problem.header) == ("整个文件", "额定功率", "")


def test_the_store_forgets_after_the_ttl_and_keeps_at_most_its_bound():
    now = [0.0]
    store = ResultStore(max_entries=2, ttl_s=900, clock=lambda: now[0])
    first = store.put("a", "a.csv")
    assert len(first) == 22  # 16 random bytes, URL-safe base64
    second = store.put("b", "b.csv")
    third = store.put("c", "c.csv")
    assert store.get(first) is None and store.get(second) is not None  # the oldest went
    now[0] = 899.0
    assert store.get(third) is not None
    now[0] = 900.0
    assert store.get(second) is None and store.get(third) is None and len(store) == 0


# -- the command ----------------------------------------------------------------------------


def test_serve_without_the_web_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # import uvicorn raises ImportError
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "pip install 'retrofit[web]'" in result.output and "make serve" in result.output
    assert "Traceback" not in result.output


def test_serve_prints_the_address_and_warns_off_loopback(monkeypatch):
    import uvicorn

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: started.append(kwargs))
    local = CliRunner().invoke(cli, ["serve", "--port", "9123"])
    assert local.exit_code == 0, local.output
    assert "http://127.0.0.1:9123/" in local.output and "warning" not in local.output
    assert started[-1]["host"] == "127.0.0.1" and started[-1]["port"] == 9123
    wide = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert "warning" in wide.output and "no authentication" in wide.output
    assert web_app.DEFAULT_MAX_ROWS == 10_000
