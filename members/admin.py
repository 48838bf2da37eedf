from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from members.models import User


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
                    "expertise",
                    "preferred_language",
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
