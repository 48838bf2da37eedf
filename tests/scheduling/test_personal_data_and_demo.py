"""A member's answers to date polls in their data download, gone with the account; the polls a
lead proposed stay without them. The demo poll loads once, in progress, with answers."""

import pytest
from django.core.management import call_command

from members.selectors import member_data_export
from members.services import account_close
from scheduling import services
from scheduling.models import DatePoll, PollAnswer, PollReminder

pytestmark = pytest.mark.django_db


def test_the_download_holds_the_members_answers_and_proposals(poll, voter, lead):
    early, middle, late = poll.options.order_by("starts_at")
    services.poll_answer(
        poll=poll, member=voter, choices={early.pk: "yes", middle.pk: "if_needed", late.pk: "no"}
    )

    answers = member_data_export(user=voter)["date_poll_answers"]
    assert [(a["poll"], a["answer"]["code"], a["answer"]["label"]) for a in answers] == [
        (poll.title, "yes", "Oui"),
        (poll.title, "if_needed", "Si nécessaire"),
        (poll.title, "no", "Non"),
    ]
    assert answers[0]["option_starts_at"] == early.starts_at
    assert member_data_export(user=voter)["date_polls_proposed"] == []
    assert [p["title"] for p in member_data_export(user=lead)["date_polls_proposed"]] == [
        poll.title
    ]


def test_closing_an_account_erases_its_answers_and_keeps_the_poll(poll, voter, peer, lead):
    services.poll_answer(poll=poll, member=voter, choices={o.pk: "yes" for o in poll.options.all()})
    services.poll_answer(poll=poll, member=peer, choices={o.pk: "no" for o in poll.options.all()})
    PollReminder.objects.create(poll=poll, member=voter)

    account_close(user=voter)
    account_close(user=lead)

    assert set(PollAnswer.objects.values_list("member_id", flat=True)) == {peer.pk}
    assert not PollReminder.objects.exists()
    poll.refresh_from_db()
    assert poll.created_by is None and poll.title


def test_the_demo_poll_is_in_progress_with_answers_and_loads_once():
    call_command("load_demo_data", stdout=None)
    poll = DatePoll.objects.get()
    answers = PollAnswer.objects.filter(option__poll=poll).count()
    call_command("load_demo_data", stdout=None)

    assert DatePoll.objects.count() == 1
    assert PollAnswer.objects.count() == answers > 0
    assert poll.is_open() and poll.options.count() == 3
    assert poll.options.first().starts_at > poll.closes_at
