"""Generate a realistic province-year of dossiers and feedback for benchmarks and the demo dashboards (see
apps.demo.history for what "realistic" means here)."""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.core.audit import record_event
from apps.demo.catalogue import extend_catalogue
from apps.demo.history import DEFAULT_DAYS, Generator
from apps.demo.province import extend_province
from apps.org.models import Unit
from apps.procedures.models import Procedure
from apps.stats import services as stats


class Command(BaseCommand):
    help = "Sinh dữ liệu hồ sơ giả lập để đo hiệu năng. Generate load data (dossiers with their steps)."
    stealth_options = ("now",)  # tests fix the clock: call_command(..., now=aware datetime)

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=10_000)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="spread over this many days up to now")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--batch", type=int, default=10_000)
        parser.add_argument("--feedback", type=int, default=0, help="also this many feedback items (hotline, web)")
        parser.add_argument(
            "--communes",
            type=int,
            default=0,
            help="first extend the province to this many communes (a real province: 100 or more)",
        )
        parser.add_argument(
            "--procedures",
            type=int,
            default=0,
            help="first extend the commune catalogue to this many procedures (real: 200 or more)",
        )

    def handle(self, *args, dossiers: int, days: int, seed: int, batch: int, feedback: int, communes: int,
               procedures: int, **options):  # fmt: skip
        now: dt.datetime | None = options.get("now")
        if communes or procedures:
            self.stdout.write(f"Mở rộng tỉnh: thêm {extend_province(communes)} xã, phường; "
                              f"{extend_catalogue(procedures)} thủ tục cấp xã.")  # fmt: skip
        desks = list(Unit.objects.filter(kind=Unit.Kind.ONE_STOP_DESK, is_active=True).select_related("parent"))
        catalogue = list(Procedure.objects.filter(is_active=True, level=Unit.Level.COMMUNE).prefetch_related("steps"))
        if not desks or not catalogue:
            raise CommandError("Chưa có tỉnh mẫu: chạy `manage.py load_demo` trước.")
        generator = Generator(random.Random(seed), desks, catalogue, days, now=now)
        started, made, made_feedback = time.perf_counter(), 0, 0
        try:
            while made < dossiers:
                size = min(batch, dossiers - made)
                generator.write_batch(size)
                made += size
                rate = made / (time.perf_counter() - started)
                self.stdout.write(f"\r{made:,}/{dossiers:,} hồ sơ ({rate:,.0f}/s)", ending="")
                self.stdout.flush()
            while made_feedback < feedback:
                size = min(batch, feedback - made_feedback)
                generator.write_feedback_batch(size)
                made_feedback += size
                self.stdout.write(f"\r{made_feedback:,}/{feedback:,} phản ánh", ending="")
                self.stdout.flush()
        finally:  # even after a failure, the live counters continue after what was written and the counts match it
            generator.save_counters()
            self.stdout.write("\nTính lại số liệu tổng hợp theo ngày…")
            stats.rebuild()
            analyze()
            record_event(
                "demo.history.generate",
                changes={"dossiers": made, "feedback": made_feedback, "days": days, "seed": seed},
            )
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"\nĐã sinh {made:,} hồ sơ, {feedback:,} phản ánh trong {elapsed:.0f} s."))


def analyze() -> None:
    """Fresh planner statistics for the tables just filled: until autovacuum gets to them, PostgreSQL plans the
    dashboards' queries from the sizes of empty tables (540 ms instead of 186 ms measured); SQLite then chooses
    among indexes by their real selectivity."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
