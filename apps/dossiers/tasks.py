from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from apps.dossiers.lateness import sweep_late_dossiers


@db_periodic_task(crontab(minute="*/30"))
@lock_task("dossiers-late-sweep")
def draft_apologies_for_late_dossiers() -> int:
    """Every 30 minutes: BM.04 drafts for dossiers that will be or are late. Idempotent (one apology a dossier)."""
    return sweep_late_dossiers()
