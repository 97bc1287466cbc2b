"""The facets of a whole table's page read from the counts kept for them (gkreport/facet_counts.py).

Datasette counts each facet of a table page with a query over the rows shown: over a whole table
of 100,000 reports, a few hundred milliseconds a facet. When the page shows every row of its table
(no filter, or filters every row passes: the page's count is the table's), its column facets
are read from `facet_counts` instead, in a millisecond, unless those counts are of an older state
of the reports; every other facet is counted as before, under the time limit of each facet.

Datasette's own column facet is replaced by this one, which it extends: its date and array
facets stay as they are.
"""

from __future__ import annotations

import sqlite3

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet
from datasette.plugins import pm
from datasette.utils import detect_json1

from gkreport import facet_counts
from gkreport.site import NAME

if pm.get_plugin("datasette.facets") is not None:
    pm.unregister(name="datasette.facets")  # its classes are registered here, with ColumnFacet's replaced


class _Counted:
    """Datasette as ColumnFacet sees it, except that its one facet query is answered from the counts."""

    def __init__(self, ds, rows):
        self._ds, self._rows = ds, rows

    def __getattr__(self, name):
        return getattr(self._ds, name)

    async def execute(self, *args, **kwargs):
        return self._rows


class StoredColumnFacet(ColumnFacet):
    async def _stored(self, ds, column: str, limit: int):
        """The kept counts of ``column`` when this page shows its whole table and they are current; else None."""
        if self.database != NAME or not self.table or self.row_count is None:
            return None
        if column not in facet_counts.facets().get(self.table, ()):
            return None
        whole = (ds.inspect_data or {}).get(self.database, {}).get("tables", {}).get(self.table, {}).get("count")
        if whole is None or self.row_count != whole:
            return None
        try:
            results = await ds.execute(self.database, facet_counts.counts_sql(), {
                "table": self.table, "column": column, "limit": limit, "prefix": facet_counts.prefix()})
        except (sqlite3.Error, QueryInterrupted):  # no such table (a database finished by an older version): counted as before
            return None
        if not results.rows:
            return None
        results.rows = [r for r in results.rows if r["value"] is not None]
        return results

    async def facet_results(self):
        configs = self.get_configs()
        out, timed_out = [], []
        ds = self.ds
        try:
            for config in configs:
                column = config["config"].get("column") or config["config"]["simple"]
                stored = await self._stored(ds, column, self.get_facet_size() + 1)
                self.ds = _Counted(ds, stored) if stored is not None else ds
                self.get_configs = lambda config=config: [config]
                results, missed = await super().facet_results()
                out += results
                timed_out += missed
        finally:
            self.ds = ds
            self.__dict__.pop("get_configs", None)
        return out, timed_out


@hookimpl
def register_facet_classes():
    return [StoredColumnFacet, DateFacet] + ([ArrayFacet] if detect_json1() else [])
