"""The documents' menu (templatetags.documents_menu): the counts of the two queues, and which entries the user has."""

from apps.documents.selectors import handling as selectors
from apps.org import selectors as org
from apps.org.models import Role


def documents_nav(user) -> dict:
    return {
        "handling_counts": selectors.handling_counts(user),
        "is_leader": selectors.is_unit_leader(user),
        "is_clerk": org.user_has_role(user, Role.CLERICAL_OFFICER),
        "count_cap": selectors.COUNT_CAP,
    }
