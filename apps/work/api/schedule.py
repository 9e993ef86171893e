"""The API of schedule (to be written)."""

urlpatterns: list = []
