"""Reads on tasks, scoped to what the caller may see (to be written)."""
