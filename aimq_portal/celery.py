import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aimq_portal.settings.dev")

app = Celery("aimq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# What beat runs, here rather than in the settings (CELERY_BEAT_SCHEDULE): a crontab imports
# Celery, and the settings are read by every web worker, which never runs beat. Set before the
# configuration is read, it takes precedence over the settings (Celery's "preconf").
app.conf.beat_schedule = {
    # The outbox: whatever the kicks after each commit did not send (broker down, worker lost).
    "relay-outbox": {
        "task": "notifications.tasks.relay_outbox",
        "schedule": 60.0,
    },
    # Undecided join requests: leads reminded after 7 days, staff told after 14.
    "sweep-undecided-join-requests": {
        "task": "communities.tasks.sweep_undecided_join_requests",
        "schedule": crontab(hour=8, minute=0),
    },
    # Meeting reminders: the sweep sends what fell due since the last run (see meetings.services).
    "send-due-meeting-reminders": {
        "task": "meetings.tasks.send_due_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Date polls closing soon: the one reminder to members who have not answered (scheduling).
    "send-date-poll-reminders": {
        "task": "scheduling.tasks.send_poll_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Creating forms' one-time tokens, once the forms no longer accept them.
    "prune-form-submissions": {
        "task": "submit_once.tasks.prune_submissions",
        "schedule": crontab(hour=4, minute=30),
    },
    # The weekly digest of the members who chose it: Monday morning, Montréal time (see digest).
    "send-weekly-digests": {
        "task": "digest.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # The staff's monthly health summary of the communities: the first of the month, Montréal
    # morning (see health.services: written once per month).
    "send-monthly-health-summary": {
        "task": "health.tasks.send_monthly_health_summary",
        "schedule": crontab(day_of_month=1, hour=8, minute=0),
    },
    # Seat offers of the meetings' waiting lists whose deadline passed: the seat goes to the
    # next in line (see meetings.seats).
    "expire-seat-offers": {
        "task": "meetings.tasks.expire_seat_offers",
        "schedule": 60.0,
    },
}


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender: Celery, **kwargs) -> None:
    # The filesystem transport expects its folders to exist before the first message.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
