import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.core.errors import DomainError
from apps.documents.services import signing
from apps.org import selectors as org


class Command(BaseCommand):
    help = (
        "Tạo tổ chức chứng thực của hệ thống (nếu chưa có) và cấp chứng thư số cho mọi lãnh đạo đang công tác, mọi "
        "ủy ban nhân dân và sở, phòng (chạy lại không cấp trùng); --trust thêm tổ chức chứng thực của nơi khác. "
        "Make this installation's CA and the missing certificates (idempotent); --trust adds a peer's CA."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", default="", help="Tên tổ chức chứng thực (mặc định theo tên tỉnh).")
        parser.add_argument(
            "--valid-from", default="", metavar="YYYY-MM-DD", help="Hiệu lực từ ngày (mặc định hôm nay)."
        )
        parser.add_argument(
            "--trust", default="", metavar="PEM", help="Tệp PEM chứng thư gốc của nơi khác cần tin cậy."
        )
        parser.add_argument("--export-root", default="", metavar="PEM", help="Ghi chứng thư gốc của hệ thống ra tệp.")

    def handle(self, *args, name="", valid_from="", trust="", export_root="", **options):
        try:
            if trust:
                with open(trust, encoding="ascii") as handle:
                    authority = signing.authority_trust(actor=None, name=name or trust, certificate_pem=handle.read())
                self.stdout.write(self.style.SUCCESS(f"Đã tin cậy: {authority.name} ({authority.fingerprint})"))
                return
            start = dt.datetime.fromisoformat(valid_from).astimezone(dt.UTC) if valid_from else None
            root = org.province_root()
            organisation = root.name if root else "Công vụ"
            summary = signing.certificates_issue_missing(
                actor=None, authority_name=name or f"Tổ chức chứng thực — {organisation}", organisation=organisation,
                valid_from=start,
            )  # fmt: skip
        except (DomainError, OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        made = f"cấp mới {summary.leaders} chứng thư lãnh đạo, {summary.units} chứng thư cơ quan"
        self.stdout.write(self.style.SUCCESS(f"{summary.authority.name}: {made}."))
        if export_root:
            with open(export_root, "w", encoding="ascii") as handle:
                handle.write(summary.authority.certificate_pem)
