"""`{% documents_menu %}`: the documents' menu on every documents page, with the counts of the two queues."""

from django import template

from apps.documents.views.nav import documents_nav

register = template.Library()


@register.inclusion_tag("documents/_nav.html", takes_context=True)
def documents_menu(context) -> dict:
    request = context["request"]
    return {"request": request, **documents_nav(request.user)}
