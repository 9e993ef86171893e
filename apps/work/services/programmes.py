"""Writes on programmes (to be written)."""
