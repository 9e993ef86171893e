from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Khôi phục từ một tệp sao lưu: THAY THẾ cơ sở dữ liệu, tệp đính kèm và mốc neo nhật ký. "
        "Restore from a backup archive: REPLACES the database, the files and the audit checkpoints."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true", help="confirm: the current data is replaced")
        parser.add_argument("--no-media", action="store_true", help="leave the files as they are")

    def handle(self, *args, archive: Path, yes: bool, no_media: bool, **options):
        if not archive.is_file():
            raise CommandError(f"Không thấy tệp {archive}.")
        if not yes:
            raise CommandError("Khôi phục sẽ thay thế toàn bộ dữ liệu hiện có: chạy lại với --yes để xác nhận.")
        try:
            report = restore_backup(archive, media=not no_media)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã khôi phục bản sao lưu {report.created_at} ({report.engine}): {', '.join(report.parts)}. "
                "Kiểm tra bằng audit_verify và rebuild_stats --check."
            )
        )
