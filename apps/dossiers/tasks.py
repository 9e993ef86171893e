import datetime as dt

from django.core.cache import cache
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.dossiers import tracking
from apps.dossiers.services import sweep_late_dossiers


@db_periodic_task(crontab(minute="*/30"))
@single_run("dossiers-late-sweep", ttl=dt.timedelta(minutes=25))
def draft_apologies_for_late_dossiers() -> int:
    """Every 30 minutes: BM.04 drafts for dossiers that will be or are late. Idempotent (one apology a dossier)."""
    return sweep_late_dossiers()


@db_periodic_task(crontab(minute="7"))
@single_run("tracking-store", ttl=dt.timedelta(minutes=55))
def store_tracking_answers() -> tuple[int, int]:
    """Hourly: publish the answers that a change withdrew and no publishing followed (the process died between the
    commit and it); then, when Redis holds no complete store of the published answers (a day since the last, Redis
    restarted empty or back from an outage), store them all again (tracking.store_published). (published, stored)."""
    published = tracking.publish_withdrawn()
    if cache.get(tracking.STORED_MARK) is not None:
        return published, 0
    return published, tracking.store_published()[0]
