"""The documents' menu shown on every documents page, with the counts of the two queues."""

from apps.documents.selectors import handling as selectors


def documents_nav(user) -> dict:
    return {"handling_counts": selectors.handling_counts(user), "is_leader": selectors.is_unit_leader(user)}
