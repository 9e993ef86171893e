from django.contrib import admin

from apps.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ("seq", "created_at", "actor_label", "action", "object_label", "unit_label", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_label", "action", "object_id")
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser  # unit administrators read the scoped page /nhat-ky/

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
