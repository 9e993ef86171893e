"""Test overlay: the real settings, with jobs run inline and a fast password hasher."""

import atexit
import shutil
import tempfile
from pathlib import Path

from congvu.settings import *  # noqa: F403
from congvu.settings import CACHES, HUEY

HUEY = {**HUEY, "immediate": True}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True

if CACHES["default"]["BACKEND"] == "apps.core.cache.LocalCache":
    # The shared rate-limit counters of this test process alone (another run's counts and clears stay apart).
    _COUNTERS_DIR = tempfile.mkdtemp(prefix="congvu-test-counters-")
    atexit.register(shutil.rmtree, _COUNTERS_DIR, True)
    CACHES = {
        **CACHES,
        "default": {**CACHES["default"], "OPTIONS": {"COUNTER_FILE": Path(_COUNTERS_DIR) / "ratelimit.sqlite3"}},
    }
