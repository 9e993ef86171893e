"""Reads on commitments, scoped to what the caller may see (to be written)."""
