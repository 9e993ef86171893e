"""Writes on official documents, one module per purpose. The registers' services are re-exported here."""

from apps.documents.services.registers import *  # noqa: F403
from apps.documents.services.registers import DuplicateDocumentError  # noqa: F401
