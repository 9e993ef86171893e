"""The work API's routes, spread into /api/v1/ (names in the `v1` namespace)."""

from apps.work.api import briefings, commitments, programmes, reporting, schedule, tasks

urlpatterns = [
    *tasks.urlpatterns,
    *programmes.urlpatterns,
    *commitments.urlpatterns,
    *reporting.urlpatterns,
    *briefings.urlpatterns,
    *schedule.urlpatterns,
]
