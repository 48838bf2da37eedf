"""What the people concerned receive, in their own language, exactly once."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from communities import emails, services, tasks
from notifications.models import OutboxMessage
from notifications.relay import relay
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MembershipFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(name_fr="Gestion contractuelle", name_en="Contract management")


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community, member__preferred_language="fr-ca").member


def test_lead_receives_the_request_with_motivation_profile_and_link(run_tasks, community, lead):
    requester = UserFactory(
        first_name="Hélène", last_name="Côté", organisation="MRC de Bellechasse"
    )
    with run_tasks():
        join_request = services.join_request_create(
            community=community, member=requester, motivation="Partager nos devis types."
        )

    assert [m.to for m in mail.outbox] == [[lead.email]]
    message = mail.outbox[0]
    assert "Hélène Côté" in message.subject
    assert "Partager nos devis types." in message.body
    assert "MRC de Bellechasse" in message.body
    assert f"/communautes/demandes/{join_request.pk}/" in message.body
    assert message.body.startswith("http") is False
    html = message.alternatives[0][0]
    assert "Partager nos devis types." in html and 'href="http' in html


def test_each_lead_gets_the_request_in_their_own_language(run_tasks, community, lead):
    english_lead = LeadMembershipFactory(community=community, member__preferred_language="en")
    with run_tasks():
        services.join_request_create(
            community=community, member=UserFactory(), motivation="Motivation."
        )

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "asks to join Contract management" in by_recipient[english_lead.member.email].subject
    assert "Gestion contractuelle" in by_recipient[lead.email].subject


def test_request_to_a_community_without_lead_goes_to_staff(run_tasks, community):
    staff = StaffFactory()
    with run_tasks():
        services.join_request_create(
            community=community, member=UserFactory(), motivation="Motivation."
        )

    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_motivation_is_escaped_in_the_html_part(run_tasks, community, lead):
    with run_tasks():
        services.join_request_create(
            community=community, member=UserFactory(), motivation="<script>alert(1)</script>"
        )

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "<script>" in mail.outbox[0].body  # the text part shows what was typed


def test_requester_is_told_of_the_approval_with_the_lead_message(run_tasks, community, lead):
    join_request = JoinRequestFactory(community=community, member__preferred_language="en")
    with run_tasks():
        services.join_request_approve(
            join_request=join_request, decided_by=lead, message="Bienvenue parmi nous"
        )

    (message,) = mail.outbox
    assert message.to == [join_request.member.email]
    assert message.subject.endswith("Welcome to Contract management")
    assert "Bienvenue parmi nous" in message.body


def test_requester_is_told_of_the_decline(run_tasks, community, lead):
    join_request = JoinRequestFactory(community=community)
    with run_tasks():
        services.join_request_decline(join_request=join_request, decided_by=lead, message="")

    (message,) = mail.outbox
    assert message.to == [join_request.member.email]
    assert "Gestion contractuelle" in message.subject


def test_removed_member_receives_the_reason(run_tasks, community, lead):
    membership = MembershipFactory(community=community)
    with run_tasks():
        services.membership_remove(
            membership=membership, removed_by=lead, reason="Absent depuis un an."
        )

    (message,) = mail.outbox
    assert message.to == [membership.member.email]
    assert "Absent depuis un an." in message.body


def test_leads_are_told_when_a_seat_frees_with_the_head_of_the_waiting_list(run_tasks, lead):
    community = lead.memberships.get().community
    community.capacity = 2
    community.save()
    leaving = MembershipFactory(community=community).member
    first = JoinRequestFactory(community=community, member__first_name="Première")
    JoinRequestFactory(community=community)
    with run_tasks():
        services.membership_leave(community=community, member=leaving)

    (message,) = mail.outbox
    assert message.to == [lead.email]
    assert "Première" in message.body
    assert f"/communautes/demandes/{first.pk}/" in message.body


def test_no_seat_freed_mail_without_a_waiting_list(run_tasks, community, lead):
    leaving = MembershipFactory(community=community).member
    with run_tasks():
        services.membership_leave(community=community, member=leaving)

    assert mail.outbox == []


def test_staff_are_told_when_the_last_lead_leaves(run_tasks, community, lead):
    staff = StaffFactory(preferred_language="en")
    JoinRequestFactory(community=community)
    with run_tasks():
        services.membership_leave(community=community, member=lead)

    (message,) = [m for m in mail.outbox if m.to == [staff.email] and "lead" in m.subject]
    assert message.subject == "[AIMQ] Contract management no longer has a lead"
    assert f"{lead.display_name}, the last lead of Contract management" in message.body
    assert "One request is waiting." in message.body
    assert f"/admin/communities/community/{community.pk}/change/" in message.body


def test_staff_are_not_told_while_another_lead_remains(run_tasks, community, lead):
    StaffFactory()
    LeadMembershipFactory(community=community)
    with run_tasks():
        services.membership_leave(community=community, member=lead)

    assert mail.outbox == []


def test_staff_are_told_when_the_last_lead_closes_their_account(run_tasks, community, lead):
    from members.services import account_close

    staff = StaffFactory(preferred_language="fr-ca")
    with run_tasks():
        account_close(user=lead)

    (message,) = [m for m in mail.outbox if m.to == [staff.email]]
    assert message.subject == "[AIMQ] Gestion contractuelle n'a plus de responsable"
    assert "Ancien membre" in message.body, "the closed account's name must not reach staff"
    assert lead.first_name not in message.body


def test_the_same_event_written_twice_is_sent_once(run_tasks, community, lead):
    join_request = JoinRequestFactory(community=community)
    with run_tasks():
        emails.notify_join_request_submitted(join_request)
        emails.notify_join_request_submitted(join_request)

    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert OutboxMessage.objects.count() == 1


def test_a_mail_server_failure_is_retried_later_without_losing_the_message(
    run_tasks, community, lead
):
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=SMTPServerDisconnected("down"),
        ),
        run_tasks(),
    ):
        services.join_request_create(
            community=community, member=UserFactory(), motivation="Motivation."
        )
    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, mail.outbox) == ("pending", 1, [])
    assert "down" in message.last_error

    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        relay()

    assert [m.to for m in mail.outbox] == [[lead.email]]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


def test_a_request_decided_before_its_message_went_out_is_not_announced(community, lead):
    with transaction.atomic():
        join_request = services.join_request_create(
            community=community, member=UserFactory(), motivation="Motivation."
        )
    services.join_request_withdraw(join_request=join_request, member=join_request.member)

    relay()

    assert mail.outbox == []
    message = OutboxMessage.objects.get(kind=emails.SUBMITTED)
    assert message.status == "skipped" and "withdrawn" in message.skipped_because


def test_undecided_requests_nudge_leads_after_7_days_and_staff_after_14(run_tasks, community, lead):
    staff = StaffFactory()
    with time_machine.travel(timezone.now() - timedelta(days=15)):
        old = JoinRequestFactory(community=community)
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        week_old = JoinRequestFactory(community=community)
    JoinRequestFactory(community=community)  # new: nobody is nudged

    with run_tasks():
        tasks.sweep_undecided_join_requests.delay()
        tasks.sweep_undecided_join_requests.delay()  # beat running twice sends nothing more

    to_lead = [m for m in mail.outbox if m.to == [lead.email]]
    to_staff = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(mail.outbox) == 3  # leads for both requests, staff for the oldest only
    assert sorted(m.body.count(f"/demandes/{old.pk}/") for m in to_lead) == [0, 1]
    assert any(f"/demandes/{week_old.pk}/" in m.body for m in to_lead)
    assert len(to_staff) == 1 and f"/demandes/{old.pk}/" in to_staff[0].body


def test_subjects_and_text_show_apostrophes_ampersands_and_brackets_as_typed(run_tasks, lead):
    community = lead.memberships.get().community
    community.name_fr = "Appels d'offres & <devis>"
    community.save()
    requester = UserFactory(first_name="Siobhan", last_name="O'Brien")
    with run_tasks():
        services.join_request_create(
            community=community, member=requester, motivation="Nos « devis » & <gabarits>."
        )

    (message,) = mail.outbox
    assert message.subject == "[AIMQ] Siobhan O'Brien demande à adhérer à Appels d'offres & <devis>"
    assert "Nos « devis » & <gabarits>." in message.body
    assert "&#x27;" not in message.body + message.subject and "&amp;" not in message.body
    html = message.alternatives[0][0]
    assert "O&#x27;Brien" in html and "&lt;gabarits&gt;" in html and "<gabarits>" not in html


def test_seats_freed_close_together_make_one_message_to_each_lead(lead):
    community = lead.memberships.get().community
    community.capacity = 3
    community.save()
    leaving = [MembershipFactory(community=community).member for _ in range(2)]
    JoinRequestFactory(community=community, member__first_name="Première")
    for member in leaving:
        services.membership_leave(community=community, member=member)

    relay()

    (message,) = mail.outbox
    assert message.to == [lead.email] and "Première" in message.body
    assert "(1 / 3)" in message.body  # the message tells the seats as they are now
