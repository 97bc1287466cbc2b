"""The home page: what the site holds, a search box, the ready-made questions and the tables, in Chinese."""

from datasette import hookimpl

from gkreport.site import NAME


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
            tables.append({"name": name, "title": meta.get("title") or name,
                           "description": meta.get("description") or "", "count": counts[name]})
        years = (await db.execute("select min(year), max(year), count(distinct agency_id) from reports")).first()
        return {
            "database": NAME,
            "queries": [{"name": n, "title": q.get("title") or n, "description": q.get("description") or ""}
                        for n, q in queries.items()],
            "tables": tables,
            "reports": counts.get("reports") or 0,
            "year_from": years[0], "year_to": years[1], "agencies": years[2],
        }

    return {"gk_home": home}
