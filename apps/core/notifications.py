"""Queue a message in the caller's transaction; the worker sends it after commit (never inside a request)."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.core import sms
from apps.core.models import Notification


def notify(channel: str, recipient: str, body: str, *, subject: str = "", obj=None) -> Notification | None:
    if not recipient:
        return None
    notification = Notification.objects.create(
        channel=channel, recipient=recipient, subject=subject[:255], body=body,
        object_type=obj._meta.label_lower if obj is not None else "", object_id=str(obj.pk) if obj is not None else "",
    )  # fmt: skip
    from apps.core.tasks import send_notification

    transaction.on_commit(lambda: send_notification(notification.pk))
    return notification


def deliver(notification: Notification) -> None:
    """Send one queued notification; safe to call twice (a sent one is left alone)."""
    if notification.status == Notification.Status.SENT:
        return
    try:
        if notification.channel == Notification.Channel.EMAIL:
            send_mail(notification.subject, notification.body, None, [notification.recipient])
        else:
            sms.get_backend().send(notification.recipient, notification.body)
    except Exception as error:  # the gateway's failure is recorded and retried by the task, never lost
        notification.status, notification.error = Notification.Status.FAILED, str(error)[:500]
        notification.save(update_fields=["status", "error"])
        raise
    notification.status, notification.sent_at, notification.error = Notification.Status.SENT, timezone.now(), ""
    notification.save(update_fields=["status", "sent_at", "error"])
