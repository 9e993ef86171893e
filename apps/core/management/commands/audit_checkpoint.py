from django.core.management.base import BaseCommand, CommandError

from apps.core.audit import AuditChainBroken, write_checkpoint
from apps.core.audit_checkpoints import checkpoint_path


class Command(BaseCommand):
    help = (
        "Ghi mốc neo đã ký của đầu chuỗi nhật ký ra ngoài cơ sở dữ liệu. "
        "Write a signed checkpoint of the audit chain's head outside the database."
    )

    def handle(self, *args, **options):
        try:
            checkpoint = write_checkpoint()
        except AuditChainBroken as broken:
            for problem in broken.problems[:50]:
                self.stderr.write(f"#{problem.seq}: {problem.kind} — {problem.detail}")
            raise CommandError("Nhật ký KHÔNG toàn vẹn từ mốc neo trước: không ghi mốc neo mới.") from broken
        if checkpoint is None:
            self.stdout.write("Không có sự kiện mới từ mốc neo trước.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Đã ghi mốc neo #{checkpoint.seq} vào {checkpoint_path()}."))
