"""The staff pages of the work app, under /can-bo/cong-viec/ (each purpose adds its own list)."""

from apps.work.views import briefings, commitments, programmes, reporting, schedule, tasks

app_name = "work"

urlpatterns = [
    *tasks.urlpatterns,
    *programmes.urlpatterns,
    *commitments.urlpatterns,
    *reporting.urlpatterns,
    *briefings.urlpatterns,
    *schedule.urlpatterns,
]
