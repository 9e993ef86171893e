"""The pages of tasks (to be written)."""

urlpatterns: list = []
