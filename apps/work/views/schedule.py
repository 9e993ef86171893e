"""The pages of schedule (to be written)."""

urlpatterns: list = []
public_urlpatterns: list = []
