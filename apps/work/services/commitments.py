"""Writes on commitments (to be written)."""
