"""Editing a poll while it takes answers: the lead fixes the title, the closing date and the
options; answers to a changed option are cleared, a removed option takes its answers with it
(after a confirmation)."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from scheduling import services
from scheduling.models import DatePoll, PollAnswer, PollOption
from tests.helpers import page_text, shown_messages

from .conftest import at

pytestmark = pytest.mark.django_db


def fr(msgid: str, plural: str | None = None, count: int = 1) -> str:
    """A new string as the page shows it: in French once the catalogue holds it."""
    with translation.override("fr-ca"):
        if plural is None:
            return translation.gettext(msgid)
        return translation.ngettext(msgid, plural, count)


SAVED = "The poll is saved."


def edit_url(poll):
    return reverse("scheduling:edit", args=[poll.community.slug, poll.pk])


def detail_url(poll):
    return reverse("scheduling:detail", args=[poll.community.slug, poll.pk])


def current_rows(poll) -> list[dict]:
    """The poll's options as the edit page shows them (Montreal time)."""
    rows = []
    for option in poll.options.order_by("starts_at"):
        starts_at = option.starts_at.astimezone(at(0, 0).tzinfo)
        rows.append(
            {
                "id": str(option.pk),
                "date": starts_at.strftime("%Y-%m-%d"),
                "start": starts_at.strftime("%H:%M"),
                "end": option.ends_at.astimezone(at(0, 0).tzinfo).strftime("%H:%M"),
                "format": option.format,
                "place": option.place,
            }
        )
    return rows


def edit(poll, rows, **fields) -> dict:
    data = {
        "title": "Prochaine rencontre",
        "details": "Bilan du plan d’intervention.",
        "closes_at": "2026-03-09T17:00",
        "options-TOTAL_FORMS": str(len(rows)),
        "options-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        "options-MIN_NUM_FORMS": "0",
        "options-MAX_NUM_FORMS": "20",
        **fields,
    }
    for index, row in enumerate(rows):
        data.update({f"options-{index}-{name}": value for name, value in row.items()})
    return data


def answer_all(poll, member, choice="yes"):
    services.poll_answer(
        poll=poll, member=member, choices={option.pk: choice for option in poll.options.all()}
    )


def test_the_poll_page_links_to_the_edit_page_for_the_lead_only(client, poll, lead, voter):
    client.force_login(lead)
    assert edit_url(poll) in page_text(client.get(detail_url(poll)))
    form = page_text(client.get(edit_url(poll)))
    assert 'value="2026-03-16"' in form and 'value="Hôtel de ville"' in form
    client.force_login(voter)
    assert edit_url(poll) not in page_text(client.get(detail_url(poll)))


def test_a_lead_edits_the_title_closing_date_and_adds_an_option(client, poll, lead, voter):
    answer_all(poll, voter)
    client.force_login(lead)
    rows = [*current_rows(poll), {"date": "2026-03-25", "start": "18:00", "end": "20:00"}]

    response = client.post(
        edit_url(poll),
        edit(poll, rows, title="Rencontre du printemps", closes_at="2026-03-10T12:00"),
        follow=True,
    )

    assert shown_messages(response) == [fr(SAVED)]
    poll.refresh_from_db()
    assert poll.title == "Rencontre du printemps"
    assert poll.closes_at == at(8, 12)
    assert poll.options.count() == 4
    # Nothing changed in the first three options: the member's answers stand.
    assert PollAnswer.objects.filter(member=voter).count() == 3
    # The new option waits for the member's answer, and the poll page says so.
    client.force_login(voter)
    missing = fr("Options were added or changed since you answered: answer them too.")
    assert missing in page_text(client.get(detail_url(poll)))


def test_add_an_option_gives_one_more_row_and_keeps_the_options_ids(client, poll, lead):
    client.force_login(lead)
    rows = current_rows(poll)
    rows[0]["place"] = "Salle du conseil"

    response = client.post(edit_url(poll), edit(poll, rows, add_option="1"))

    text = page_text(response)
    assert 'name="options-TOTAL_FORMS" value="4"' in text
    assert f'name="options-0-id" value="{rows[0]["id"]}"' in text
    assert 'value="Salle du conseil"' in text
    assert "is-invalid" not in text and "alert-danger" not in text
    assert not PollOption.objects.filter(place="Salle du conseil").exists()


def test_staff_may_edit(client, poll, staff):
    client.force_login(staff)
    response = client.post(edit_url(poll), edit(poll, current_rows(poll), title="Corrigé"))
    assert response.status_code == 302
    assert DatePoll.objects.get().title == "Corrigé"


def test_a_member_may_not_edit(client, poll, voter):
    client.force_login(voter)
    assert client.get(edit_url(poll)).status_code == 403
    response = client.post(edit_url(poll), edit(poll, current_rows(poll), title="Piraté"))
    assert response.status_code == 403
    assert DatePoll.objects.get().title == "Prochaine rencontre"


@pytest.mark.parametrize("how", ["closed early", "closing date passed"])
def test_a_closed_poll_refuses_edits(client, poll, lead, frozen, how):
    rows = current_rows(poll)
    if how == "closed early":
        services.poll_close(poll=poll, closed_by=lead)
    else:
        frozen.shift(timedelta(days=8))
    client.force_login(lead)

    assert client.get(edit_url(poll)).status_code == 302
    response = client.post(edit_url(poll), edit(poll, rows, title="Trop tard"), follow=True)

    assert shown_messages(response)[-1] == (
        "Ce sondage est fermé : les réponses ne peuvent plus changer."
    )
    assert DatePoll.objects.get().title == "Prochaine rencontre"
    with pytest.raises(services.PollClosed):
        services.poll_update(
            poll=poll,
            updated_by=lead,
            title="Trop tard",
            details="",
            closes_at=poll.closes_at,
            options=[],
        )


def test_an_invalid_closing_date_is_refused_and_keeps_what_was_typed(client, poll, lead):
    client.force_login(lead)
    rows = current_rows(poll)
    rows[1]["place"] = "Salle du conseil"

    response = client.post(
        edit_url(poll),
        edit(poll, rows, title="Rencontre du printemps", closes_at="2026-03-20T17:00"),
    )

    assert response.status_code == 200
    text = page_text(response).replace("\u00a0", " ")
    assert "Les réponses doivent se fermer avant le début de la première option." in text
    assert 'value="Rencontre du printemps"' in text
    assert 'value="2026-03-20T17:00"' in text
    assert 'value="Salle du conseil"' in text
    poll.refresh_from_db()
    assert poll.title == "Prochaine rencontre"
    assert not PollOption.objects.filter(place="Salle du conseil").exists()


def test_removing_an_option_asks_for_confirmation_then_removes_its_answers(
    client, poll, lead, voter, peer
):
    answer_all(poll, voter)
    answer_all(poll, peer, "no")
    removed = poll.options.order_by("starts_at").last()
    client.force_login(lead)
    rows = current_rows(poll)
    rows[2]["remove"] = "on"
    rows[0]["place"] = "Salle du conseil"  # typed with the removal, saved with it

    response = client.post(edit_url(poll), edit(poll, rows))

    text = page_text(response)
    assert fr("Remove options and their answers") in text
    assert fr("%(counter)s answer", "%(counter)s answers", 2) % {"counter": 2} in text
    assert PollOption.objects.filter(pk=removed.pk).exists()
    assert PollAnswer.objects.count() == 6

    response = client.post(edit_url(poll), edit(poll, rows, confirm_removal="1"), follow=True)

    assert shown_messages(response)[0] == fr(SAVED)
    assert not PollOption.objects.filter(pk=removed.pk).exists()
    # The removed option's answers are gone; the first option's changed place cleared its two.
    assert PollAnswer.objects.count() == 2
    assert PollOption.objects.filter(place="Salle du conseil").count() == 1


def test_back_from_the_confirmation_keeps_what_was_typed(client, poll, lead, voter):
    answer_all(poll, voter)
    client.force_login(lead)
    rows = current_rows(poll)
    rows[2]["remove"] = "on"

    response = client.post(edit_url(poll), edit(poll, rows, title="Nouveau titre", back="1"))

    text = page_text(response)
    assert 'value="Nouveau titre"' in text
    assert re.search(r'<input type="checkbox" name="options-2-remove"[^>]* checked>', text)
    assert not re.search(r'<input type="checkbox" name="options-0-remove"[^>]* checked>', text)
    assert PollAnswer.objects.count() == 3


def test_changing_an_option_clears_its_answers_and_says_so(client, poll, lead, voter, peer):
    answer_all(poll, voter)
    answer_all(poll, peer)
    changed = poll.options.order_by("starts_at")[1]
    client.force_login(lead)
    rows = current_rows(poll)
    rows[1]["start"], rows[1]["end"] = "14:00", "16:00"

    response = client.post(edit_url(poll), edit(poll, rows), follow=True)

    cleared = fr(
        "%(count)d answer to a changed option was cleared: the member answers it again.",
        "%(count)d answers to changed options were cleared: those members answer them again.",
        2,
    )
    assert shown_messages(response) == [fr(SAVED), cleared % {"count": 2}]
    changed.refresh_from_db()
    assert changed.starts_at == at(16, 14)
    assert not PollAnswer.objects.filter(option=changed).exists()
    assert PollAnswer.objects.count() == 4


def test_an_option_of_another_poll_is_refused(poll, community, lead):
    other = services.poll_create(
        community=community,
        created_by=lead,
        title="Autre",
        closes_at=at(7, 17),
        options=[
            services.OptionInput(starts_at=at(30, 9), ends_at=at(30, 11)),
            services.OptionInput(starts_at=at(31, 9), ends_at=at(31, 11)),
        ],
    )
    foreign = other.options.first()
    with pytest.raises(services.ValidationError):
        services.poll_update(
            poll=poll,
            updated_by=lead,
            title=poll.title,
            details="",
            closes_at=poll.closes_at,
            options=[
                services.OptionInput(
                    starts_at=foreign.starts_at, ends_at=foreign.ends_at, pk=foreign.pk
                ),
                services.OptionInput(starts_at=at(15, 9), ends_at=at(15, 11)),
            ],
        )
    assert other.options.count() == 2


def test_the_edit_page_reads_a_fixed_number_of_queries(
    client, poll, lead, voter, django_assert_max_num_queries
):
    answer_all(poll, voter)
    client.force_login(lead)
    with django_assert_max_num_queries(12):
        client.get(edit_url(poll))
