"""Printable and spreadsheet exports of the work app: programmes, report aggregates, conclusion notices, the
weekly schedule."""
