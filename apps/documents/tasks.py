"""Background jobs of the documents app (huey): OCR of scans, delivery of the exchange outbox."""

import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from apps.core.jobs import single_run
from apps.documents.services import exchange


@db_task()
def deliver_exchange_message(message_id: int) -> bool:
    """Deliver one exchange message right after its commit; a failure is retried by the outbox pass, not Huey."""
    return exchange.deliver_message(message_id)


@db_periodic_task(crontab())
@single_run("documents-exchange-outbox", ttl=dt.timedelta(minutes=10))
def deliver_exchange_outbox() -> int:
    """Every minute: deliver every exchange message that is due (never sent, or failed and its back-off over)."""
    return exchange.deliver_due()
