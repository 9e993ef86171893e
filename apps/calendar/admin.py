from django.contrib import admin

from apps.calendar import services
from apps.calendar.models import CalendarOverride, OfficeHours
from apps.org.selectors import units_visible_to


class CalendarAdminMixin:
    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit__in=units_visible_to(request.user)).select_related("unit")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = units_visible_to(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ("date", "kind", "unit", "note")
    list_filter = ("kind",)
    date_hierarchy = "date"
    fields = ("unit", "date", "kind", "note")

    def save_model(self, request, obj, form, change):
        saved = services.override_set(actor=request.user, unit=obj.unit, date=obj.date, kind=obj.kind, note=obj.note)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.override_remove(actor=request.user, override=obj)

    def delete_queryset(self, request, queryset):
        for override in queryset:
            services.override_remove(actor=request.user, override=override)


@admin.register(OfficeHours)
class OfficeHoursAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ("unit", "__str__")

    def save_model(self, request, obj, form, change):
        saved = services.office_hours_set(
            actor=request.user, unit=obj.unit, morning_start=obj.morning_start, morning_end=obj.morning_end,
            afternoon_start=obj.afternoon_start, afternoon_end=obj.afternoon_end,
        )  # fmt: skip
        obj.pk = saved.pk
