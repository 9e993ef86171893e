from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu, tệp đính kèm và mốc neo nhật ký vào một tệp .tar. "
        "Back up the database, the files and the audit checkpoints into one .tar file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None, help="default: var/backups")
        parser.add_argument(
            "--include-audit-key",
            action="store_true",
            help="also store the audit chain's keys (keep such an archive apart from the database's backups)",
        )

    def handle(self, *args, output_dir: Path | None, include_audit_key: bool, **options):
        try:
            archive = create_backup(
                output_dir or Path(settings.VAR_DIR) / "backups", include_audit_keys=include_audit_key
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        if include_audit_key:
            self.stderr.write(
                "Cảnh báo: tệp sao lưu chứa khóa nhật ký; cất riêng, không để cùng chỗ với cơ sở dữ liệu."
            )
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {archive}"))
