"""Writes on briefings (to be written)."""
