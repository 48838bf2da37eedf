"""Staff see the outbox (what waits, what went out, what failed and why) and send a failed
message again. Messages are written by the portal's services only: nothing is added, edited or
deleted here."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import services
from notifications.models import MessageStatus, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to_email", "subject_or_kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_email", "subject", "key")
    date_hierarchy = "created_at"
    list_select_related = False
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over the whole history at every page is waste
    actions = ["resend"]
    # The bodies are left out: a password-reset message carries a secret link until it is sent.
    fields = (
        "key",
        "kind",
        "params",
        "recipient",
        "to_email",
        "subject",
        "status",
        "created_at",
        "next_attempt_at",
        "claimed_until",
        "attempts",
        "sent_at",
        "last_error",
        "skipped_because",
    )
    readonly_fields = fields
    raw_id_fields = ("recipient",)

    @admin.display(description=_("subject"), ordering="subject")
    def subject_or_kind(self, message: OutboxMessage) -> str:
        return message.subject or message.kind

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Send the selected failed e-mails again"))
    def resend(self, request, queryset) -> None:
        failed = list(queryset.filter(status=MessageStatus.FAILED))
        resent = sum(services.message_resend(message=message) for message in failed)
        others = queryset.count() - len(failed)
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail will be sent again.",
                    "%(count)d e-mails will be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        if others:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected e-mail had not failed: left as it is.",
                    "%(count)d selected e-mails had not failed: left as they are.",
                    others,
                )
                % {"count": others},
                messages.WARNING,
            )
