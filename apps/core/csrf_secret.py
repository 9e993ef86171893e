"""Django draws each character of a CSRF secret, and of the mask it puts on the token, with a system call of its own
(secrets.choice): 64 calls, about 120 µs, for every visitor who has no token yet. That was a tenth of the public
tracking page. `new_csrf_string` makes the same draw (each character equally likely, over the same alphabet, from
the system's secure generator) out of one read."""

import secrets

from django.middleware import csrf

_ALPHABET = csrf.CSRF_ALLOWED_CHARS
_ACCEPTED_BELOW = 256 - 256 % len(_ALPHABET)  # 248: a byte from there up is drawn again, so no character is likelier


def new_csrf_string() -> str:
    length, size, chars = csrf.CSRF_SECRET_LENGTH, len(_ALPHABET), []
    while len(chars) < length:
        chars += [_ALPHABET[byte % size] for byte in secrets.token_bytes(length + 8) if byte < _ACCEPTED_BELOW]
    return "".join(chars[:length])


def install() -> None:
    """Put `new_csrf_string` in place of Django's generator (a private name: should Django rename it, the start-up
    fails here rather than silently keeping the slow one)."""
    if not callable(getattr(csrf, "_get_new_csrf_string", None)):
        raise RuntimeError("django.middleware.csrf._get_new_csrf_string is gone: review apps/core/csrf_secret.py")
    csrf._get_new_csrf_string = new_csrf_string
