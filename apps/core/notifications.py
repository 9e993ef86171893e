"""The notification outbox: a message is a row written in the caller's transaction, so it exists exactly when the
change that caused it is committed, and nothing queued is lost when the queue (Redis) or a gateway is down.

After the commit the worker is asked to send it at once (a Huey task); should that fail, the periodic job
`send_due_notifications` (every minute) sends every message that is due, retrying failures with a growing delay.
A sender first claims a message (moves `next_attempt_at` a lease ahead, under a row lock that other senders skip),
so two senders never send the same message; a sender killed mid-send leaves it due again when its lease ends."""

import datetime as dt
import logging
import time
from functools import partial

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.core import sms
from apps.core.models import Notification

logger = logging.getLogger("congvu.notifications")

MAX_ATTEMPTS = 12  # with the delays below: retried for about six hours, then left failed for staff to see
CLAIM_LEASE = dt.timedelta(minutes=5)  # longer than any gateway's timeout
BATCH = 100
ENQUEUE_PAUSE_SECONDS = 5.0  # after the queue failed once, leave messages to the outbox job for a while

_enqueue_paused_until = 0.0


def notify(channel: str, recipient: str, body: str, *, subject: str = "", obj=None) -> Notification | None:
    if not recipient:
        return None
    notification = Notification.objects.create(
        channel=channel, recipient=recipient, subject=subject[:255], body=body,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
        next_attempt_at=timezone.now(),
    )  # fmt: skip
    transaction.on_commit(partial(enqueue_send, notification.pk))
    return notification


def enqueue_send(notification_id: int) -> None:
    """Ask the worker to send now. Never raises: it runs after the commit, so an error here would answer 500 for
    a change that is saved; the message stays due and the outbox job sends it."""
    global _enqueue_paused_until
    if time.monotonic() < _enqueue_paused_until:
        return
    from apps.core.tasks import send_notification

    try:
        send_notification(notification_id)
    except Exception:
        _enqueue_paused_until = time.monotonic() + ENQUEUE_PAUSE_SECONDS
        logger.warning("queue unreachable: notification %s left to the outbox job", notification_id, exc_info=True)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the first, second, third … failure; at most an hour."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 60))


def send_due_notifications(batch: int = BATCH) -> int:
    """Send every message that is due (the periodic job). Returns how many were sent."""
    sent = 0
    while claimed := _claim(Notification.objects.all(), batch):
        sent += sum(_attempt(notification) for notification in claimed)
    return sent


def send_notification_now(notification_id: int) -> bool:
    """Send one message if it is still due (the task enqueued after the commit)."""
    return any(_attempt(notification) for notification in _claim(Notification.objects.filter(pk=notification_id), 1))


def _claim(queryset, limit: int) -> list[Notification]:
    """Lease up to `limit` due messages to this sender. On PostgreSQL rows claimed by another sender at the same
    moment are skipped; SQLite runs one writing transaction at a time."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            queryset.filter(next_attempt_at__lte=now)
            .exclude(status=Notification.Status.SENT)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")[:limit]
        )
        Notification.objects.filter(pk__in=[n.pk for n in claimed]).update(next_attempt_at=now + CLAIM_LEASE)
    return claimed


def _attempt(notification: Notification) -> bool:
    """Send one claimed message and record the outcome: sent, or failed and due again after a delay."""
    attempts = notification.attempts + 1
    try:
        _transmit(notification)
    except Exception as error:  # the gateway's failure is recorded and retried by the outbox job, never lost
        retry_at = timezone.now() + retry_delay(attempts) if attempts < MAX_ATTEMPTS else None
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED, error=str(error)[:500], attempts=attempts, next_attempt_at=retry_at
        )
        logger.warning("notification %s failed (attempt %s): %s", notification.pk, attempts, error)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), error="", attempts=attempts, next_attempt_at=None
    )
    return True


def _transmit(notification: Notification) -> None:
    if notification.channel == Notification.Channel.EMAIL:
        send_mail(notification.subject, notification.body, None, [notification.recipient])
    else:
        sms.get_backend().send(notification.recipient, notification.body)
