"""Writes on schedule (to be written)."""
