from django.db.models import QuerySet

from apps.core.models import AuditEvent


def audit_events(*, unit_ids=None, action_prefix: str = "") -> QuerySet[AuditEvent]:
    """Newest first; `unit_ids` (ids or a subquery of them) limits to those units, None means all."""
    events = AuditEvent.objects.all()
    if unit_ids is not None:
        events = events.filter(unit_id__in=unit_ids)
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    return events.order_by("-seq")
