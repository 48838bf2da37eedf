"""Staff look meetings up here. Scheduling, editing and cancelling go through the portal's pages
(``meetings.services``), which raise the calendar SEQUENCE and e-mail the members: an admin edit
would skip both, so meetings and answers are read-only here, but for a meeting's
continuing-education hours, which staff may correct (through ``meeting_update`` too).
Follow-ups hold no such rule and stay editable (the model's validators check links and
documents)."""

from django.contrib import admin
from django.db import models
from django.utils import timezone

from meetings.models import (
    FollowUp,
    FollowUpDocument,
    Meeting,
    MeetingReminder,
    Rsvp,
    SeatRequest,
)
from meetings.services import meeting_update

# The portal's links are https only: no "http://" added to a bare address.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RsvpInline(ReadOnlyMixin, admin.TabularInline):
    model = Rsvp
    fields = ["member", "response", "stays_for_lunch", "dietary_needs", "updated_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "meeting")


class SeatRequestInline(ReadOnlyMixin, admin.TabularInline):
    """The waiting list for a seat, as it stands and as it went (offers taken, declined,
    expired): changed by the members and the sweep only (meetings.seats)."""

    model = SeatRequest
    fields = ["member", "status", "created_at", "offered_at", "offer_expires_at", "closed_at"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "meeting")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "starts_at", "format", "cancelled_at"]
    list_filter = ["community", "format", ("starts_at", admin.DateFieldListFilter)]
    search_fields = ["title", "community__name_fr", "community__name_en"]
    date_hierarchy = "starts_at"
    list_select_related = ["community"]
    inlines = [RsvpInline, SeatRequestInline]
    formfield_overrides = HTTPS_URLS
    readonly_fields = ["uid", "sequence", "created_by", "created_at", "updated_at"]
    # The one field staff may change here: it touches neither the calendar nor the members.
    EDITABLE_HERE = ("education_hours",)

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Viewable (staff open the page and its answers) but not editable: see the module's
        # docstring.
        return [
            field.name
            for field in self.model._meta.fields
            if field.name not in self.EDITABLE_HERE and field.name != "id"
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_cancelled:
            return False
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in self.EDITABLE_HERE}
        meeting_update(meeting=obj, updated_by=request.user, **changes)

    def has_delete_permission(self, request, obj=None):
        # Deleting would vanish the meeting from members' calendars without the cancellation
        # e-mail and .ics CANCEL; staff cancel it from the meeting's page in the portal.
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(MeetingReminder)
class MeetingReminderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Which reminders went out, to how many members; each message is in the outbox."""

    list_display = ["meeting", "offset_minutes", "for_starts_at", "recipients", "created_at"]
    fields = list_display
    readonly_fields = list_display
    list_select_related = ["meeting"]
    search_fields = ["meeting__title"]


class FollowUpDocumentInline(admin.TabularInline):
    model = FollowUpDocument
    fields = ["title", "file", "uploaded_by", "uploaded_at"]
    readonly_fields = ["uploaded_by", "uploaded_at"]
    extra = 0


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = [
        "meeting",
        "recording_public",
        "minutes_public",
        "documents_public",
        "updated_at",
    ]
    list_filter = ["recording_public", "minutes_public", "documents_public"]
    list_select_related = ["meeting"]
    search_fields = ["meeting__title", "speakers"]
    fields = [
        "meeting",
        "minutes",
        "minutes_public",
        "recording_url",
        "recording_public",
        "speakers",
        "public_summary",
        "documents_public",
        "published_at",
        "updated_by",
    ]
    readonly_fields = ["meeting", "published_at", "updated_by"]
    inlines = [FollowUpDocumentInline]
    formfield_overrides = HTTPS_URLS

    def has_add_permission(self, request):
        return False  # a follow-up is started from its meeting's page

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        # As followup_save does: a talk is dated when its recording is first shared.
        if obj.recording_public and obj.recording_url and obj.published_at is None:
            obj.published_at = timezone.now()
        elif not obj.recording_public:
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for document in formset.save(commit=False):
            if document.uploaded_by_id is None:
                document.uploaded_by = request.user
            document.save()
        for document in formset.deleted_objects:
            document.delete()
