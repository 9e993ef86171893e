from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import verify_chain
from apps.core.audit_checkpoints import checkpoint_path, last_checkpoint
from apps.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm có khóa của nhật ký và các mốc neo: tìm dòng bị sửa, chèn hoặc xóa. "
        "Verify the audit log's keyed hash chain and its checkpoints."
    )

    def handle(self, *args, **options):
        problems = list(verify_chain())
        for problem in problems:
            self.stderr.write(f"#{problem.seq}: {problem.kind} — {problem.detail}")
        total = AuditEvent.objects.count()
        if problems:
            raise CommandError(f"Nhật ký KHÔNG toàn vẹn: {len(problems)} lỗi trên {total} sự kiện.")
        last = last_checkpoint()
        if last is None:
            self.stderr.write(f"Cảnh báo: chưa có mốc neo nào trong {checkpoint_path()} (chạy audit_checkpoint).")
            anchor = "chưa có mốc neo"
        else:
            anchor = f"khớp mốc neo #{last.seq} lúc {last.at}"
        self.stdout.write(self.style.SUCCESS(f"Nhật ký toàn vẹn: {total} sự kiện, chuỗi băm khớp, {anchor}."))
