from django.core.management.base import BaseCommand, CommandError

from apps.documents.services import edxml, exchange


class Command(BaseCommand):
    help = (
        "Tạo (một lần) hoặc xem mã định danh liên thông và cặp khóa của hệ thống này; in chứng thư số (PEM) để "
        "trao cho hệ thống ngang hàng. Create once, or show, this installation's agency id and key pair."
    )

    def add_arguments(self, parser):
        parser.add_argument("--agency-id", help="Mã định danh của hệ thống (ví dụ 000.00.00.H99).")
        parser.add_argument("--name", default="", help="Tên cơ quan chủ quản.")
        parser.add_argument("--pem", action="store_true", help="Chỉ in chứng thư số (PEM).")

    def handle(self, *args, agency_id=None, name="", pem=False, **options):
        if not exchange.has_identity():
            if not agency_id:
                raise CommandError("Chưa có mã định danh: hãy chạy với --agency-id.")
            exchange.ensure_identity(agency_id.strip().upper(), name)
        elif agency_id and agency_id.strip().upper() != exchange.agency_id():
            raise CommandError(f"Hệ thống đã có mã định danh {exchange.agency_id()}: khóa không bị thay.")
        certificate = exchange.own_certificate()
        if pem:
            self.stdout.write(certificate.decode(), ending="")
            return
        self.stdout.write(f"Mã định danh: {exchange.agency_id()}")
        self.stdout.write(f"Dấu vân tay chứng thư (SHA-256): {edxml.certificate_fingerprint(certificate)}")
        self.stdout.write(certificate.decode(), ending="")
