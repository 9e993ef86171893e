"""The public pages of the work app (no login): the leaders' weekly schedule and units' public commitments."""

from apps.work.views import commitments, schedule

app_name = "work-public"

urlpatterns = [
    *schedule.public_urlpatterns,
    *commitments.public_urlpatterns,
]
