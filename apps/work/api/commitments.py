"""The API of commitments (to be written)."""

urlpatterns: list = []
