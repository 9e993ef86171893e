"""The API of briefings (to be written)."""

urlpatterns: list = []
