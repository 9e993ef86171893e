"""Reads on briefings, scoped to what the caller may see (to be written)."""
