"""The staff's monthly summary: once per month, through the outbox, in each one's language."""

import pytest
from django.core import mail

from health.models import MonthlySummarySent
from health.services import monthly_summary_enqueue
from health.tasks import send_monthly_health_summary
from notifications.models import OutboxMessage
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_staff_get_the_flags_and_figures_once_a_month_in_their_language(known_world, run_tasks):
    french = StaffFactory(preferred_language="fr")
    english = StaffFactory(preferred_language="en")

    with run_tasks():
        assert send_monthly_health_summary.delay().get() is True
    with run_tasks():
        assert monthly_summary_enqueue() is False

    assert MonthlySummarySent.objects.get().month.isoformat() == "2026-07-01"
    assert OutboxMessage.objects.filter(kind="health.monthly_summary").count() == 2
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {french.email, english.email}
    in_french = by_address[french.email]
    assert "Santé des communautés, juillet 2026" in in_french.subject
    assert "2 communautés en retard sur la cible" in in_french.subject
    body = in_french.body.replace("’", "'")
    assert "- Alpha\u00a0: Moins de rencontres tenues que le rythme ne l'exige" in body
    assert "délai médian de décision\u00a0: 7 jours" in body
    in_english = by_address[english.email]
    assert "2 communities behind target" in in_english.subject
    assert "- Gamma: No in-person meeting yet this year, Fewer meetings held" in in_english.body
    assert "Members: 4 of 5 seats; waiting list: 2" in in_english.body
    assert "median time to a first answer: 5 hours" in in_english.body


def test_the_summary_of_a_new_month_is_written_again(known_world):
    import time_machine

    from tests.health.conftest import at

    StaffFactory()
    assert monthly_summary_enqueue() is True
    with time_machine.travel(at(2026, 8, 1, 8), tick=False):
        assert monthly_summary_enqueue() is True
        assert monthly_summary_enqueue() is False

    assert [row.month.month for row in MonthlySummarySent.objects.order_by("month")] == [7, 8]
