"""The stall benchmark's figures, and the table and goals printed at the end of the run.

Issue 11's goals are reported, not asserted, while the window still freezes (the BEFORE
figures): each scenario's row says whether it met them, and the closing lines say PASS or
FAIL for each goal over the whole run, so the same table serves before and after.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

STALL_GOAL_MS = 100  # no stall over 100 ms
INPUT_GOAL_MS = 100  # a key press taken within 100 ms: input never ignored
START_GOAL_RATIO = 2.0  # start to a painted main window within 2x a bare PySide6 window


@dataclass(frozen=True)
class Row:
    backend: str
    scenario: str
    stall_ms: float
    result_ms: float | None  # None: no result to wait for (or it never came)
    input_wait_ms: float
    note: str = ""
    load: float = 0.0  # the machine's 1-minute load average as the scenario ended: context for a slow figure

    @property
    def input_taken(self) -> bool:
        return self.input_wait_ms <= INPUT_GOAL_MS

    def figures(self) -> dict:
        """For the benchmark's extra_info."""
        return dict(stall_ms=self.stall_ms, result_ms=self.result_ms, input_wait_ms=self.input_wait_ms,
                    input_within_100_ms=self.input_taken, stall_goal_met=self.stall_ms <= STALL_GOAL_MS,
                    load_average=self.load,
                    **({"note": self.note} if self.note else {}))


ROWS: list[Row] = []
SKIPPED: dict[str, str] = {}  # backend or scenario -> why it was not measured
START: dict[str, float] = {}  # "bare_ms", "app_ms", "rounds": start to a painted window, medians


def lines() -> list[str]:
    if not (ROWS or START or SKIPPED):
        return []
    out = ["", "Stall benchmark (issue 11): longest stall, time to result, key press taken within 100 ms",
           f"  {'backend':8s} {'scenario':44s} {'stall ms':>9s} {'result ms':>10s} {'input':>13s}  note"]
    for row in ROWS:
        result = "-" if row.result_ms is None else f"{row.result_ms:10.0f}"
        taken = f"{'yes' if row.input_taken else 'NO'} ({row.input_wait_ms:.0f})"
        out.append(f"  {row.backend:8s} {row.scenario:44s} {row.stall_ms:9.0f} {result:>10s} {taken:>13s}  {row.note}")
    if ROWS:
        loads = [row.load for row in ROWS]
        out.append(f"  machine: {os.cpu_count()} CPUs, 1-minute load average {min(loads):.1f} to {max(loads):.1f} "
                   "during the scenarios")
    for what, why in SKIPPED.items():
        out.append(f"  {what}: not measured ({why})")
    if START:
        out.append(f"  start to a painted window: bare PySide6 {START['bare_ms']:.0f} ms, Clinic Desktop "
                   f"{START['app_ms']:.0f} ms (medians of {START['rounds']:.0f} fresh interpreters): "
                   f"{START['app_ms'] / START['bare_ms']:.1f}x")
    out += _goals()
    return out


def _goals() -> list[str]:
    out = ["  Goals:"]
    if ROWS:
        worst = max(ROWS, key=lambda row: row.stall_ms)
        out.append(f"    {_verdict(worst.stall_ms <= STALL_GOAL_MS)} no stall over {STALL_GOAL_MS} ms "
                   f"(worst {worst.stall_ms:.0f} ms: {worst.backend}, {worst.scenario})")
        ignored = [row for row in ROWS if not row.input_taken]
        out.append(f"    {_verdict(not ignored)} input never ignored (a key press waited over {INPUT_GOAL_MS} ms "
                   f"in {len(ignored)} of {len(ROWS)} scenarios)")
    if START:
        ratio = START["app_ms"] / START["bare_ms"]
        verdict = _verdict(ratio <= START_GOAL_RATIO)
        out.append(f"    {verdict} start within {START_GOAL_RATIO:.0f}x a bare window ({ratio:.1f}x)")
    return out


def _verdict(met: bool) -> str:
    return "PASS" if met else "FAIL"
