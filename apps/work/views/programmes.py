"""The pages of programmes (to be written)."""

urlpatterns: list = []
