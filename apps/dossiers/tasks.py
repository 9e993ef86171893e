import datetime as dt

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from apps.core.jobs import single_run
from apps.dossiers.services import sweep_late_dossiers


@db_periodic_task(crontab(minute="*/30"))
@single_run("dossiers-late-sweep", ttl=dt.timedelta(minutes=25))
def draft_apologies_for_late_dossiers() -> int:
    """Every 30 minutes: BM.04 drafts for dossiers that will be or are late. Idempotent (one apology a dossier)."""
    return sweep_late_dossiers()
