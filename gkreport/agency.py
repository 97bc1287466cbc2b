"""A parsed report's agency → the `agencies` row it belongs to (region, level, kind)."""

from __future__ import annotations

from .model import Check, Metadata
from .regions import agency_id, resolve_agency


def identify(meta: Metadata, text: str = "") -> tuple[dict, list[Check]]:
    """The agency row for a report, and a check when its region can't be settled."""
    if not meta.agency_name:
        return {}, []
    c = meta.contact
    ident = resolve_agency(meta.agency_name, address=c.address, postcode=c.postcode, phone=c.phone,
                           website=c.website, text=text[:3000])
    row = {
        "id": agency_id(ident), "name": ident.name, "province": ident.province, "city": ident.city,
        "county": ident.county, "adcode": ident.adcode, "level": ident.level, "kind": ident.kind,
        "parent": ident.parent, "ambiguity": ident.ambiguity,
    }
    checks = []
    if ident.ambiguity:
        checks.append(Check("region_ambiguous", "warning", ident.ambiguity,
                            actual="；".join(ident.candidates) or None, location="reports.province"))
    elif ident.level is None:
        checks.append(Check("region_unknown", "info", f"无法确定「{ident.name}」所在的地区和层级。",
                            location="reports.province"))
    return row, checks
