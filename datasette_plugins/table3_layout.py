"""Table 3 as the national format prints it, group headings included, for the report page.

    项目 (3 columns wide)        | 申请人情况: 自然人 | 法人或其他组织 (商业企业 … 其他) | 总计
    一、本年新收 …
    二、上年结转 …
    三、本年度办理结果 ┬ （一）予以公开
                       ├ （三）不予公开 ┬ 1.属于国家秘密
                       │                └ …
                       └ （七）总计
    四、结转下年度继续办理

gkreport.layout's grid (for the terminal and the downloads) names a group on its first row only; here
each group heading spans its rows, as printed. Each value cell keeps its database location, so the
checks mark the cells they concern (report_page.cell_checks).
"""

from __future__ import annotations

from gkreport import template as T
from gkreport.layout import fmt_value

RESULTS = "三、本年度办理结果"


def _head(text: str, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "header": True, "colspan": colspan, "rowspan": rowspan, "location": None,
            "flagged": False, "title": ""}


def table3_rows(requests: dict[str, dict], fmt: str | None, checks_at) -> list[list[dict]]:
    """Rows of cells ({text, header, colspan, rowspan, location, flagged, title}); checks_at(location)
    gives the checks that concern a cell."""
    fmt = fmt if fmt in (T.T2019, T.T2021) else T.T2021
    organisations = [label for _, label in T.APPLICANT_COLUMNS[1:-1]]
    rows = [
        [_head("项目", colspan=3, rowspan=3), _head("申请人情况", colspan=len(T.APPLICANT_COLUMNS))],
        [_head(T.APPLICANT_COLUMNS[0][1], rowspan=2), _head("法人或其他组织", colspan=len(organisations)),
         _head(T.APPLICANT_COLUMNS[-1][1], rowspan=2)],
        [_head(label) for label in organisations],
    ]
    keys = T.request_rows_for(fmt)
    in_results = [k for k in keys if T.REQUEST_ROW_BY_KEY[k].group]
    for key in keys:
        row = T.REQUEST_ROW_BY_KEY[key]
        cells = []
        if not row.group:
            cells.append(_head(row.label, colspan=3))
        else:
            if key == in_results[0]:
                cells.append(_head(RESULTS, rowspan=len(in_results)))
            if row.group == RESULTS:
                cells.append(_head(row.label, colspan=2))
            else:
                group = [k for k in keys if T.REQUEST_ROW_BY_KEY[k].group == row.group]
                if key == group[0]:
                    cells.append(_head(row.group, rowspan=len(group)))
                cells.append(_head(row.label))
        values = requests.get(key, {})
        for column in T.APPLICANT_KEYS:
            location = f"request_stats.{key}.{column}"
            found = checks_at(location)
            cells.append({"text": fmt_value(values.get(column)), "header": False, "colspan": 1, "rowspan": 1,
                          "location": location, "flagged": bool(found),
                          "title": "；".join(c["message"] for c in found)})
        rows.append(cells)
    return rows
