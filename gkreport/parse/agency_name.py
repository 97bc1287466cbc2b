"""From the agency name as printed to its full form.

Titles often use short forms (上犹县政府办, 将乐县, XX府办). The full form is
what lets one agency's reports from different years meet in one row; the
printed form is kept beside it.
"""

from __future__ import annotations

import re
from functools import lru_cache

# suffix of a region name: what a bare name like 将乐县 ends with
REGION_SUFFIX = re.compile(r"(?:省|自治区|市|自治州|地区|盟|县|自治县|旗|自治旗|区|特区|林区)$")
TOWNSHIP_SUFFIX = re.compile(r"(?:镇|乡|民族乡|苏木)$")
# development zones are run by a 管委会, not a people's government
ZONE_SUFFIX = re.compile(r"(?:开发区|高新区|园区|示范区|试验区|合作区|保税区)$")

_SHORT_FORMS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"^(?P<r>.+?)(?:人民)?政府办公厅$"), r"\g<r>人民政府办公厅"),
    (re.compile(r"^(?P<r>.+?)(?:人民)?政府办公室$"), r"\g<r>人民政府办公室"),
    (re.compile(r"^(?P<r>.+?)(?:人民)?政府办$"), r"\g<r>人民政府办公室"),
    (re.compile(r"^(?P<r>.+?[省市县区旗州盟])府办$"), r"\g<r>人民政府办公室"),
    (re.compile(r"^(?P<r>.+?)(?<!人民)政府$"), r"\g<r>人民政府"),
    (re.compile(r"^(?P<r>.+?)街道办$"), r"\g<r>街道办事处"),
    (re.compile(r"^(?P<r>.+?)街道$"), r"\g<r>街道办事处"),
)


@lru_cache(maxsize=4096)
def normalize_agency_name(printed: str) -> str:
    """上犹县政府办 → 上犹县人民政府办公室; 将乐县 → 将乐县人民政府; full names pass unchanged."""
    # cached: a short name that recurs in every report of its agency, and trying the short forms
    # one regex after another takes some 10 µs
    name = re.sub(r"\s+", "", printed).strip("：:，,。")
    if not name:
        return name
    for pattern, repl in _SHORT_FORMS:
        m = pattern.match(name)
        if m and not m.group("r").endswith("人民"):
            return pattern.sub(repl, name)
    if (REGION_SUFFIX.search(name) or TOWNSHIP_SUFFIX.search(name)) and not ZONE_SUFFIX.search(name):
        # a bare place name stands for its people's government
        return name + "人民政府"
    return name
