from django.contrib import admin

from attestations.models import Attestation


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    """Read only: an attestation is issued by its member's download and stays as it was issued
    (its code is printed on a PDF somewhere); staff look codes up here."""

    list_display = ["code", "holder_name", "year", "hours", "activity_count", "issued_at"]
    list_filter = ["year"]
    search_fields = ["code", "holder_name"]
    date_hierarchy = "issued_at"
    fields = ["code", "member", "holder_name", "year", "hours", "activity_count", "issued_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff
