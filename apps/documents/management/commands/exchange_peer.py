from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.actors import SYSTEM
from apps.core.errors import DomainError
from apps.documents.services import exchange


class Command(BaseCommand):
    help = "Thêm hoặc cập nhật một hệ thống liên thông ngang hàng. Add or update a peer installation."

    def add_arguments(self, parser):
        parser.add_argument("identifier", help="Mã định danh của hệ thống ngang hàng.")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--url", required=True,
            help="Địa chỉ gốc, phải là https, ví dụ https://congvu.tinhkhac.gov.vn (http chỉ cho localhost/127.0.0.1, "
            "hoặc mạng khép kín khi đặt EXCHANGE_ALLOW_HTTP=1).",
        )  # fmt: skip
        parser.add_argument("--cert", required=True, help="Tệp chứng thư số (PEM) của hệ thống đó.")
        parser.add_argument(
            "--organ", action="append", default=[], metavar="MA=TEN",
            help="Một cơ quan thuộc hệ thống đó (lặp lại được). Chỉ nhận văn bản gửi từ các cơ quan khai báo ở đây.",
        )  # fmt: skip
        parser.add_argument("--inactive", action="store_true", help="Tạm ngừng liên thông với hệ thống này.")

    def handle(self, identifier, *, name, url, cert, organ, inactive=False, **options):
        organs = {}
        for item in organ:
            organ_id, _sep, organ_name = item.partition("=")
            organs[organ_id.strip().upper()] = organ_name.strip() or organ_id.strip()
        try:
            peer = exchange.peer_save(
                actor=SYSTEM, identifier=identifier.strip().upper(), name=name, base_url=url,
                certificate_pem=Path(cert).read_text(), organs=organs, is_active=not inactive,
            )  # fmt: skip
        except (DomainError, ValueError, OSError) as error:
            raise CommandError(str(getattr(error, "message", error))) from error
        self.stdout.write(self.style.SUCCESS(f"Đã lưu {peer} ({peer.organs.count()} cơ quan)."))
