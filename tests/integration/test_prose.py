"""Prose of PDF text as the user greps it, through a real mount of our own
fixtures: hard-wrapped lines joined (a number cut by the wrap joined back
without a space), page numbers and running headers gone, sub-headings kept
on their own lines; and the facts of the title and crawler-header fixtures
(tests/fixtures: hongchuan, shangcheng, jiangzhou-kewei, pingchuan)."""

import shutil

import pytest

import nbmount as nb

FIXTURES = nb.Path(__file__).resolve().parents[1] / "fixtures"
FILES = ["layout/hongchuan-2023-office.txt", "raw/shangcheng-2025-wrapped.txt",
         "pipe/jiangzhou-kewei-2024.txt", "pipe/pingchuan-2023-crawler.txt"]


@pytest.fixture(scope="module")
def mnt(request, tmp_path_factory):
    raw = tmp_path_factory.mktemp("prose-raw")
    for f in FILES:
        shutil.copy(FIXTURES / f, raw / f.split("/")[1])
    return nb.mount(request, raw, tmp_path_factory.mktemp("prose"))


def text(mnt, agency, year, name="report.txt"):
    return nb.cat(nb.report_dir(mnt, agency, year) / name).decode("utf-8")


@pytest.mark.parametrize("agency,year", [("江州市洪川区人民政府", "2023"),
                                         ("尚城市人民政府办公厅", "2025")])
def test_wrapped_lines_joined(mnt, agency, year):
    t = text(mnt, agency, year)
    lines = t.split("\n")
    # every wrapped sentence of section 一 is whole on one line
    assert any(ln.startswith("全年收到政府信息公开申请") and ln.endswith("答复文书规范。")
               for ln in lines), t
    assert any(ln.startswith("严格执行公开前保密审查制度") and ln.endswith("条。")
               for ln in lines), t
    assert any(ln.startswith("将政务公开纳入年度绩效考核") and ln.endswith("次。")
               for ln in lines), t
    # sub-headings stay on their own lines
    assert "（一）主动公开" in lines and "（五）监督保障" in lines
    section = text(mnt, agency, year, "1-总体情况/text.txt")
    assert "（二）依申请公开\n全年收到政府信息公开申请" in section


def test_number_cut_by_the_wrap_is_whole(mnt):
    t = text(mnt, "江州市洪川区人民政府", "2023")
    # the fixture wraps 巡查 1 / 9 次 and 2023 年 1 / 2 月 31 日
    assert "开展网站巡查19次" in t
    assert "至2023年12月31日止" in t


def test_page_furniture_gone(mnt):
    t = text(mnt, "江州市洪川区人民政府", "2023")
    body = t.split("\n", 2)[2]
    assert "-1-" not in body and "-2-" not in body
    # the running header atop each page is in no paragraph
    assert "洪川区人民政府2023年政府信息公开工作年度报告" not in body


@pytest.mark.parametrize("agency,year,title,published", [
    ("江州市洪川区人民政府", 2023, "洪川区人民政府2023年政府信息公开工作年度报告", "2024-01-26"),
    ("尚城市人民政府办公厅", 2025, "2025年尚城市人民政府办公厅政府信息公开工作年度报告", None),
    ("江州市科学技术委员会", 2024, "2024年江州市科委政府信息公开工作年度报告", "2025-01-15"),
    ("平川综合实验区", 2023, "平川综合实验区2023年度政府信息公开工作年度报告", "2024-03-08"),
])
def test_title_facts(mnt, agency, year, title, published):
    m = nb.meta(nb.report_dir(mnt, agency, str(year)))
    assert m["title"] == title
    assert m["year"] == year and m["year_rule"] == "title"
    assert m["published"] == published
