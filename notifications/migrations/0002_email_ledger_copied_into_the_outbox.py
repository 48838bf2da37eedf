"""The e-mail ledger (aimq_portal.EmailDelivery) becomes history in the outbox: what was sent
stays sent (so the data export still lists it), what was never sent is recorded as not sent:
its message was built by code that no longer exists. Reversible: the ledger rows come back."""

from django.db import migrations


def ledger_to_outbox(apps, schema_editor):
    EmailDelivery = apps.get_model("aimq_portal", "EmailDelivery")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    rows = [
        OutboxMessage(
            key=delivery.key,
            kind="legacy",
            to_email=delivery.recipient.lower(),
            subject=delivery.subject,
            status="sent" if delivery.sent_at else "skipped",
            skipped_because="" if delivery.sent_at else "written before the outbox",
            created_at=delivery.created_at,
            next_attempt_at=delivery.created_at,
            attempts=delivery.attempts,
            sent_at=delivery.sent_at,
            last_error=delivery.last_error,
        )
        for delivery in EmailDelivery.objects.iterator()
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def outbox_to_ledger(apps, schema_editor):
    EmailDelivery = apps.get_model("aimq_portal", "EmailDelivery")
    OutboxMessage = apps.get_model("notifications", "OutboxMessage")
    rows = [
        EmailDelivery(
            key=message.key[:200],
            recipient=message.to_email,
            subject=message.subject,
            sent_at=message.sent_at,
            attempts=message.attempts,
            last_error=message.last_error,
        )
        for message in OutboxMessage.objects.exclude(status="pending").iterator()
    ]
    EmailDelivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_outbox"),
        ("aimq_portal", "0001_email_delivery"),
    ]

    operations = [migrations.RunPython(ledger_to_outbox, outbox_to_ledger)]
