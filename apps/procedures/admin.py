from django.contrib import admin, messages

from apps.org.models import Role
from apps.org.selectors import user_has_role
from apps.procedures.models import Field, Procedure, ProcedureStep, RequiredPaper
from apps.procedures.services import procedure_saved_in_admin


class CatalogueAdminMixin:
    """The catalogue is province-wide: administrators of the province (superusers) edit it."""

    def has_module_permission(self, request):
        return request.user.is_superuser or user_has_role(request.user, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    has_change_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return False  # a procedure is retired with "đang áp dụng", never deleted: dossiers refer to it


class RequiredPaperInline(CatalogueAdminMixin, admin.TabularInline):
    model = RequiredPaper
    extra = 0
    fields = ("sort_order", "name", "form", "copies", "optional", "template")


class ProcedureStepInline(CatalogueAdminMixin, admin.TabularInline):
    model = ProcedureStep
    extra = 0
    fields = ("order", "kind", "name", "scope", "fixed_unit", "division_symbol", "role", "budget", "budget_unit")


@admin.register(Field)
class FieldAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ("name", "sort_order")


@admin.register(Procedure)
class ProcedureAdmin(CatalogueAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "time_limit_display", "online_level", "is_active")
    list_filter = ("level", "field", "online_level", "is_active")
    search_fields = ("code", "name")
    inlines = [RequiredPaperInline, ProcedureStepInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problem = procedure_saved_in_admin(
            actor=request.user, procedure=form.instance, changed_fields=form.changed_data, created=not change
        )
        if problem:
            messages.warning(request, f"{problem} Thủ tục chưa dùng được cho hồ sơ mới cho đến khi sửa.")
