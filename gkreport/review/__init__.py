"""Human review: corrections of single cells, kept beside the parsed values, with their evidence.

A corrections file (YAML or CSV, `files.py`) names each cell by the report's content hash and the
database's keys, with the value a person read from the source, who read it, when and from what.
`gkreport ingest --corrections FILE` copies the entries into the `corrections` table (`db.py`), and
every report with entries is corrected in the transaction that writes it (`apply.py`): the value in
force goes into the contract tables, the parsed value stays in `corrections`, and the report's checks
are computed again on the values in force, saying which ones a correction settled (`settle.py`).
`gkreport review` lists the cells that still need a person, with the source lines around each
(`listing.py`, `source.py`), and writes corrections from a terminal or a CSV to fill in (`cli.py`).
"""
