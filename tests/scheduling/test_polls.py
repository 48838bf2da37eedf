"""Proposing dates, answering, the ranked answers and scheduling the chosen option, through
the pages a lead and a member use."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Membership, NotificationChoice
from meetings.models import Meeting
from notifications.models import OutboxMessage
from scheduling import emails, selectors, services
from scheduling.models import Choice, DatePoll, PollAnswer
from tests.helpers import page_text, shown_messages

from .conftest import at

pytestmark = pytest.mark.django_db


def create_url(community):
    return reverse("scheduling:create", args=[community.slug])


def detail_url(poll):
    return reverse("scheduling:detail", args=[poll.community.slug, poll.pk])


def answer_url(poll):
    return reverse("scheduling:answer", args=[poll.community.slug, poll.pk])


def row(index, date="", start="", end="", format="", place=""):
    prefix = f"options-{index}-"
    return {
        prefix + "date": date,
        prefix + "start": start,
        prefix + "end": end,
        prefix + "format": format,
        prefix + "place": place,
    }


def proposal(*rows, closes_at="2026-03-09T17:00", total=None):
    data = {
        "title": "Prochaine rencontre",
        "details": "Bilan",
        "closes_at": closes_at,
        "options-TOTAL_FORMS": str(total if total is not None else len(rows)),
        "options-INITIAL_FORMS": "0",
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "20",
    }
    for index, item in enumerate(rows):
        data.update(row(index, **item))
    return data


GOOD_ROWS = [
    {
        "date": "2026-03-16",
        "start": "09:00",
        "end": "12:00",
        "format": "in_person",
        "place": "Hôtel de ville",
    },
    {"date": "2026-03-18", "start": "13:30", "end": "16:00"},
    {},  # a blank row is ignored
]


# Proposing


def test_a_lead_proposes_dates_and_the_members_are_told(
    frozen, client, community, lead, voter, peer, run_tasks
):
    Membership.objects.filter(member=peer).update(notifications=NotificationChoice.NOTHING)
    client.force_login(lead)

    with run_tasks():
        response = client.post(create_url(community), proposal(*GOOD_ROWS), follow=True)

    poll = DatePoll.objects.get()
    assert response.redirect_chain[-1][0] == detail_url(poll)
    assert shown_messages(response) == [
        "Les dates sont proposées; les membres sont sondés par courriel."
    ]
    starts = [option.starts_at for option in poll.options.all()]
    # Montréal time typed, stored as UTC: 9:00 EDT... on March 16 2026 Montréal is on EDT (UTC-4).
    assert [s.isoformat() for s in starts] == [
        "2026-03-16T13:00:00+00:00",
        "2026-03-18T17:30:00+00:00",
    ]
    assert poll.options.first().format == "in_person"
    # Everyone but who chose nothing for the community, and not the lead who proposed.
    assert [m.to for m in mail.outbox] == [[voter.email]]
    assert "Prochaine rencontre" in mail.outbox[0].body
    assert detail_url(poll) in mail.outbox[0].body
    assert mail.outbox[0].extra_headers.get("List-Unsubscribe")


@pytest.mark.parametrize(
    ("rows", "closes_at", "expected"),
    [
        (
            [{"date": "2026-03-16", "start": "09:00", "end": "08:00"}, GOOD_ROWS[1]],
            "2026-03-09T17:00",
            "La fin doit venir après le début.",
        ),
        (
            [{"date": "2026-02-16", "start": "09:00", "end": "12:00"}, GOOD_ROWS[1]],
            "2026-03-09T17:00",
            "Cette option est passée : choisissez une date à venir.",
        ),
        ([GOOD_ROWS[0], {}], "2026-03-09T17:00", "Proposez au moins deux options."),
        (
            GOOD_ROWS,
            "2026-03-17T17:00",
            "Les réponses doivent se fermer avant le début de la première option.",
        ),
        (GOOD_ROWS, "2026-03-01T17:00", "La date de fermeture doit être dans le futur."),
    ],
)
def test_a_proposal_refused_says_why_and_keeps_what_was_typed(
    frozen, client, community, lead, rows, closes_at, expected
):
    client.force_login(lead)

    response = client.post(create_url(community), proposal(*rows, closes_at=closes_at))

    assert response.status_code == 200
    assert expected in page_text(response).replace("\u00a0", " ")
    assert DatePoll.objects.count() == 0
    assert 'value="Prochaine rencontre"' in page_text(response)
    for typed in rows:
        for value in typed.values():
            assert f'value="{value}"' in page_text(response) or value in ("in_person", "")


def test_add_an_option_gives_one_more_row_without_losing_anything(frozen, client, community, lead):
    client.force_login(lead)
    data = proposal(*GOOD_ROWS[:2])
    data["add_option"] = "1"

    response = client.post(create_url(community), data)

    text = page_text(response)
    assert DatePoll.objects.count() == 0
    assert 'name="options-TOTAL_FORMS" value="3"' in text
    assert 'value="2026-03-16"' in text and 'value="13:30"' in text
    assert 'value="Hôtel de ville"' in text
    assert "is-invalid" not in text and "alert-danger" not in text


def test_a_member_may_not_propose(frozen, client, community, voter):
    client.force_login(voter)
    assert client.get(create_url(community)).status_code == 403
    assert client.post(create_url(community), proposal(*GOOD_ROWS)).status_code == 403
    assert DatePoll.objects.count() == 0


# Answering


def answers(poll, *choices):
    return {
        f"option_{option.pk}": choice
        for option, choice in zip(poll.options.order_by("starts_at"), choices, strict=True)
    }


def test_a_member_answers_then_changes_their_answers(client, poll, voter):
    client.force_login(voter)

    response = client.post(answer_url(poll), answers(poll, "yes", "no", "if_needed"), follow=True)

    assert shown_messages(response) == [
        "Vos réponses sont enregistrées. Vous pouvez les changer jusqu'à la fermeture du sondage."
    ]
    assert sorted(PollAnswer.objects.values_list("choice", flat=True)) == ["if_needed", "no", "yes"]
    client.post(answer_url(poll), answers(poll, "no", "no", "yes"))
    assert PollAnswer.objects.count() == 3
    assert list(
        PollAnswer.objects.order_by("option__starts_at").values_list("choice", flat=True)
    ) == ["no", "no", "yes"]
    page = page_text(client.get(detail_url(poll)))
    assert "Modifier vos réponses" in page
    assert (
        f'value="yes" id="id_option_{poll.options.order_by("starts_at").last().pk}_0" checked'
        in page
    )


def test_an_incomplete_answer_is_refused_beside_the_option_and_keeps_the_others(
    client, poll, voter
):
    client.force_login(voter)
    data = answers(poll, "yes", "no", "yes")
    last = poll.options.order_by("starts_at").last()
    del data[f"option_{last.pk}"]

    response = client.post(answer_url(poll), data)

    assert response.status_code == 200
    assert "Répondez à cette option." in page_text(response)
    first = poll.options.order_by("starts_at").first()
    assert f'value="yes" id="id_option_{first.pk}_0" checked' in page_text(response)
    assert PollAnswer.objects.count() == 0


def test_after_closing_answers_are_refused_with_a_message(client, poll, voter, frozen):
    client.force_login(voter)
    client.post(answer_url(poll), answers(poll, "yes", "yes", "yes"))
    frozen.shift(timedelta(days=8))

    response = client.post(answer_url(poll), answers(poll, "no", "no", "no"), follow=True)

    assert shown_messages(response)[-1] == (
        "Ce sondage est fermé : les réponses ne peuvent plus changer."
    )
    assert set(PollAnswer.objects.values_list("choice", flat=True)) == {"yes"}
    assert 'name="option_' not in page_text(response)


def test_a_lead_closes_the_poll_early(client, poll, lead, voter):
    client.force_login(lead)
    response = client.post(
        reverse("scheduling:close", args=[poll.community.slug, poll.pk]), follow=True
    )
    assert shown_messages(response) == ["Le sondage est fermé : les réponses ne changent plus."]
    with pytest.raises(services.PollClosed):
        services.poll_answer(
            poll=poll, member=voter, choices={o.pk: "yes" for o in poll.options.all()}
        )


def test_the_answer_is_unique_per_member_and_option_in_the_database(poll, voter):
    from django.db import IntegrityError, transaction

    option = poll.options.first()
    PollAnswer.objects.create(option=option, member=voter, choice=Choice.YES)
    with pytest.raises(IntegrityError), transaction.atomic():
        PollAnswer.objects.create(option=option, member=voter, choice=Choice.NO)


# Ranking


def test_the_options_are_ranked_by_yes_then_if_needed(poll, community, voter, peer, lead):
    third = Membership.objects.create(
        community=community,
        member=type(voter).objects.create_user(email="x@example.org", password="x"),
    ).member
    early, middle, late = poll.options.order_by("starts_at")
    for member, choices in [
        (voter, ("if_needed", "yes", "yes")),
        (peer, ("yes", "if_needed", "yes")),
        (third, ("yes", "no", "if_needed")),
    ]:
        services.poll_answer(
            poll=poll,
            member=member,
            choices=dict(zip([early.pk, middle.pk, late.pk], choices, strict=True)),
        )

    results = selectors.results(poll)

    # late: 2 yes 1 if needed; early: 2 yes 1 if needed... tie broken by time; middle: 1 yes
    assert [(r.option, r.yes, r.if_needed, r.no) for r in results.options] == [
        (early, 2, 1, 0),
        (late, 2, 1, 0),
        (middle, 1, 1, 1),
    ]
    assert results.best.option == early
    assert results.unanswered == 1  # the lead


def test_the_lead_sees_a_table_of_answers_best_first(client, poll, lead, voter, peer):
    early, middle, late = poll.options.order_by("starts_at")
    services.poll_answer(
        poll=poll, member=voter, choices={early.pk: "no", middle.pk: "yes", late.pk: "if_needed"}
    )
    services.poll_answer(
        poll=poll, member=peer, choices={early.pk: "if_needed", middle.pk: "yes", late.pk: "yes"}
    )
    client.force_login(lead)

    text = page_text(client.get(detail_url(poll)))

    assert '<th scope="col">Oui</th>' in text and '<th scope="row"' in text
    schedule = [
        reverse("scheduling:schedule", args=[poll.community.slug, poll.pk, o.pk])
        for o in (middle, late, early)
    ]
    positions = [text.index(url) for url in schedule]
    assert positions == sorted(positions)
    assert "Annie" in text and "Luc" in text


# Scheduling


def schedule_url(poll, option):
    return reverse("scheduling:schedule", args=[poll.community.slug, poll.pk, option.pk])


MEETING = {
    "title": "Prochaine rencontre",
    "format": "in_person",
    "starts_at": "2026-03-18T13:00",
    "ends_at": "2026-03-18T15:00",
    "venue_name": "Hôtel de ville",
    "address": "1, rue Principale, Drummondville",
    "agenda": "Bilan",
    "in_person_seats": "",
    "meeting_url": "",
    "invited_experts": "",
}


def test_the_lead_schedules_the_chosen_option_and_the_members_are_invited(
    client, poll, lead, voter, peer, run_tasks
):
    option = poll.options.order_by("starts_at")[1]
    client.force_login(lead)
    form = client.get(schedule_url(poll, option))
    assert 'value="2026-03-18T13:00"' in page_text(form)
    assert 'value="Hôtel de ville"' in page_text(form)

    with run_tasks():
        response = client.post(schedule_url(poll, option), MEETING, follow=True)

    meeting = Meeting.objects.get()
    poll.refresh_from_db()
    assert response.redirect_chain[-1][0] == reverse("meetings:detail", args=[meeting.pk])
    assert poll.meeting == meeting and poll.closed_at is not None
    assert meeting.starts_at == option.starts_at and meeting.community == poll.community
    invitations = OutboxMessage.objects.filter(kind="meetings.notice")
    assert {m.recipient_id for m in invitations} >= {voter.pk, peer.pk}
    invited = [m for m in mail.outbox if m.to == [voter.email] and m.attachments]
    assert invited and "BEGIN:VCALENDAR" in str(invited[0].attachments[0])
    # Scheduling again (a second click, another lead) makes no second meeting.
    again = client.post(schedule_url(poll, option), MEETING, follow=True)
    assert Meeting.objects.count() == 1
    assert shown_messages(again)[-1] == "Une rencontre a déjà été planifiée à partir de ce sondage."
    with pytest.raises(services.AlreadyScheduled):
        services.poll_schedule(poll=poll, option=option, scheduled_by=lead, **_fields())
    assert Meeting.objects.count() == 1


def _fields():
    return {
        "title": "Prochaine rencontre",
        "format": "online",
        "starts_at": at(16, 13),
        "ends_at": at(16, 15),
        "meeting_url": "https://zoom.example.org/x",
    }


def test_a_meeting_refused_shows_its_errors_and_the_poll_stays_open(client, poll, lead):
    option = poll.options.first()
    client.force_login(lead)

    response = client.post(schedule_url(poll, option), {**MEETING, "address": ""})

    assert response.status_code == 200
    assert "Indiquez l'adresse d'une rencontre en personne." in page_text(response).replace(
        "&#x27;", "'"
    )
    poll.refresh_from_db()
    assert poll.meeting is None and poll.closed_at is None
    assert Meeting.objects.count() == 0


def test_a_member_may_not_schedule(client, poll, voter):
    client.force_login(voter)
    assert client.post(schedule_url(poll, poll.options.first()), MEETING).status_code == 403
    assert Meeting.objects.count() == 0


# Links


def test_the_community_page_shows_the_open_poll_to_members_and_the_lead_action(
    client, poll, community, lead, voter, outsider
):
    url = reverse("communities:detail", args=[community.slug])
    client.force_login(voter)
    text = page_text(client.get(url))
    assert detail_url(poll) in text and create_url(community) not in text
    client.force_login(lead)
    assert create_url(community) in page_text(client.get(url))
    client.force_login(outsider)
    assert detail_url(poll) not in page_text(client.get(url))


def test_the_new_poll_email_is_skipped_for_who_left_before_it_was_sent(poll, voter, run_tasks):
    message = OutboxMessage.objects.get(kind=emails.OPENED, recipient=voter)
    Membership.objects.filter(member=voter).delete()
    from notifications.registry import Skip, builder_for

    built = builder_for(emails.OPENED)([message])[message.pk]
    assert isinstance(built, Skip)


def test_lists_are_empty_and_say_so(frozen, client, community, voter):
    client.force_login(voter)
    text = page_text(client.get(reverse("scheduling:list", args=[community.slug])))
    assert "Aucune date n'a encore été proposée ici." in text.replace("’", "'")
