from django.core.management.base import BaseCommand

from apps.documents.services import exchange


class Command(BaseCommand):
    help = "Một lượt gửi các gói tin liên thông đến hạn (cho cron và kiểm thử). One delivery pass of the outbox."

    def handle(self, *args, **options):
        delivered = exchange.deliver_due()
        self.stdout.write(f"Đã chuyển {delivered} gói tin.")
