from django.core.management.base import BaseCommand, CommandError

from apps.documents.models import ExchangeLogEntry
from apps.documents.services import exchange


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm của nhật ký liên thông; báo mắt xích hỏng đầu tiên. "
        "Verify the exchange log's hash chain and report the first broken link."
    )

    def handle(self, *args, **options):
        problem = exchange.verify_log()
        if problem is not None:
            raise CommandError(f"Nhật ký liên thông hỏng tại #{problem.seq}: {problem.detail}")
        self.stdout.write(
            self.style.SUCCESS(f"Nhật ký liên thông toàn vẹn: {ExchangeLogEntry.objects.count()} gói tin.")
        )
