"""The API of tasks (to be written)."""

urlpatterns: list = []
