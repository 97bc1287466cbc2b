"""What became of each input of an ingest, and the count of each kind: every input exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from . import store

# What an outcome is called on its line and in the summary.
STATUSES = ("stored", "duplicate", "unchanged", "skipped", "failed")


@dataclass
class Outcome:
    path: str
    status: str  # one of STATUSES
    report_status: Optional[str] = None  # ok / warning / error for stored reports
    message: str = ""
    report_id: Optional[str] = None


@dataclass
class Parsed:
    """One file (or archive member) as a worker hands it to the writer: the rows to write, or the
    outcome it has already (failed, unchanged, skipped)."""

    job_path: str
    error: Optional[str] = None  # why it failed, when it did
    replaces: tuple[str, ...] = ()  # ids stored earlier for this path
    prepared: Optional[store.Prepared] = None  # the rows to write, built where the report was parsed
    outcome: Optional[Outcome] = None  # what the writer reports once the rows are stored, or the outcome as it is


@dataclass
class Summary:
    stored: int = 0
    warnings: int = 0
    errors: int = 0
    duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0
    stopped: Optional[str] = None  # why the run stopped writing before the end (a full disk, say)
    unfinished: Optional[str] = None  # why the summary tables could not be brought up to date at the end
    outcomes: list[Outcome] = field(default_factory=list)
    keep_outcomes: bool = True  # the command line streams them instead of holding one per file
    corrections: list[str] = field(default_factory=list)  # a line for each correction that did not apply

    def add(self, o: Outcome) -> None:
        if o.status == "stored":
            self.stored += 1
            self.warnings += o.report_status == "warning"
            self.errors += o.report_status == "error"
        elif o.status == "duplicate":
            self.duplicates += 1
        elif o.status == "unchanged":
            self.unchanged += 1
        elif o.status == "skipped":
            self.skipped += 1
        else:
            self.failed += 1
        if self.keep_outcomes:
            self.outcomes.append(o)

    @property
    def total(self) -> int:
        """Inputs accounted for: files, and the reports inside archives."""
        return self.stored + self.duplicates + self.unchanged + self.skipped + self.failed

    def line(self) -> str:
        """The summary: how many inputs of each outcome, which add up to all of them."""
        return (f"已入库 {self.stored} 份（其中有警告 {self.warnings} 份，表格无法读取 {self.errors} 份），"
                f"失败 {self.failed} 个，未变化 {self.unchanged} 个，重复 {self.duplicates} 个，"
                f"跳过 {self.skipped} 个。")
