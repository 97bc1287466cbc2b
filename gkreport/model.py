"""What a parsed report is: plain data passed from the parser to the checks and the store."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Optional

Number = Optional[float]


@dataclass
class Check:
    rule: str
    severity: str  # error / warning / info
    message: str   # one Chinese sentence a reader understands
    expected: Optional[str] = None
    actual: Optional[str] = None
    location: Optional[str] = None  # e.g. request_stats.carried_forward.total


@dataclass
class Section:
    section_no: Optional[int]  # 1–6 as in the template, 0 for the preamble, None for a pre-2019 extra
    heading: str
    body: str


@dataclass
class ActiveCell:
    item: str
    measure: str
    value: float
    unit: Optional[str] = None


@dataclass
class Contact:
    phone: Optional[str] = None
    fax: Optional[str] = None
    postcode: Optional[str] = None
    address: Optional[str] = None
    website: Optional[str] = None
    email: Optional[str] = None


@dataclass
class Metadata:
    title: Optional[str] = None
    agency_name: Optional[str] = None
    agency_name_as_printed: Optional[str] = None
    year: Optional[int] = None
    published_date: Optional[str] = None
    period_start: Optional[str] = None
    period_end: Optional[str] = None
    cited_format: Optional[str] = None
    is_aggregate: bool = False
    scope_note: Optional[str] = None
    contact: Contact = field(default_factory=Contact)


@dataclass
class Tables:
    table2_template: Optional[str] = None
    table3_template: Optional[str] = None
    active: list[ActiveCell] = field(default_factory=list)
    # row_key -> column -> value (None = the report leaves the cell out)
    requests: dict[str, dict[str, Optional[int]]] = field(default_factory=dict)
    # proceeding -> outcome -> value
    appeals: dict[str, dict[str, Optional[int]]] = field(default_factory=dict)
    found: dict[str, bool] = field(default_factory=lambda: {"table2": False, "table3": False, "table4": False})
    # the line range (start, end) of the text each table was read from: maps to PDF pages
    regions: dict[str, tuple[int, int]] = field(default_factory=dict)
    # where each value printed in a cell of its own was read: location (request_stats.new_received.total)
    # → (line of the text, index among the numbers of that line's row); for scans, which box of which page
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class ParsedReport:
    id: str
    text: str
    meta: Metadata
    sections: list[Section]
    tables: Tables
    checks: list[Check]
    template: str
    status: str
    # a scan read by OCR (gkreport/scanned.py): each value's cell, page and confidence, and the page images
    scan_values: list = field(default_factory=list)
    scan_pages: list = field(default_factory=list)

    def to_dict(self) -> dict:
        d = asdict(self)
        d.pop("text")
        d.pop("scan_pages")  # images: the site serves them
        return d


def number_text(v: float) -> str:
    """A value as a message quotes it: 4142, not 4142.0."""
    if type(v) is int:  # most values: already whole
        return str(v)
    return str(int(v)) if float(v).is_integer() else str(v)
