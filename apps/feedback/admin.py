from django.contrib import admin

from apps.feedback import services
from apps.feedback.models import AnswerTemplate, Category, Open311Key
from apps.procedures.admin import CatalogueAdminMixin


class AuditedAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    """Province-wide settings of the feedback service: superusers edit, every change is audited."""

    def save_model(self, request, obj, form, change):
        services.catalogue_entry_save(
            actor=request.user, entry=obj, changed_fields=form.changed_data, created=not change
        )


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ("name", "code", "group", "answer_days", "is_active", "order")
    list_filter = ("group", "is_active")


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(AuditedAdmin):
    list_display = ("title", "category")


@admin.register(Open311Key)
class Open311KeyAdmin(AuditedAdmin):
    list_display = ("name", "contact", "is_active", "created_at")
    readonly_fields = ("key",)
