from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import verify_chain
from apps.core.models import AuditEvent


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm của nhật ký: tìm dòng bị sửa, chèn hoặc xóa. Verify the audit log's hash chain."

    def handle(self, *args, **options):
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(f"#{problem.seq}: {problem.kind} — {problem.detail}")
        total = AuditEvent.objects.count()
        if problems:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(problems)} lỗi trên {total} sự kiện.")
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {total} sự kiện, chuỗi băm khớp."))
