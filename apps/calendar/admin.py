from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from apps.calendar import services
from apps.calendar.models import CalendarOverride, CountingRule, OfficeHours
from apps.core.errors import DomainError
from apps.org.models import Role
from apps.org.selectors import units_visible_to, user_has_role


class CalendarAdminMixin:
    """Administrators, scoped to their units; the services decide the finer rules (province administrator)."""

    def has_module_permission(self, request):
        return user_has_role(request.user, Role.ADMINISTRATOR)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=units_visible_to(request.user)).select_related("unit")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_visible_to(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ServiceCheckedForm(forms.ModelForm):
    """Runs the service's check in `clean`, so a refusal shows on the form instead of failing the request."""

    actor = None

    def service_check(self, cleaned: dict) -> None:
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                self.service_check(cleaned)
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned


class OverrideForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        services.check_override(
            actor=self.actor, unit=cleaned["unit"], date=cleaned["date"], kind=cleaned["kind"],
            legal_basis=cleaned.get("legal_basis", ""),
        )  # fmt: skip


class CountingRuleForm(ServiceCheckedForm):
    def service_check(self, cleaned):
        services.check_counting_rule(actor=self.actor, unit=cleaned["unit"], method=cleaned["method"])


class ActorFormMixin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ActorFormMixin, CalendarAdminMixin, admin.ModelAdmin):
    form = OverrideForm
    list_display = ("date", "kind", "unit", "note", "legal_basis", "counts_for_legal_limits")
    list_filter = ("kind",)
    date_hierarchy = "date"
    fields = ("unit", "date", "kind", "note", "legal_basis", "approved_by", "approved_at")
    readonly_fields = ("approved_by", "approved_at")
    actions = ["approve"]

    @admin.display(boolean=True, description=_("Tính vào thời hạn pháp lý"))
    def counts_for_legal_limits(self, obj):
        return obj.counts_for_legal_limits

    def save_model(self, request, obj, form, change):
        saved = services.override_set(
            actor=request.user, unit=obj.unit, date=obj.date, kind=obj.kind, note=obj.note,
            legal_basis=obj.legal_basis,
        )  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.override_remove(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            services.override_remove(actor=request.user, override=override)

    @admin.action(description=_("Phê duyệt ngày nghỉ riêng (tính vào thời hạn pháp lý)"))
    def approve(self, request, queryset):
        for override in queryset:
            try:
                services.override_approve(actor=request.user, override=override)
            except DomainError as error:
                self.message_user(request, f"{override}: {error.message}", messages.ERROR)


@admin.register(OfficeHours)
class OfficeHoursAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "__str__")

    def save_model(self, request, obj, form, change):
        saved = services.office_hours_set(
            actor=request.user, unit=obj.unit, morning_start=obj.morning_start, morning_end=obj.morning_end,
            afternoon_start=obj.afternoon_start, afternoon_end=obj.afternoon_end,
        )  # fmt: skip
        obj.pk = saved.pk


@admin.register(CountingRule)
class CountingRuleAdmin(ActorFormMixin, CalendarAdminMixin, admin.ModelAdmin):
    form = CountingRuleForm
    list_display = ("unit", "method", "updated_by", "updated_at")
    fields = ("unit", "method")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":  # a province (root unit) chooses for itself
            kwargs["queryset"] = units_visible_to(request.user).filter(parent__isnull=True).order_by("path")
            return admin.ModelAdmin.formfield_for_foreignkey(self, db_field, request, **kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # go back to the law's rule by choosing it: the change is audited

    def save_model(self, request, obj, form, change):
        saved = services.counting_rule_set(actor=request.user, unit=obj.unit, method=obj.method)
        obj.pk = saved.pk
