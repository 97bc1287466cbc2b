"""Timeliness: each report's publication date against the deadline of 条例第四十九条.

县级以上人民政府部门 publish by 31 January of the following year, 县级以上地方人民政府 by 31 March.
A government's own office (办公室) is one of its departments, and so is a 开发区管委会. The
regulation sets no date for 乡镇 and 街道, for the central government, or for bodies outside the
administration (courts, 人大, party organs), nor is one set when the kind or level of the body is
unknown: those reports get no deadline. The deadline day itself is on time; days late are calendar
days after it. A report with no printed date is never counted late, and is not shown to be on time
either (late is NULL); nor is one dated before its year ended, which is a misread date, not a report.
"""

from __future__ import annotations

from . import derived_checks

RULE = "published_late"
GOVERNMENT = "县级以上地方人民政府，次年3月31日前"
DEPARTMENT = "县级以上人民政府部门，次年1月31日前"
ARTICLE = "条例第四十九条"

# (deadline as SQL over r = reports and a = agencies, what it rests on)
_ABOVE_COUNTY = "a.level in ('province', 'city', 'county')"
DEADLINE = f"""case
  when a.kind = 'government' and {_ABOVE_COUNTY} then (r.year + 1) || '-03-31'
  when a.kind in ('department', 'general_office') and (a.level = 'central' or {_ABOVE_COUNTY}) then (r.year + 1) || '-01-31'
end"""
BASIS = f"""case
  when a.kind = 'government' and {_ABOVE_COUNTY} then '{ARTICLE}：{GOVERNMENT}'
  when a.kind in ('department', 'general_office') and (a.level = 'central' or {_ABOVE_COUNTY}) then '{ARTICLE}：{DEPARTMENT}'
  when a.id is null or a.kind is null or a.level is null then '机关的类别或层级不详，无法确定期限'
  else '{ARTICLE}未规定这类机关的公布期限'
end"""


def rebuild(conn) -> int:
    """Write `timeliness` anew and the checks of late reports; returns how many are late."""
    conn.execute("drop table if exists timeliness")
    conn.execute("create table timeliness (report_id text primary key references reports(id), agency_id text, "
                 "agency_name text, year integer, province text, level text, kind text, published_date text, "
                 "deadline text, days_late integer, late integer, basis text, note text)")
    conn.execute(f"""
        with t as (
          select r.id, r.agency_id, r.agency_name, r.year, r.province, a.level, a.kind, r.published_date,
                 {DEADLINE} as deadline, {BASIS} as basis,
                 date(julianday(r.published_date)) is r.published_date as valid,
                 r.published_date < (r.year + 1) || '-01-01' as early
          from reports r left join agencies a on a.id = r.agency_id
          where r.year is not null)
        insert into timeliness
        select id, agency_id, agency_name, year, province, level, kind, published_date, deadline,
               case when days is not null then max(days, 0) end, case when days is not null then days > 0 end,
               basis,
               case when published_date is null then '报告中没有发布日期'
                    when not valid then '发布日期不是有效日期'
                    when early then '发布日期早于统计年度结束，可能读错'
               end
        from (select *, case when deadline is not null and published_date is not null and valid and not early
                             then cast(julianday(published_date) - julianday(deadline) as integer) end as days
              from t)
    """)
    conn.execute("create index idx_timeliness_late on timeliness (late, year, province)")
    rows = [(rid, f"发布日期 {published} 晚于{ARTICLE}规定的期限 {deadline}（{basis.split('：', 1)[1]}），"
                  f"逾期 {days} 天。", deadline, str(days), "reports.published_date")
            for rid, published, deadline, basis, days in conn.execute(
                "select report_id, published_date, deadline, basis, days_late from timeliness where late = 1")]
    return derived_checks.replace(conn, RULE, rows)
