"""The staff's monthly health summary: written by the beat's sweep (``notify_monthly_summary``,
in the month's claim transaction), built by the relay from the figures as they are when it is
sent, in each staff member's language."""

from datetime import date

from health.selectors import MEETINGS_TARGET_MAX, MEETINGS_TARGET_MIN, overview, period_at
from notifications.models import OutboxMessage
from notifications.registry import message_kind
from notifications.rendering import absolute_url, render_for
from notifications.services import outbox_enqueue

MONTHLY_SUMMARY = "health.monthly_summary"


def notify_monthly_summary(*, month: date, recipients: list) -> int:
    return outbox_enqueue(
        kind=MONTHLY_SUMMARY,
        key=f"health-summary:{month.isoformat()}",
        recipients=recipients,
        params={"month": month.isoformat()},
    )


@message_kind(MONTHLY_SUMMARY)
def build_monthly_summary(message: OutboxMessage):
    period = period_at()
    return render_for(
        message,
        template="health/monthly_summary",
        context={
            "month": date.fromisoformat(message.params["month"]),
            "overview": overview(period=period),
            "period": period,
            "target_min": MEETINGS_TARGET_MIN,
            "target_max": MEETINGS_TARGET_MAX,
            "overview_url": absolute_url("health:overview"),
        },
    )
