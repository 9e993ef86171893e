"""The audit chain's keys: kept outside the database (settings.AUDIT_KEYS), one id per key so keys can rotate."""

import hashlib
import hmac

from django.conf import settings


class UnknownAuditKey(KeyError):
    """An event or checkpoint names a key this installation does not hold."""


def current_key_id() -> str:
    return settings.AUDIT_KEY_ID


def keyed_mac(key_id: str, message: bytes) -> str:
    """HMAC-SHA256 of `message` with the key `key_id`, in hex."""
    secret = settings.AUDIT_KEYS.get(key_id)
    if secret is None:
        raise UnknownAuditKey(key_id)
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def same(mac_a: str, mac_b: str) -> bool:
    return hmac.compare_digest(mac_a, mac_b)
