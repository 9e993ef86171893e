"""Writes on reporting (to be written)."""
