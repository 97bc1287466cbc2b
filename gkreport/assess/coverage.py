"""Coverage: for every body of the roster and every year it is expected in, its report or none.

The years are those of the database, from its earliest report's year to its latest; a body that
first published later is expected from that year on. `coverage` has one row per body and year
(report_id NULL when the database holds no report of it), `coverage_totals` the counts by year,
province and kind for the overview. A body whose reports the database lacks may still have
published them: "none" means none here, which is what the pages say.
"""

from __future__ import annotations


def rebuild(conn) -> int:
    """Write `coverage` and `coverage_totals` anew from `roster` and `reports`; returns the rows of `coverage`."""
    conn.execute("drop table if exists coverage")
    conn.execute("create table coverage (agency_id text, agency_name text, year integer, "
                 "province text, city text, county text, level text, kind text, source text, "
                 "report_id text references reports(id), reports integer, primary key (agency_id, year))")
    conn.execute("""
        with recursive span(year, last) as (
          select min(year), max(year) from reports where year is not null
          union all select year + 1, last from span where year < last),
        published as (
          select agency_id, year, min(id) as report_id, count(*) as reports from reports
          where agency_id is not null and year is not null group by agency_id, year)
        insert into coverage
        select o.agency_id, o.name, span.year, o.province, o.city, o.county, o.level, o.kind, o.source,
               p.report_id, coalesce(p.reports, 0)
        from roster o join span on span.year >= coalesce(o.first_year, span.year)
        left join published p on p.agency_id = o.agency_id and p.year = span.year
    """)
    conn.execute("create index idx_coverage_year on coverage (year, province, kind)")
    conn.execute("drop table if exists coverage_totals")
    conn.execute("""
        create table coverage_totals as
        select year, province, kind, source, count(*) as expected, count(report_id) as published
        from coverage group by year, province, kind, source
    """)
    return conn.execute("select count(*) from coverage").fetchone()[0]
