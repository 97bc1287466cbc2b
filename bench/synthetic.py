"""bench/site.py as a module, for the other benchmarks that use its synthetic databases (its module
name, site, is taken by Python's own)."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def bench_site():
    spec = importlib.util.spec_from_file_location("bench_site", HERE / "site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
