"""Bench: 1,000,000 deadline computations with the working-day engine (target: under 5 s on this machine).

Baseline in the same run: naive calendar-day arithmetic (`moment + timedelta(days=n)`) over the same inputs,
which is what the engine must replace. Run: `make bench` or `.venv/bin/python bench/calendar_deadlines.py`.
"""

import argparse
import datetime as dt
import platform
import random
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from apps.calendar.engine import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def inputs(count: int, seed: int = 2026) -> list[tuple[dt.datetime, float]]:
    """Receipt moments spread over 2025–2027 at any minute (UTC-aware, as stored) and budgets of 0.5–60 days."""
    rng = random.Random(seed)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    span = 3 * 365 * 24 * 60
    return [(start + dt.timedelta(minutes=rng.randrange(span)), rng.randint(1, 120) / 2) for _ in range(count)]


def measure(label: str, function, data) -> float:
    started = time.perf_counter()
    for moment, days in data:
        function(moment, days)
    elapsed = time.perf_counter() - started
    print(f"{label:<44} {elapsed:8.3f} s  {elapsed / len(data) * 1e6:7.2f} µs/op")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    overrides = {dt.date(2026, 11, 28): "service_day", dt.date(2026, 11, 30): "day_off"}
    calendar = WorkingCalendar(overrides=overrides, first_year=2024, last_year=2030)
    data = inputs(args.count)
    print(f"Python {platform.python_version()} on {platform.machine()}, {args.count:,} computations")
    baseline = measure("baseline: moment + timedelta(days)", lambda m, d: m + dt.timedelta(days=d), data)
    engine = measure("add_working_days (sessions, holidays, overrides)", calendar.add_working_days, data)
    hours = measure("add_working_hours", lambda m, d: calendar.add_working_hours(m, d), data)
    print(
        f"ratio add_working_days / baseline: {engine / baseline:.1f}×; add_working_hours / baseline: "
        f"{hours / baseline:.1f}×"
    )
    verdict = "PASS" if engine < 5.0 * args.count / 1_000_000 else "FAIL"
    print(f"target: 1,000,000 deadlines < 5 s → {engine * 1_000_000 / args.count:.2f} s per million: {verdict}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
