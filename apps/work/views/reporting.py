"""The pages of reporting (to be written)."""

urlpatterns: list = []
