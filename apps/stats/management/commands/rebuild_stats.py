"""Recount the dashboards' daily counts from the records (after a bulk load or an upgrade), or check them."""

import time

from django.core.management.base import BaseCommand, CommandError

from apps.stats import services
from apps.stats.models import DossierDay, FeedbackDay


class Command(BaseCommand):
    help = "Tính lại số liệu tổng hợp theo ngày của bảng chỉ số. Recount the dashboards' daily counts."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only compare the stored counts with a recount")
        parser.add_argument("--if-empty", action="store_true", help="only when no daily count is stored yet")

    def handle(self, *args, check: bool, if_empty: bool, **options):
        started = time.perf_counter()
        if check:
            found = services.differences()
            for line in found[:50]:
                self.stdout.write(line)
            if found:
                raise CommandError(f"{len(found):,} ô số liệu lệch so với dữ liệu gốc.")
            self.stdout.write(self.style.SUCCESS("Số liệu tổng hợp khớp với dữ liệu gốc."))
            return
        if if_empty and (DossierDay.objects.exists() or FeedbackDay.objects.exists()):
            return
        rows = services.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Đã tính lại {rows:,} ô số liệu theo ngày trong {elapsed:.1f} s."))
