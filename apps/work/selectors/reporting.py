"""Reads on reporting, scoped to what the caller may see (to be written)."""
