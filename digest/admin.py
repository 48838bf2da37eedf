from django.contrib import admin

from digest.models import DigestSent


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    """A record of the sweep's claims: read only (deleting one would send that week again)."""

    list_display = ["member", "week", "since", "created_at"]
    list_filter = ["week"]
    date_hierarchy = "week"
    list_select_related = ["member"]
    search_fields = ["member__email", "member__last_name"]
    readonly_fields = ["member", "week", "since", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
