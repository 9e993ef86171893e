"""What a server process loads before its first request (congvu/wsgi.py), so that the first visitors after a
restart wait no longer than the next ones: the public pages' templates compiled, both languages' catalogues, the
URL resolver, the static files' manifest, the tracking answers' names, the public dashboard's figures and the total
of the published answers.
gunicorn's `--preload` then does it once in the master, and every worker starts with it.

Nothing here writes but caches, and no database connection stays open: one made before the fork would be shared by
every worker (redis-py's pools reconnect in each worker by themselves)."""

import gc
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


def warm_up(*, freeze: bool = True) -> None:
    steps = (_compile_templates, _load_languages_and_urls, _read_static_manifest, _read_tracking_names,
             _compute_public_dashboard, _count_published_answers)  # fmt: skip
    for step in steps:
        try:
            step()
        except Exception:  # a cold start is slower, never broken: the first requests load what is missing
            log.exception("warming up: %s failed", step.__name__)
    connections.close_all()
    # What the master loaded is shared with the forked workers page by page until written; the collector's passes
    # over those objects would write them all (copying every page in each worker at its first collection).
    # Measured: the first round after a restart had a p99 of 0.5 s without this, 40 ms with it.
    if freeze:
        gc.freeze()


def _compile_templates() -> None:
    for template in PUBLIC_TEMPLATES:
        get_template(template)


def _load_languages_and_urls() -> None:
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for name in PUBLIC_URLS:
                reverse(name)
            translation.gettext("Tra cứu hồ sơ")


def _read_static_manifest() -> None:
    static("css/congvu.css")


def _read_tracking_names() -> None:
    from apps.dossiers import tracking

    tracking.warm_names()


def _compute_public_dashboard() -> None:
    from apps.stats.views import warm_public_dashboard

    with translation.override(settings.LANGUAGE_CODE):
        warm_public_dashboard()


def _count_published_answers() -> None:
    from apps.feedback.views import warm_published_answers

    warm_published_answers()
