"""What a server process loads before its first request (congvu/wsgi.py), so that the first visitors after a
restart wait no longer than the next ones: the public pages' templates compiled, both languages' catalogues, the
URL resolver, the static files' manifest and the tracking answers' names. gunicorn's `--preload` then does it once
in the master, and every worker starts with it.

Nothing here writes, and no connection stays open: a database or cache connection made before the fork would be
shared by every worker."""

import logging

from django.conf import settings
from django.db import connections
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

log = logging.getLogger(__name__)

PUBLIC_TEMPLATES = ("base.html", "portal/home.html", "portal/track.html", "portal/procedures.html",
                    "portal/procedure.html", "feedback/public_list.html", "stats/dashboard.html")  # fmt: skip
PUBLIC_URLS = ("portal:home", "portal:track", "portal:procedures", "feedback:public-list", "stats:public")


def warm_up() -> None:
    try:
        for template in PUBLIC_TEMPLATES:
            get_template(template)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for name in PUBLIC_URLS:
                    reverse(name)
                translation.gettext("Tra cứu hồ sơ")
        static("css/congvu.css")
        _warm_tracking_names()
    except Exception:  # a cold start is slower, never broken
        log.exception("warming up failed; the first requests load what they need")
    finally:
        connections.close_all()


def _warm_tracking_names() -> None:
    from django.db import DatabaseError

    from apps.dossiers import tracking

    try:
        tracking.warm_names()
    except DatabaseError:  # not migrated yet, or the database is down: the first lookup reads them
        log.warning("the tracking names were not loaded at start-up")
