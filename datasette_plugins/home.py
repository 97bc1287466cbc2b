"""The home page: in three lines what the data is, how much of it there is and where to start; then the
question box, the search box, the ready-made questions and the tables, in Chinese.

The database file can be downloaded whole (Datasette's /gkreport.db); the page gives its size and the
date it was written, never where it lies on the server.
"""

from __future__ import annotations

import datetime
import os

from datasette import hookimpl

from gkreport.site import NAME

from datasette_plugins.labels import split_title


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return {}

    async def home():
        db = datasette.get_database(NAME)
        queries = await datasette.get_canned_queries(NAME, None)
        counts = await db.table_counts()
        tables = []
        for name, meta in (datasette.metadata("tables", database=NAME) or {}).items():
            if meta.get("hidden") or name not in counts:
                continue
            title, title_en = split_title(meta.get("title") or name)
            tables.append({"name": name, "title": title, "title_en": title_en,
                           "description": meta.get("description") or "", "count": counts[name]})
        # apart, so that each reads an index: together they read every report (0.8 s at 144,384)
        first, last = (await db.execute("select min(year), max(year) from reports")).first()
        agencies = (await db.execute("select count(distinct agency_id) from reports")).first()[0]
        years = (first, last, agencies)
        provinces = (await db.execute(
            "select count(distinct province) from region_totals where province is not null")).first()[0]
        written = None
        if db.path and os.path.exists(db.path):  # the file or its write-ahead log, whichever was written last
            times = [os.stat(p).st_mtime for p in (db.path, db.path + "-wal") if os.path.exists(p)]
            written = datetime.date.fromtimestamp(max(times)).isoformat()
        return {
            "database": NAME,
            "queries": [{"name": n, "title": q.get("title") or n, "description": q.get("description") or ""}
                        for n, q in queries.items() if not n.startswith("chart_")],
            "chart_queries": [{"name": n, "title": q.get("title") or n} for n, q in queries.items()
                              if n.startswith("chart_")],
            "tables": tables,
            "reports": counts.get("reports") or 0,
            "year_from": years[0], "year_to": years[1], "agencies": years[2], "provinces": provinces,
            "download": {"size": db.size, "date": written, "name": f"{NAME}.db"} if datasette.setting("allow_download")
            and not db.is_mutable else None,
        }

    return {"gk_home": home}
