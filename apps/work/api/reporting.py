"""The API of reporting (to be written)."""

urlpatterns: list = []
