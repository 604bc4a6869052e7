"""Acceptance: whose report each real file is, and of which year — for every
file of ../shared/real (pingtan/ included) and ../shared/seeds — through a
real mount.  The agency is the one the title names (never the office that
compiled or published it); the year is the title's; the title and the
publication date where the README or the file itself makes them certain
(a crawler's 标题: and 发布时间: lines, a page's 发布日期).

Skipped when ../shared is absent (a clone without the samples beside it)."""

import re

import pytest

import nbmount as nb

# source (relative to its directory) -> agency, year, title, published.
# None: the file does not make it certain (no check).  The pingtan pages'
# titles and dates are read from their own header lines below.
REAL = {
    "huaian-2024.pdftotext-layout.txt":
        ("淮安市人民政府", 2024, "淮安市人民政府2024年政府信息公开工作年度报告", None),
    "huaian-2024.pdftotext-raw.txt":
        ("淮安市人民政府", 2024, "淮安市人民政府2024年政府信息公开工作年度报告", None),
    "shuyang-county-2025.ocr.md":
        ("沭阳县人民政府", 2025, "沐阳县人民政府2025年政府信息公开工作年度报告", "2026-01-23"),
    "shuyang-fgj-2023.html":
        ("沭阳县发展和改革局", 2023, "沭阳县发展和改革局2023年政府信息公开年度报告", "2024-01-17"),
    "shanghai-office-2019.html":
        ("上海市人民政府办公厅", 2019, "2019年上海市人民政府办公厅政府信息公开工作年度报告",
         "2020-01-31"),
    "pingtan/pingtan-2023.txt": ("平潭综合实验区", 2023, None, None),
    "pingtan/pingtan-2023.html":
        ("平潭综合实验区", 2023, "平潭综合实验区2023年度政府信息公开工作年度报告", "2024-03-08"),
    "pingtan/pingtan-2021.txt": ("平潭综合实验区", 2021, None, None),
    "pingtan/pingtan-2019.txt": ("平潭综合实验区", 2019, None, None),
    "pingtan/pingtan-2017.txt": ("平潭综合实验区", 2017, None, None),
    "pingtan/pingtan-junshan-2022.txt": ("平潭综合实验区君山片区管理局", 2022, None, None),
    "pingtan/pingtan-county-2013.txt": ("平潭县人民政府", 2013, None, None),
}

SEEDS = {
    "000_9f664232744435af.txt":
        ("绥芬河市人民政府", 2019, "绥芬河市2019年政府信息公开工作年度报告", "2020-02-17"),
    # the title says 下陆区; the report does not print its city before it
    # where a name starts
    "001_b8f27916e8f9841a.txt":
        ("下陆区人民政府", 2016, "2016年下陆区政府信息公开工作年度报告", None),
    "002_ce18bc7ed76ec53d.txt": ("津市市药山镇人民政府", 2019, None, "2020-01-14"),
    "003_d66744a2008a7088.txt":
        ("安顺市人民政府办公室", 2020, "安顺市政府办公室2020年度信息公开工作年度报告",
         "2021-01-29"),
    "004_fa38032d3d611a12.txt": ("杭州市发展和改革委员会", 2018, None, None),
}


def crawler_header(path):
    """The 标题: and 发布时间: lines a crawler wrote above the article."""
    head = {}
    for line in path.read_text(encoding="utf-8").split("\n")[:12]:
        m = re.match(r"(标题|发布时间): *(.*)$", line)
        if m:
            head[m.group(1)] = m.group(2).strip()
    return head


def placed(mnt):
    """source -> (agency directory, year directory, meta.json)."""
    out = {}
    for agency in nb.agencies(mnt):
        for year in nb.years(mnt / agency):
            m = nb.meta(mnt / agency / year)
            assert m["source"] not in out, f"{m['source']} is in two places"
            out[m["source"]] = (agency, year, m)
    return out


@pytest.fixture(scope="module")
def real_placed(request, tmp_path_factory):
    return placed(nb.mount(request, nb.shared_dir("real"), tmp_path_factory.mktemp("real")))


@pytest.fixture(scope="module")
def seeds_placed(request, tmp_path_factory):
    return placed(nb.mount(request, nb.shared_dir("seeds"), tmp_path_factory.mktemp("seeds")))


def check(where, got, want, year_dirs_ok=True):
    agency, year, title, published = want
    adir, ydir, m = got
    assert adir == agency, f"{where}: in {adir}/{ydir}, the title names {agency}"
    assert m["agency"] == agency, where
    assert m["year"] == year, f"{where}: year {m['year']}, the title says {year}"
    assert re.fullmatch(rf"{year}(~\d+)?", ydir), f"{where}: in {adir}/{ydir}"
    assert m["year_rule"] == "title", f"{where}: year from {m['year_rule']}"
    if title is not None:
        assert m["title"] == title, where
    if published is not None:
        assert m["published"] == published, where


@pytest.mark.parametrize("source", REAL)
def test_real_agency_year_title(real_placed, source):
    assert source in real_placed, f"{source} is not in the mount: {sorted(real_placed)}"
    check(source, real_placed[source], REAL[source])


@pytest.mark.parametrize("source", [s for s in REAL if s.endswith(".txt")
                                    and s.startswith("pingtan/")])
def test_crawler_header_gives_title_and_date(real_placed, source):
    head = crawler_header(nb.shared_dir("real") / source)
    m = real_placed[source][2]
    # the header's title, spaces dropped between Han and digits
    want = re.sub(r"(?<=[\u4e00-\u9fff]) +(?=\d)|(?<=\d) +(?=[\u4e00-\u9fff])", "",
                  head["标题"])
    assert m["title"] == want, source
    assert m["published"] == head["发布时间"][:10], source


def test_every_real_file_is_checked(real_placed):
    real = nb.shared_dir("real")
    files = sorted(str(p.relative_to(real)) for p in real.rglob("*")
                   if p.is_file() and p.name != "README.md")
    assert sorted(REAL) == files, "a file of ../shared/real has no expectation here"
    assert sorted(real_placed) == files


def test_one_directory_per_agency_across_years(real_placed):
    """Reports of one agency in different years share its directory, so the
    cross-year checks can run."""
    years = {}
    for agency, ydir, _ in real_placed.values():
        years.setdefault(agency, set()).add(ydir.split("~")[0])
    assert years["平潭综合实验区"] == {"2017", "2019", "2021", "2023"}


@pytest.mark.parametrize("source", SEEDS)
def test_seed_agency_year_title(seeds_placed, source):
    assert source in seeds_placed, f"{source} is not in the mount: {sorted(seeds_placed)}"
    agency, year, title, published = SEEDS[source]
    adir, ydir, m = seeds_placed[source]
    assert adir == agency and m["year"] == year, f"{source}: in {adir}/{ydir}"
    if title is not None:
        assert m["title"] == title, source
    if published is not None:
        assert m["published"] == published, source
