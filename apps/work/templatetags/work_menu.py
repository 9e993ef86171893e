"""`{% work_menu %}`: the work app's own menu on every work page (one entry "Công việc" in the staff menu)."""

from django import template

from apps.org import selectors as org
from apps.org.models import Role

register = template.Library()


@register.inclusion_tag("work/_nav.html", takes_context=True)
def work_menu(context) -> dict:
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "is_leader": org.user_has_role(user, Role.UNIT_LEADER),
        "keeps_schedule": org.user_has_role(user, Role.UNIT_LEADER) or org.user_has_role(user, Role.CLERICAL_OFFICER),
    }
