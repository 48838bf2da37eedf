from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.models import ExpertiseArea, User
from members.services import account_close, expertise_area_merge


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("last_name", "first_name", "email")
    list_display = (
        "email",
        "first_name",
        "last_name",
        "organisation",
        "region",
        "preferred_language",
        "is_staff",
        "is_active",
    )
    list_filter = ("region", "organisation_type", "preferred_language", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name", "organisation", "job_title", "expertise")
    readonly_fields = ("privacy_consent_at", "closed_at")
    actions = ["close_accounts"]
    filter_horizontal = ("expertise_areas", "groups", "user_permissions")

    def has_delete_permission(self, request, obj=None):
        # Deleting a member would cascade through their memberships (a seat freed without the
        # waiting list being told) and the association's history; "Close selected accounts"
        # erases their personal information and keeps the history consistent instead.
        return False

    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (
            _("Profile"),
            {
                "fields": (
                    "job_title",
                    "organisation",
                    "organisation_type",
                    "region",
                    "phone",
                    "expertise_areas",
                    "expertise",
                    "preferred_language",
                )
            },
        ),
        (
            _("Privacy"),
            {
                "fields": (
                    "privacy_consent_at",
                    "contact_visible",
                    "directory_listed",
                    "directory_contact_visible",
                    "closed_at",
                )
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.action(description=_("Close selected accounts"), permissions=["change"])
    def close_accounts(self, request, queryset):
        """Closes each account through ``members.services.account_close``, as the member would
        from their profile, after a confirmation page (it cannot be undone)."""
        to_close = queryset.filter(closed_at__isnull=True).exclude(pk=request.user.pk)
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Close these accounts?"),
                "opts": self.model._meta,
                "accounts": list(to_close),
                "selected": queryset.values_list("pk", flat=True),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "skips_self": queryset.filter(pk=request.user.pk).exists(),
            }
            return TemplateResponse(request, "members/admin/close_accounts_confirm.html", context)
        closed = 0
        for user in to_close:
            account_close(user=user)
            closed += 1
        self.message_user(
            request,
            ngettext("%(count)d account closed.", "%(count)d accounts closed.", closed)
            % {"count": closed},
            messages.SUCCESS,
        )
        return None


@admin.register(ExpertiseArea)
class ExpertiseAreaAdmin(admin.ModelAdmin):
    """Staff curate the vocabulary: add an area, rename it in both languages, stop offering it
    (members who chose it keep it), or merge duplicates into one."""

    list_display = ("label_fr", "label_en", "slug", "is_active", "member_count")
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    search_fields = ("label_fr", "label_en", "slug")
    prepopulated_fields = {"slug": ("label_fr",)}
    actions = ["merge_areas"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, obj: ExpertiseArea) -> int:
        return obj.member_count

    @admin.action(description=_("Merge the selected areas into one"), permissions=["change"])
    def merge_areas(self, request, queryset):
        """Asks which of the selected areas to keep, then gives it to every member who chose
        one of the others, and deletes those (``members.services.expertise_area_merge``)."""
        areas = list(queryset.order_by("label_fr"))
        if len(areas) < 2:
            self.message_user(
                request, _("Select at least two areas to merge them."), messages.WARNING
            )
            return None
        keep = next((area for area in areas if str(area.pk) == request.POST.get("keep")), None)
        if request.POST.get("post") != "yes" or keep is None:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Merge these areas of expertise?"),
                "opts": self.model._meta,
                "areas": areas,
                "selected": [area.pk for area in areas],
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "missing_choice": request.POST.get("post") == "yes",
            }
            return TemplateResponse(request, "members/admin/merge_areas_confirm.html", context)
        gained = expertise_area_merge(keep=keep, duplicates=areas)
        self.message_user(
            request,
            ngettext(
                "Merged into “%(area)s”; %(count)d member gained it.",
                "Merged into “%(area)s”; %(count)d members gained it.",
                gained,
            )
            % {"area": keep.label_fr, "count": gained},
            messages.SUCCESS,
        )
        return None
