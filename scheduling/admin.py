from django.contrib import admin

from scheduling.models import DatePoll, PollAnswer, PollOption, PollReminder


class PollOptionInline(admin.TabularInline):
    model = PollOption
    extra = 0
    fields = ["starts_at", "ends_at", "format", "place"]


@admin.register(DatePoll)
class DatePollAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "created_by", "closes_at", "closed_at", "meeting"]
    list_filter = ["community", ("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "details"]
    list_select_related = ["community", "created_by", "meeting"]
    raw_id_fields = ["created_by", "meeting"]
    # Scheduling goes through the poll's page: it makes the meeting and its invitations.
    readonly_fields = ["meeting", "created_at"]
    inlines = [PollOptionInline]

    def has_add_permission(self, request) -> bool:
        # Proposed from the portal, whose checks and e-mail to the members an admin form skips.
        return False


@admin.register(PollAnswer)
class PollAnswerAdmin(admin.ModelAdmin):
    list_display = ["option", "member", "choice", "answered_at"]
    list_filter = ["choice", "option__poll__community"]
    list_select_related = ["option__poll", "member"]
    raw_id_fields = ["option", "member"]

    def has_add_permission(self, request) -> bool:
        return False  # the members' own answers, given on the poll's page


@admin.register(PollReminder)
class PollReminderAdmin(admin.ModelAdmin):
    list_display = ["poll", "member", "sent_at"]
    list_select_related = ["poll", "member"]
    raw_id_fields = ["poll", "member"]
    readonly_fields = ["poll", "member", "sent_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # deleting one would remind the member again
