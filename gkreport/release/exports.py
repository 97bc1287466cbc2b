"""The tables of the data as Parquet and CSV files.

Exported: the tables the data contract names (schema.md): the reports, the agencies and each
report's rows (store.py's TABLES: the three statistical tables, the narrative, the checks, and
whatever else is stored per report), with the lookups that label their keys (the rows of table
3, the items and measures of table 2, the proceedings of table 4, the check rules, the regions).
The summary tables are derived from these and stay in the database.

Parquet (pyarrow, zstd): columns typed from the schema (text → string, integer → int64, real →
double, blob → binary), each with its Chinese label and description in the field's metadata;
written a batch of rows at a time, so memory stays flat however large the table. CSV: the same
rows, UTF-8 with a byte-order mark (so that Excel reads the Chinese), a header of column names,
NULL as an empty field; a blob column is left out of the CSV (it is in the Parquet file and the
database), as the dictionary says.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from .. import store
from ..dictionary import Table

LOOKUPS = tuple(store.LOOKUP_PKS) + ("regions",)
TABLES = ("reports", "agencies", *store.CHILD_TABLES, *LOOKUPS)
BATCH = 50_000  # rows read and written at a time
ROW_GROUP = 500_000  # rows per Parquet row group: large enough to compress, small enough to read piecewise


def require() -> None:
    """ReleaseError when pyarrow is not installed."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        from . import ReleaseError

        raise ReleaseError("生成 Parquet 文件需要 pyarrow：pip install 'gkreport[release]'。") from None


def exported(tables: list[Table]) -> list[Table]:
    return [t for t in tables if t.name in TABLES]


def arrow_type(declared: str):
    import pyarrow as pa

    kind = declared.lower()
    if "int" in kind:
        return pa.int64()
    if any(k in kind for k in ("real", "floa", "doub")):
        return pa.float64()
    if "blob" in kind:
        return pa.binary()
    return pa.string()


def is_blob(declared: str) -> bool:
    return "blob" in declared.lower()


def _schema(table: Table):
    import pyarrow as pa

    fields = []
    for c in table.columns:
        meta = {k: v for k, v in (("label", c.label), ("description", c.description)) if v}
        fields.append(pa.field(c.name, arrow_type(c.type), metadata={k: v.encode() for k, v in meta.items()}))
    return pa.schema(fields, metadata={"table": table.name.encode(), "title": table.title.encode(),
                                       "description": table.description.encode()})


def write_table(conn: sqlite3.Connection, table: Table, out: Path) -> int:
    """Write out/parquet/<table>.parquet and out/csv/<table>.csv; the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (out / "parquet").mkdir(exist_ok=True)
    (out / "csv").mkdir(exist_ok=True)
    schema = _schema(table)
    names = [c.name for c in table.columns]
    in_csv = [i for i, c in enumerate(table.columns) if not is_blob(c.type)]
    rows = 0
    cursor = conn.execute(f"select {', '.join(f'[{n}]' for n in names)} from [{table.name}] order by rowid")
    with pq.ParquetWriter(out / "parquet" / f"{table.name}.parquet", schema, compression="zstd") as parquet, \
            open(out / "csv" / f"{table.name}.csv", "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([names[i] for i in in_csv])
        pending: list[tuple] = []

        def flush() -> None:
            columns = list(zip(*pending)) if pending else [[] for _ in names]
            parquet.write_table(pa.Table.from_arrays([pa.array(col, type=f.type) for col, f in zip(columns, schema)],
                                                     schema=schema), row_group_size=ROW_GROUP)
            pending.clear()

        while batch := cursor.fetchmany(BATCH):
            writer.writerows([row[i] for i in in_csv] for row in batch)
            pending.extend(batch)
            rows += len(batch)
            if len(pending) >= ROW_GROUP:
                flush()
        if pending or rows == 0:
            flush()
    return rows
