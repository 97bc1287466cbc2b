"""Round trip: random reports in every layout and kind of damage (roundtrip.py), parsed, every cell compared.

CI runs ROUNDTRIP_CASES cases with a fixed seed; ``GKREPORT_ROUNDTRIP_CASES=20000`` runs more,
``GKREPORT_ROUNDTRIP_SEED`` another seed. ``pytest tests/test_roundtrip.py -s`` prints the
exact-cell rate per layout × damage. Cases are made, parsed and scored on every core.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

import pytest

import cell_score as cs
import roundtrip as rt

from gkreport import template as T
from gkreport.ingest import parse_file

ROUNDTRIP_CASES = 2000
CASES = int(os.environ.get("GKREPORT_ROUNDTRIP_CASES", ROUNDTRIP_CASES))
SEED = int(os.environ.get("GKREPORT_ROUNDTRIP_SEED", 16))
MIN_EXACT = 0.995


def run_case(n: int, seed: int = SEED):
    case = rt.make_case(n, seed)
    name, data = rt.render(case)
    parsed = parse_file(name, data, hashlib.sha256(data).hexdigest())
    expected = case.expected
    ignore = ["request_stats.other_handling."] if case.t3fmt == T.T2021 else []
    if parsed.error:
        got, checks = {}, [("failed", "error", "request_stats"), ("failed", "error", "active_disclosure"),
                           ("failed", "error", "appeal_stats")]  # the batch names the file and why
    else:
        rows = parsed.prepared.rows
        got = cs.stored_cells(rows)
        checks = [(rule, sev, loc) for _rid, rule, sev, _msg, _e, _a, loc in rows["checks"]]
    score = cs.score(expected, got, checks, clean=case.clean, ignore=ignore)
    return case.layout, case.damages, score, name, parsed.error


@pytest.mark.measure
def test_roundtrip():
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(run_case, range(CASES), chunksize=16))
    matrix: dict[tuple[str, str], cs.Tally] = defaultdict(cs.Tally)
    by_layout: dict[str, cs.Tally] = defaultdict(cs.Tally)
    by_damage: dict[str, cs.Tally] = defaultdict(cs.Tally)
    total = cs.Tally()
    worst = []
    for layout, damages, score, name, error in results:
        t = score.tally
        total.add(t)
        by_layout[layout].add(t)
        for d in damages or ("clean",):
            matrix[layout, d].add(t)
            by_damage[d].add(t)
        if score.wrong or score.missing or score.alarms or error:
            worst.append((t.exact / max(t.cells, 1), name, score, error))

    worst.sort(key=lambda w: w[0])
    # every case with a wrong value, a false alarm, a failure or a table not found, then the worst others
    notable = [w for w in worst if w[2].wrong or w[2].alarms or w[3] or w[2].tally.tables_not_found]
    for rate, name, score, error in notable + [w for w in worst[:25] if w not in notable]:
        print(f"\n{name}: {100 * rate:.1f} % exact" + (f"; 失败 {error}" if error else ""))
        for cell, want, have, f in score.wrong[:4]:
            print(f"   WRONG {cell}: expected {want}, stored {have}{'' if f else ' (no check)'}")
        for cell, want, f in score.missing[:3]:
            print(f"   missing {cell} (expected {want}){'' if f else ' (no check)'}")
        for alarm in score.alarms[:3]:
            print(f"   false alarm {alarm}")
    columns = ("clean",) + rt.DAMAGES
    print(f"\nexact-cell rate (%) per layout × damage, {CASES} cases, seed {SEED} (a case counts under each of its damages)")
    print(f"{'':14s}" + "".join(f"{d:>12s}" for d in columns) + f"{'all':>12s}")
    for layout in rt.LAYOUTS:
        cells = []
        for d in columns:
            t = matrix.get((layout, d))
            cells.append(f"{100 * t.rate:8.2f}({t.files:>3d})" if t and t.files else f"{'':>12s}")
        print(f"{layout:14s}" + "".join(cells) + f"{100 * by_layout[layout].rate:12.2f}")
    cs.print_table("per damage", dict(by_damage))
    cs.print_table("per layout", {**dict(by_layout), "ALL": total})

    failed = [name for *_, name, error in results if error]
    assert not failed, f"files that failed: {failed[:10]}"
    assert total.wrong_unflagged == 0, "a wrong value without a check"
    assert total.missing_unflagged == 0, "a missing value without a check"
    assert total.false_alarms == 0, "a check on a clean report"
    assert total.rate >= MIN_EXACT, f"{100 * total.rate:.2f} % of cells exact"
