"""Publish the public tracking answers of dossiers that have none, render the page part of rows published before
it was kept (after an upgrade: dossiers 0013) or before its current version (tracking.PART_VERSION), or publish every
dossier again (--all); then, with Redis, keep every published answer there (tracking.store_published)."""

import time

from django.core.cache import cache
from django.core.management.base import BaseCommand

from apps.dossiers.models import Dossier, PublicTracking
from apps.dossiers.tracking import PART_MARK, fill_parts, publish_many, store_published, unpublished_dossiers


class Command(BaseCommand):
    help = "Xuất bản bản tra cứu công khai của hồ sơ. Publish the public tracking answers of dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rebuild every row (after renaming a unit, say)")
        parser.add_argument("--batch", type=int, default=5_000)

    def handle(self, *args, all: bool, batch: int, **options):
        started = time.perf_counter()
        dossiers = (Dossier.objects if all else unpublished_dossiers()).order_by("pk")
        if not all:
            self._fill_parts(batch)
        total, done, last = dossiers.count(), 0, 0
        while ids := list(dossiers.filter(pk__gt=last).values_list("pk", flat=True)[:batch]):
            done += publish_many(ids)
            last = ids[-1]
            self._progress(done, total, "hồ sơ")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"\nĐã xuất bản {done:,} bản tra cứu trong {elapsed:.0f} s."))
        self._store(batch)

    def _store(self, batch: int) -> None:
        if not hasattr(cache, "converge_many"):
            return
        started, total = time.perf_counter(), PublicTracking.objects.count()
        rows, stored = store_published(min(batch, 1_000), lambda done: self._progress(done, total, "bản vào Redis"))
        elapsed = time.perf_counter() - started
        self.stdout.write(f"\nRedis giữ {rows:,} bản tra cứu ({stored:,} khóa đặt mới) sau {elapsed:.0f} s.")

    def _fill_parts(self, batch: int) -> None:
        rows = PublicTracking.objects.exclude(part__startswith=PART_MARK).order_by("code")
        total, done, last = rows.count(), 0, ""
        while found := list(rows.filter(code__gt=last).values_list("code", "body")[:batch]):
            fill_parts(found)
            done, last = done + len(found), found[-1][0]
            self._progress(done, total, "trang tra cứu")
        if total:
            self.stdout.write(f"\nĐã dựng {done:,} trang tra cứu từ bản đã xuất bản.")

    def _progress(self, done: int, total: int, what: str) -> None:
        self.stdout.write(f"\r{done:,}/{total:,} {what}", ending="")
        self.stdout.flush()
