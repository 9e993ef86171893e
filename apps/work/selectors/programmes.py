"""Reads on programmes, scoped to what the caller may see (to be written)."""
