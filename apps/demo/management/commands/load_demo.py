import argparse
import datetime as dt
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.demo.documents import generate_document_year
from apps.demo.history import DEFAULT_DAYS
from apps.demo.province import DEMO_PASSWORD, load_demo
from apps.demo.work import generate_work_year
from apps.org.models import Unit


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu Sơn Hà (chạy lại nhiều lần không tạo trùng). Load the demo province (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Chỉ nạp khi chưa có đơn vị nào.")
        parser.add_argument(
            "--history", type=int, default=0, metavar="N",
            help="Khi nạp lần đầu: sinh thêm N hồ sơ và N/6 phản ánh trong năm qua (số liệu cho bảng chỉ số).",
        )  # fmt: skip
        parser.add_argument(
            "--documents", action=argparse.BooleanOptionalAction, default=True,
            help="Cùng --history: sinh thêm một năm văn bản đi, đến, liên thông giữa các đơn vị (mặc định có).",
        )  # fmt: skip
        parser.add_argument(
            "--work", action=argparse.BooleanOptionalAction, default=True,
            help="Cùng --history: sinh thêm một năm công việc: chương trình, nhiệm vụ, cam kết, báo cáo, giao ban, "
            "lịch công tác (mặc định có).",
        )  # fmt: skip

    def handle(self, *args, if_empty=False, history=0, documents=True, work=True, **options):
        if if_empty and Unit.objects.exists():
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: không nạp tỉnh mẫu.")
            logins = load_demo() if Unit.objects.filter(agency_code="000.00.00.H99").exists() else []
        else:
            # the staff are in post before the first generated dossier (the history's window starts then)
            since = timezone.localdate() - dt.timedelta(days=DEFAULT_DAYS + 1) if history else None
            logins = load_demo(since)
            self.stdout.write(self.style.SUCCESS(f"Tỉnh mẫu đã sẵn sàng: {Unit.objects.count()} đơn vị."))
            if history:
                call_command("generate_load_data", dossiers=history, feedback=history // 6, stdout=self.stdout)
                if documents:
                    self._documents()
                if work:
                    self._work()
        if logins:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for login in logins:
                self.stdout.write(f"  {login.username:<22} {login.role:<24} {login.where}")

    def _documents(self):
        started = time.monotonic()
        summary = generate_document_year()
        if summary.skipped:
            self.stdout.write("Đã có văn bản của tỉnh mẫu: không sinh lại.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Một năm văn bản: {summary.outgoing} văn bản đi, {summary.incoming} văn bản đến, "
            f"{summary.dispatches} lượt "
            f"gửi liên thông, {summary.messages} gói tin ({time.monotonic() - started:.0f} giây)."
        ))  # fmt: skip

    def _work(self):
        started = time.monotonic()
        summary = generate_work_year()
        if summary.skipped:
            self.stdout.write("Đã có chương trình công tác của tỉnh mẫu: không sinh lại.")
            return
        self.stdout.write(self.style.SUCCESS(
            f"Một năm công việc: {summary.programmes} chương trình ({summary.items} nội dung), {summary.tasks} nhiệm "
            f"vụ, {summary.commitments} bản cam kết, {summary.submissions} báo cáo của {summary.cycles} kỳ, "
            f"{summary.briefings} cuộc giao ban, {summary.schedule} mục lịch công tác "
            f"({time.monotonic() - started:.1f} giây)."
        ))  # fmt: skip
