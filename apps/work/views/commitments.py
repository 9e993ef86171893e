"""The pages of commitments (to be written)."""

urlpatterns: list = []
public_urlpatterns: list = []
