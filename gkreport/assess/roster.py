"""The roster: every body expected to publish an annual report, year by year.

Two sources. Every government at county level and above, from the division data of regions.py
(3,209 of them: 香港 and 澳门 are outside the 条例), expected in every year the database holds; and
every body that has published at least once, expected from the year of its first report on (it
may not have existed before). Each roster government carries the id its own reports are stored
under (regions.governments names it as the parser does), so a government that publishes is the
same row in both sources.
"""

from __future__ import annotations

from ..regions import agency_id, governments

COLUMNS = ("agency_id", "name", "province", "city", "county", "adcode", "level", "kind", "source", "first_year")


def rebuild(conn) -> int:
    """Write the `roster` table anew; returns its row count."""
    conn.execute("drop table if exists roster")
    conn.execute("create table roster (agency_id text primary key, name text, "
                 "province text, city text, county text, adcode text, level text, kind text, "
                 "source text, first_year integer)")
    conn.executemany(
        f"insert into roster values ({', '.join('?' * len(COLUMNS))})",
        ((agency_id(g), g.name, g.province, g.city, g.county, g.adcode, g.level, g.kind, "division", None)
         for g in governments()))
    # every body with a report of a known year; a government already listed keeps its row
    conn.execute("""
        insert or ignore into roster
        select a.id, a.name, a.province, a.city, a.county, a.adcode, a.level, a.kind, 'published', f.first
        from agencies a join (select agency_id, min(year) as first from reports
                              where agency_id is not null and year is not null group by agency_id) f
          on f.agency_id = a.id
    """)
    conn.execute("create index idx_roster_province on roster (province, kind)")
    return conn.execute("select count(*) from roster").fetchone()[0]
