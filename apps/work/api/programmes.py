"""The API of programmes (to be written)."""

urlpatterns: list = []
