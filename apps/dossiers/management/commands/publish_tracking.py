"""Publish the public tracking answers of dossiers that have none, or whose row has no page part yet (after an
upgrade: dossiers 0013), or of all (--all)."""

import time

from django.core.management.base import BaseCommand
from django.db.models import Exists, OuterRef

from apps.dossiers.models import Dossier, PublicTracking
from apps.dossiers.tracking import publish_many


class Command(BaseCommand):
    help = "Xuất bản bản tra cứu công khai của hồ sơ. Publish the public tracking answers of dossiers."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="rebuild every row (after renaming a unit, say)")
        parser.add_argument("--batch", type=int, default=5_000)

    def handle(self, *args, all: bool, batch: int, **options):
        dossiers = Dossier.objects.order_by("pk")
        if not all:
            complete = PublicTracking.objects.filter(dossier_id=OuterRef("pk")).exclude(part="")
            dossiers = dossiers.exclude(Exists(complete))
        total, done, last = dossiers.count(), 0, 0
        started = time.perf_counter()
        while ids := list(dossiers.filter(pk__gt=last).values_list("pk", flat=True)[:batch]):
            done += publish_many(ids)
            last = ids[-1]
            self.stdout.write(f"\r{done:,}/{total:,} hồ sơ", ending="")
            self.stdout.flush()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"\nĐã xuất bản {done:,} bản tra cứu trong {elapsed:.0f} s."))
