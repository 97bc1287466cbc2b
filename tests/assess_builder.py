"""Reports written straight into a real database, for the assessment's own tests: each with the body,
year, publication date, narrative and table-3 figures a test needs, stored through gkreport.store as
an ingest stores them (agencies resolved by gkreport.regions), then store.finish builds everything
derived, the assessment included."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

from gkreport import store, template as T
from gkreport.model import ActiveCell, Check, Contact, Metadata, ParsedReport, Section, Tables
from gkreport.regions import agency_id, resolve_agency

# characters to write narratives from: unrelated texts share almost no 5-character run
CHARACTERS = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def prose(seed, length: int = 400) -> str:
    rnd = random.Random(str(seed))
    return "".join(rnd.choice(CHARACTERS) for _ in range(length))


def edited(text: str, share: float, seed=0) -> str:
    """The text with about `share` of it rewritten, in runs (as a copy with its figures changed)."""
    rnd = random.Random(seed)
    out = list(text)
    for i in range(0, len(out), 50):
        if rnd.random() < share:
            out[i:i + 10] = [rnd.choice(CHARACTERS) for _ in range(10)]
    return "".join(out)


def narrative(text: str) -> dict:
    """Sections 1 and 5 made of one text (its last fifth as section 5): two reports given the same text
    have the same narrative, as compared."""
    cut = len(text) * 4 // 5
    return {"section1": text[:cut], "section5": text[cut:]}


def requests(new_received: int = 10, granted: int | None = None, partial: int = 0, carried_over: int = 0,
             carried_forward: int = 0) -> dict[str, dict]:
    processed = new_received + carried_over - carried_forward
    granted = processed - partial if granted is None else granted
    rows = {"new_received": new_received, "carried_over": carried_over, "granted": granted,
            "partially_granted": partial, "total_processed": processed, "carried_forward": carried_forward,
            "other_handling": processed - granted - partial}
    return {key: {**{c: 0 for c in T.APPLICANT_PARTS}, "natural_person": v, "total": v} for key, v in rows.items()}


def report(agency: str, year: int, *, published: str | None = "auto", section1: str | None = None,
           section5: str | None = None, figures: dict | None = None, tables: bool = True, checks=(),
           contact: bool = True, empty_sections=()) -> tuple:
    """(ParsedReport, source, agency row) for a report of `agency` (a real name: its region and kind are
    resolved as an ingest resolves them) for `year`."""
    ident = resolve_agency(agency)
    if published == "auto":
        published = f"{year + 1}-01-20"
    rid = hashlib.sha256(f"{agency}|{year}|{section1}|{published}".encode()).hexdigest()[:16]
    bodies = {1: section1 if section1 is not None else prose((agency, year, 1)),
              5: section5 if section5 is not None else prose((agency, year, 5), 200)}
    sections = [Section(0, "", f"{agency}{year}年政府信息公开工作年度报告")] + [
        Section(s.no, s.heading, "" if s.no in empty_sections else bodies.get(s.no, prose((agency, year, s.no), 80)))
        for s in T.SECTIONS]
    active = [ActiveCell(item, m, 1.0) for item, measures in T.ACTIVE_COLUMNS[T.T2021].items() for m in measures]
    t = Tables(T.T2021, T.T2021, active if tables else [], requests(**(figures or {})) if tables else {},
               {p: {**{o: 0 for o in T.OUTCOME_PARTS}, "total": 0} for p, _ in T.PROCEEDINGS} if tables else {})
    meta = Metadata(title=f"{agency}{year}年政府信息公开工作年度报告", agency_name=agency, agency_name_as_printed=agency,
                    year=year, published_date=published,
                    contact=Contact(phone="0597-1234567") if contact else Contact())
    checks = list(checks)
    parsed = ParsedReport(rid, "", meta, sections, t, checks, T.T2021,
                          "warning" if any(c.severity == "warning" for c in checks) else "ok")
    row = {"id": agency_id(ident), "name": ident.name, "province": ident.province, "city": ident.city,
           "county": ident.county, "adcode": ident.adcode, "level": ident.level, "kind": ident.kind,
           "parent": ident.parent}
    source = {"source_path": f"built/{rid}.txt", "source_format": "txt", "sha256": rid * 4, "encoding": "utf-8",
              "parser_version": "test"}
    return parsed, source, row


def build(path: Path, reports: list[tuple]) -> Path:
    """A database holding these reports, with everything derived built (store.finish)."""
    db = store.connect(path)
    store.ensure_db_shape(db)
    add(db, reports)
    db.close()
    return path


def add(db, reports: list[tuple]) -> None:
    with db.atomic():
        for parsed, source, agency in reports:
            store.save_report(db, parsed, source, agency)
    store.finish(db)


def remove(db, report_id: str) -> None:
    with db.atomic():
        store.delete_report(db, report_id)
    store.finish(db)


def arithmetic_break() -> Check:
    return Check("t3_total_column", "warning", "表三总计列不符。", "12", "13", "request_stats.new_received.total")
