"""Reads on schedule, scoped to what the caller may see (to be written)."""
