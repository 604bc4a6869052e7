"""The fixture corpus (tests/fixtures): every report must parse to the facts
and cells its .expect.json states.  The corpus itself is checked too: that
it covers the shapes, encodings and line ends it claims, that every table
lists every cell of its template, and that the expected numbers obey the
consistency rules except where a fixture breaks one on purpose."""

import json
import os
import re
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
REPORT_EXTS = {".txt", ".md", ".html", ".htm"}

SHAPES = {"pipe", "cell", "raw", "tab", "md", "layout", "html", "image", "free"}
ENCODINGS = {"UTF-8", "UTF-8 BOM", "GB18030", "UTF-16LE"}

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_ROWS = ["行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"]
T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
TOP1 = "一、本年新收政府信息公开申请数量"
TOP2 = "二、上年结转政府信息公开申请数量"
RES = "三、本年度办理结果/"
TOTAL = RES + "（七）总计"
TOP4 = "四、结转下年度继续办理"
LEAVES = (["（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"]
          + ["（三）不予公开/" + x for x in [
              "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
              "4.保护第三方合法权益", "5.属于三类内部事务信息", "6.属于四类过程性信息",
              "7.属于行政执法案卷", "8.属于行政查询事项"]]
          + ["（四）无法提供/" + x for x in [
              "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]]
          + ["（五）不予处理/" + x for x in [
              "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物",
              "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息"]])
OTHER_2021 = ["（六）其他处理/" + x for x in [
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "3.其他"]]
T3_ROWS = {
    "2021": [TOP1, TOP2] + [RES + x for x in LEAVES + OTHER_2021] + [TOTAL, TOP4],
    "2019": [TOP1, TOP2] + [RES + x for x in LEAVES + ["（六）其他处理"]] + [TOTAL, TOP4],
}
T2 = {
    "2019": {
        "第二十条第（一）项": (["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "规范性文件"]),
        "第二十条第（五）项": (["上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
        "第二十条第（六）项": (["上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "行政强制"]),
        "第二十条第（八）项": (["上一年项目数量", "本年增/减"], ["行政事业性收费"]),
        "第二十条第（九）项": (["采购项目数量", "采购总金额"], ["政府集中采购"]),
    },
    "2021": {
        "第二十条第（一）项": (["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
        "第二十条第（五）项": (["本年处理决定数量"], ["行政许可"]),
        "第二十条第（六）项": (["本年处理决定数量"], ["行政处罚", "行政强制"]),
        "第二十条第（八）项": (["本年收费金额（单位：万元）"], ["行政事业性收费"]),
    },
}


def corpus():
    """[(expect path, report path, expectation)] for every fixture."""
    out = []
    for exp in sorted(FIXTURES.rglob("*.expect.json")):
        stem = exp.name[: -len(".expect.json")]
        reports = [p for p in exp.parent.iterdir()
                   if p.name.startswith(stem + ".") and p.suffix in REPORT_EXTS
                   and p.name.count(".") == 1]
        assert len(reports) == 1, "%s: expected one report beside it, found %s" % (exp, reports)
        out.append((exp, reports[0], json.loads(exp.read_text(encoding="utf-8"))))
    return out


CORPUS = corpus()
IDS = [str(e.relative_to(FIXTURES)) for e, _, _ in CORPUS]


def test_corpus_covers_what_it_claims():
    assert len(CORPUS) >= 40
    assert {x["shape"] for _, _, x in CORPUS} >= SHAPES
    assert {x["encoding"] for _, _, x in CORPUS} >= ENCODINGS
    assert {x["year_rule"] for _, _, x in CORPUS} >= {"title", "period", "published"}
    templates = set()
    for _, _, x in CORPUS:
        templates.add(x.get("template"))
        templates.update(x.get("table_templates", {}).values())
    assert templates >= {"2019", "2021", "none"}
    assert any("table_templates" in x for _, _, x in CORPUS), "no mixed-format report"
    raw = [r.read_bytes() for _, r, _ in CORPUS]
    assert any(b"\r\n" in b for b in raw), "no CRLF report"
    assert any(b"\r" in b and b"\r\n" not in b for b in raw), "no CR report"


def decode(data, encoding):
    if encoding == "UTF-8 BOM":
        assert data.startswith(b"\xef\xbb\xbf")
        return data[3:].decode("utf-8")
    if encoding == "UTF-16LE":
        assert data.startswith(b"\xff\xfe")
        return data[2:].decode("utf-16-le")
    if encoding == "GB18030":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        return data.decode("gb18030")
    assert encoding == "UTF-8" and not data.startswith(b"\xef\xbb\xbf")
    return data.decode("utf-8")


@pytest.mark.parametrize("exp,report,x", CORPUS, ids=IDS)
def test_fixture_is_encoded_as_declared(exp, report, x):
    text = decode(report.read_bytes(), x["encoding"])
    assert len(text) > 200


def cells_of(x):
    """{table: {row: {col: value}}}, failing on a cell listed twice."""
    t = {}
    for table, row, col, value in x["cells"]:
        cols = t.setdefault(table, {}).setdefault(row, {})
        assert col not in cols, "%s / %s / %s listed twice" % (table, row, col)
        cols[col] = value
    return t


def template_of(x, table):
    return x.get("table_templates", {}).get(table) or x["template"]


@pytest.mark.parametrize("exp,report,x", CORPUS, ids=IDS)
def test_every_cell_of_every_table_is_listed(exp, report, x):
    t = cells_of(x)
    if not t:
        assert x.get("template") == "none" or x.get("warnings_contain"), \
            "a standard report without tables must expect a warning"
        return
    fmt = template_of(x, "申请情况")
    assert list(t["申请情况"]) == T3_ROWS[fmt]
    for row in T3_ROWS[fmt]:
        assert list(t["申请情况"][row]) == T3_COLS
    assert list(t["复议诉讼情况"]) == T4_ROWS
    for row in T4_ROWS:
        assert list(t["复议诉讼情况"][row]) == T4_COLS
    fmt2 = template_of(x, "第二十条第（一）项")
    for name, (cols, rows) in T2[fmt2].items():
        got = t[name]
        assert list(got)[: len(rows)] == rows, name
        for row in got:
            assert list(got[row]) == cols, (name, row)
    assert set(t) == set(T2[fmt2]) | {"申请情况", "复议诉讼情况"}
    for table in t.values():
        for row in table.values():
            for v in row.values():
                assert v is None or v == "" or v.lstrip("-").replace(".", "", 1).isdigit(), v


def num(v):
    return float(v) if v else 0.0     # a blank or unprinted cell counts as zero


def failing_rules(x):
    """The consistency rules of report-format.md that the expected cells
    break (blank = 0)."""
    t = cells_of(x)
    failed = set()
    t3 = t["申请情况"]
    for c in T3_COLS:
        if num(t3[TOP1][c]) + num(t3[TOP2][c]) != num(t3[TOTAL][c]) + num(t3[TOP4][c]):
            failed.add("t3.balance")
        results = [r for r in t3 if r.startswith(RES) and r != TOTAL]
        if abs(sum(num(t3[r][c]) for r in results) - num(t3[TOTAL][c])) > 1e-9:
            failed.add("t3.results")
    for row in t3.values():
        if sum(num(row[c]) for c in T3_COLS[:6]) != num(row["总计"]):
            failed.add("t3.row_total")
    for row in t["复议诉讼情况"].values():
        if sum(num(row[c]) for c in T4_COLS[:4]) != num(row["总计"]):
            failed.add("t4.total")
    return failed


@pytest.mark.parametrize("exp,report,x", [c for c in CORPUS if c[2]["cells"]],
                         ids=[i for i, c in zip(IDS, CORPUS) if c[2]["cells"]])
def test_expected_numbers_break_only_the_rules_they_declare(exp, report, x):
    assert failing_rules(x) == set(x.get("checks_failed", [])) | set(x.get("printed_breaks", []))


def accuracy_tool():
    tools = os.environ.get("NB_TOOLS")
    if not tools:
        pytest.skip("NB_TOOLS is not set: run through `make integration`")
    tool = pathlib.Path(tools) / "accuracy"
    assert tool.is_file(), "%s is missing: `make integration` builds it" % tool
    return tool


def test_every_fixture_parses_as_expected():
    r = subprocess.run([str(accuracy_tool()), "--strict", "-v", str(FIXTURES)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode != 2, "accuracy could not run:\n" + r.stderr
    assert r.returncode == 0, "mismatches (file: what):\n" + r.stdout + r.stderr


def test_accuracy_reports_a_wrong_number(tmp_path):
    """The tool itself: a fixture whose expectation contradicts its report
    must fail --strict and be counted as written wrong or missing."""
    exp, report, x = next(c for c in CORPUS if c[2]["shape"] == "pipe")
    shutil.copy(report, tmp_path / report.name)
    x = dict(x)
    x["cells"] = [list(c) for c in x["cells"]]
    x["cells"][0][3] = str(int(x["cells"][0][3] or "0") + 1000)
    (tmp_path / exp.name).write_text(json.dumps(x, ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([str(accuracy_tool()), "--strict", "-v", str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert x["cells"][0][3] in r.stdout
    # A wrong cell fails `make accuracy` too, without --strict, and is
    # named even without -v.
    r = subprocess.run([str(accuracy_tool()), str(tmp_path)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "WRONG" in r.stdout and x["cells"][0][3] in r.stdout


def test_accuracy_does_not_depend_on_where_the_corpus_lies(tmp_path):
    """The transforms' variations (a wrap's width) are seeded by each
    report's own name, not by its path: the same corpus scores the same
    wherever it is copied and however its path is written."""
    a, b = tmp_path / "a", tmp_path / "somewhere" / "deeper" / "b"
    for d in (a, b):
        shutil.copytree(FIXTURES, d, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    out = [subprocess.run([str(accuracy_tool()), str(d)], capture_output=True,
                          text=True, timeout=600, cwd=cwd)
           for d, cwd in ((a, None), (pathlib.Path("b"), b.parent))]
    assert out[0].returncode == 0, out[0].stdout + out[0].stderr
    assert out[0].stdout == out[1].stdout


@pytest.mark.skipif(not (shutil.which("opencc") and shutil.which("iconv")),
                    reason="make_fixtures.py needs opencc(1) and iconv(1)")
def test_corpus_is_what_the_generator_writes(tmp_path):
    subprocess.run([sys.executable, str(FIXTURES / "make_fixtures.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, timeout=300)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    have = sorted(p.relative_to(FIXTURES) for p in FIXTURES.rglob("*")
                  if p.is_file() and p.suffix != ".py" and p.name != "README.md"
                  and not p.name.startswith(".") and "__pycache__" not in p.parts)
    assert made == have
    for rel in made:
        assert (tmp_path / rel).read_bytes() == (FIXTURES / rel).read_bytes(), rel


def test_tables_are_made_only_through_the_certainty_stage():
    """Issue 6: certainty is a rule of the code, not of each reader.  The
    stage's commit (core/certainty.c) is the one place a table joins a
    report; a reader that grew r->tables itself would bypass it."""
    # the report is r or d->r throughout the core
    report = r"(?:\br|->r)"
    grow = re.compile(report + r"->tables\s*=(?!=)|" + report + r"->ntables\s*(\+\+|\+=|=(?!=))|"
                      r"\+\+\s*" + report + r"->ntables|realloc\s*\(\s*" + report + r"->tables")
    offenders = []
    for src in sorted((ROOT / "core").glob("*.c")):
        if src.name == "certainty.c":
            continue
        for n, text in enumerate(src.read_text(encoding="utf-8").splitlines(), 1):
            if grow.search(text):
                offenders.append(f"{src.name}:{n}: {text.strip()}")
    assert offenders == [], "tables made outside nb_stage_commit:\n" + "\n".join(offenders)
    assert grow.search((ROOT / "core" / "certainty.c").read_text(encoding="utf-8"))
