"""SMS backends. Production plugs in the province's SMS gateway with SMS_BACKEND; development logs."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("congvu.sms")


class LogSmsBackend:
    """Writes the message to the log instead of sending it (development, demos, tests)."""

    sent: list[tuple[str, str]] = []  # the last messages, for tests and the demo

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        self.sent.append((phone, text))
        del self.sent[:-100]


def get_backend():
    return import_string(getattr(settings, "SMS_BACKEND", "apps.core.sms.LogSmsBackend"))()
