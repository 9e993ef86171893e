"""Admin pages for units and staff: scoped to the administrator's subtree, every change audited."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from apps.core.audit import record_event
from apps.core.errors import DomainError
from apps.core.text import search_terms
from apps.org import selectors, services
from apps.org.models import AccessGrant, Membership, Role, Unit, User


def _is_org_admin(request) -> bool:
    return selectors.user_has_role(request.user, Role.ADMINISTRATOR)


class ScopedAdminMixin:
    def has_module_permission(self, request):
        return _is_org_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_org_admin(request)

    def has_add_permission(self, request, obj=None):
        return _is_org_admin(request)

    def has_change_permission(self, request, obj=None):
        return _is_org_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False  # units and people are deactivated, never deleted: the history refers to them

    def get_search_results(self, request, queryset, search_term):
        """Accent-insensitive: every folded word must be in the folded search column."""
        for term in search_terms(search_term):
            queryset = queryset.filter(search_key__contains=term)
        return queryset, False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Unit:
            kwargs["queryset"] = selectors.units_visible_to(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _domain_error_on(form: forms.Form, field: str, check) -> None:
    """Run a service's check and show its refusal on the form instead of failing the request."""
    try:
        check()
    except DomainError as error:
        form.add_error(field if error.field in form.fields else None, error.message)


class UnitParentFormMixin:
    """The parent choices are the units of the editor's scope, minus the unit's own subtree; the service decides."""

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = selectors.units_visible_to(self.actor).order_by("path")
        if self.instance.pk:
            parents = parents.exclude(path__startswith=self.instance.path)
        field = self.fields["parent"]
        field.queryset = parents
        field.required = not self.actor.is_superuser
        if field.required:
            field.empty_label = None

    def clean(self):
        cleaned = super().clean()
        if "parent" in self.changed_data or not self.instance.pk:
            unit = Unit.objects.get(pk=self.instance.pk) if self.instance.pk else None
            check = services.check_unit_parent
            _domain_error_on(self, "parent", lambda: check(actor=self.actor, unit=unit, parent=cleaned.get("parent")))
        return cleaned


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("indented_name", "kind", "level", "agency_code", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("search_key",)
    fields = ("name", "short_name", "symbol", "kind", "level", "parent", "agency_code", "address", "phone",
              "email", "sort_order", "is_active")  # fmt: skip
    list_per_page = 100

    @admin.display(description=_("tên đơn vị"), ordering="path")
    def indented_name(self, obj):
        return ("— " * obj.depth) + obj.name

    def get_queryset(self, request):
        return selectors.units_visible_to(request.user).select_related("parent")

    def get_readonly_fields(self, request, obj=None):
        """The top of the editor's own scope (their unit, or one hung under a parent they cannot see) stays put."""
        if obj is not None and not selectors.can_move_unit(request.user, obj):
            return ("parent",)
        return ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "parent" not in form.base_fields:
            return form
        return type("ScopedUnitForm", (UnitParentFormMixin, form), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data[name] for name in services.UNIT_FIELDS if name in form.cleaned_data}
        if not change:
            saved = services.unit_create(actor=request.user, parent=form.cleaned_data.get("parent"), **values)
        else:
            saved = Unit.objects.get(pk=obj.pk)
            changed = {name: values[name] for name in form.changed_data if name in values}
            if changed:
                saved = services.unit_update(actor=request.user, unit=saved, **changed)
            if "parent" in form.changed_data:
                saved = services.unit_move(actor=request.user, unit=saved, new_parent=form.cleaned_data["parent"])
        obj.__dict__.update(Unit.objects.get(pk=saved.pk).__dict__)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("unit", "position", "is_head", "is_primary", "start_date", "end_date")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = selectors.units_visible_to(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # end a membership with an end date instead


class AccessGrantInline(admin.TabularInline):
    model = AccessGrant
    fk_name = "user"
    extra = 0
    fields = ("unit", "include_subtree", "reason", "valid_until")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "unit":
            kwargs["queryset"] = selectors.units_visible_to(request.user).order_by("path")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class StaffCreationForm(AdminUserCreationForm):
    """A new colleague with their unit, position and roles: created in one step, never without a place."""

    unit = forms.ModelChoiceField(label=_("Đơn vị công tác"), queryset=Unit.objects.none())
    position = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Vai trò"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    actor = None

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.units_visible_to(self.actor).order_by("path")
        self.fields["unit"].required = not self.actor.is_superuser

    def clean(self):
        cleaned = super().clean()
        unit = cleaned.get("unit")
        _domain_error_on(self, "unit", lambda: services.check_staff_unit(actor=self.actor, unit=unit))
        return cleaned

    def create_staff(self) -> User:
        password = self.cleaned_data["password1"] if self.cleaned_data.get("set_usable_password") else None
        return services.staff_create(
            actor=self.actor, username=self.cleaned_data["username"], full_name=self.cleaned_data["full_name"],
            password=password, unit=self.cleaned_data.get("unit"), position=self.cleaned_data["position"],
            roles=self.cleaned_data["roles"],
        )  # fmt: skip


@admin.register(User)
class UserAdmin(ScopedAdminMixin, BaseUserAdmin):
    list_display = ("username", "full_name", "email", "phone", "is_active", "last_login")
    search_fields = ("search_key",)
    list_filter = ("is_active", "groups")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone")}),
        (_("Vai trò và trạng thái"), {"fields": ("is_active", "groups")}),
        (_("Thời điểm"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "full_name", "usable_password", "password1", "password2")},
        ),
        (_("Nơi công tác và vai trò"), {"fields": ("unit", "position", "roles")}),
    )
    add_form = StaffCreationForm
    readonly_fields = ("last_login", "date_joined")
    inlines = [MembershipInline, AccessGrantInline]

    def get_queryset(self, request):
        if request.user.is_superuser:
            return User.objects.all()
        return selectors.staff_visible_to(request.user)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            return type("ScopedStaffCreationForm", (form,), {"actor": request.user})
        return form

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a new colleague's place is on the add form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            from django.contrib.auth.models import Group

            kwargs["queryset"] = Group.objects.filter(name__in=Role.values)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            created = form.create_staff()
            obj.__dict__.update(User.objects.get(pk=created.pk).__dict__)
            return
        super().save_model(request, obj, form, change)
        changed = [name for name in form.changed_data if name not in {"password", "password1", "password2"}]
        record_event(
            "org.staff.update",
            actor=request.user,
            obj=obj,
            changes={name: str(form.cleaned_data.get(name)) for name in changed},
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "groups" in form.changed_data:
            record_event(
                "org.staff.roles",
                actor=request.user,
                obj=form.instance,
                changes={"roles": sorted(g.name for g in form.cleaned_data["groups"])},
            )

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        for instance in instances:
            action = "org.membership.save" if isinstance(instance, Membership) else "org.access.save"
            record_event(
                action,
                actor=request.user,
                obj=instance,
                unit=instance.unit,
                changes={"user": form.instance.username},
            )
