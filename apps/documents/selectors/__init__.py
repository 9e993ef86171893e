"""Reads on official documents, scoped to what the reader may see. The registers' selectors are re-exported here."""

from apps.documents.selectors.registers import *  # noqa: F403
from apps.documents.selectors.search import search_documents, search_entries  # noqa: F401
