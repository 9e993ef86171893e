"""The pages of briefings (to be written)."""

urlpatterns: list = []
