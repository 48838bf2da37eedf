"""Closing one's account (Loi 25: withdrawal of consent): the service's rules, then the page a
member uses and the admin action staff use."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from communities import services as community_services
from communities.models import (
    Decision,
    DecisionAction,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    Role,
)
from meetings import services as meeting_services
from meetings.models import Attendance, CalendarFeedToken, Rsvp
from members.models import User
from members.services import account_close
from notifications.models import OutboxMessage
from tests.factories import (
    PASSWORD,
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)
from tests.helpers import page_text, shown_messages

pytestmark = pytest.mark.django_db

CLOSE_URL = reverse("members:account_close")


@pytest.fixture
def community():
    return CommunityFactory(capacity=10)


@pytest.fixture
def lead(community):
    return LeadMembershipFactory(community=community).member


@pytest.fixture
def leaving(community):
    """A member with a full profile who is about to close their account."""
    return MembershipFactory(
        community=community,
        member__email="partante@example.org",
        member__first_name="Gisèle",
        member__last_name="Partante",
        member__phone="418 555-0123",
        member__expertise="Gestion des actifs",
        member__contact_visible=True,
        member__privacy_consent_at=timezone.now() - timedelta(days=400),
    ).member


def _past_meeting(community, **fields):
    starts_at = timezone.now() - timedelta(days=20)
    return MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


# The service


def test_closing_erases_the_members_personal_information(leaving):
    CalendarFeedToken.objects.create(member=leaving)

    account_close(user=leaving)

    leaving.refresh_from_db()
    assert leaving.email == f"ancien-membre-{leaving.pk}@invalid.example"
    assert (leaving.first_name, leaving.last_name) == ("", "")
    for field in ("job_title", "organisation", "organisation_type", "region", "phone", "expertise"):
        assert getattr(leaving, field) == "", field
    assert leaving.contact_visible is False
    assert not leaving.has_usable_password()
    assert leaving.is_active is False
    assert leaving.closed_at is not None
    assert not EmailAddress.objects.filter(user=leaving).exists()
    assert not CalendarFeedToken.objects.filter(member=leaving).exists()
    with translation.override("en"):
        assert leaving.display_name == "Former member"
        assert str(leaving) == "Former member"


def test_closing_keeps_the_history_pointing_at_the_anonymised_member(community, lead, leaving):
    declined = JoinRequestFactory(
        member=leaving, motivation="Je connais bien le secteur de Rimouski.", community=community
    )
    declined.status = JoinRequestStatus.DECLINED
    declined.decision_message = "La communauté est complète."
    declined.decided_at = timezone.now()
    declined.save()
    past = _past_meeting(community)
    RsvpFactory(meeting=past, member=leaving, response="in_person", dietary_needs="Sans gluten")
    Attendance.objects.create(meeting=past, member=leaving, mode="in_person")

    account_close(user=leaving)

    declined.refresh_from_db()
    assert declined.member_id == leaving.pk
    assert declined.status == JoinRequestStatus.DECLINED
    assert declined.decision_message == "La communauté est complète."
    assert declined.motivation == ""  # what the member wrote about themselves goes
    past_answer = Rsvp.objects.get(meeting=past, member=leaving)
    assert past_answer.response == "in_person"
    assert past_answer.dietary_needs == ""
    assert Attendance.objects.filter(meeting=past, member=leaving).exists()
    assert Decision.objects.filter(
        community=community, action=DecisionAction.LEFT, subject=leaving
    ).exists()


def test_closing_frees_the_seat_and_tells_the_leads_of_the_waiting_list(
    run_tasks, community, lead, leaving
):
    community.capacity = 2
    community.save()
    waiting = JoinRequestFactory(community=community, member__first_name="Patiente")

    with run_tasks():
        account_close(user=leaving)

    assert not Membership.objects.filter(member=leaving).exists()
    # As when a member leaves: the leads are told, the request waits for their decision.
    (message,) = mail.outbox
    assert message.to == [lead.email]
    assert "Patiente" in message.body
    waiting.refresh_from_db()
    assert waiting.status == JoinRequestStatus.PENDING


def test_closing_withdraws_pending_requests_and_erases_the_name_from_the_leads_mail(
    run_tasks, lead, leaving
):
    other = CommunityFactory()
    other_lead = LeadMembershipFactory(community=other).member
    with run_tasks():
        join_request = community_services.join_request_create(
            community=other, member=leaving, motivation="Je veux apprendre."
        )
    [delivery] = OutboxMessage.objects.filter(to_email=other_lead.email)
    assert "Gisèle Partante" in delivery.subject

    account_close(user=leaving)

    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.WITHDRAWN
    delivery.refresh_from_db()
    assert "Partante" not in delivery.subject
    assert delivery.to_email == other_lead.email  # the lead's own record stays theirs


def test_closing_removes_the_members_address_from_the_email_ledger(run_tasks, lead, leaving):
    join_request = JoinRequestFactory(community=CommunityFactory(), member=leaving)
    deciding_lead = LeadMembershipFactory(community=join_request.community).member
    with run_tasks():
        community_services.join_request_decline(
            join_request=join_request, decided_by=deciding_lead, message="Pas cette année."
        )
    assert OutboxMessage.objects.filter(to_email="partante@example.org").exists()

    account_close(user=leaving)

    assert not OutboxMessage.objects.filter(to_email__icontains="partante").exists()
    assert OutboxMessage.objects.filter(
        to_email=f"ancien-membre-{leaving.pk}@invalid.example"
    ).exists()


def test_closing_removes_answers_to_upcoming_meetings_and_frees_the_room(community, leaving):
    meeting = MeetingFactory(community=community, in_person_seats=1)
    meeting_services.rsvp_set(meeting=meeting, member=leaving, response="in_person")
    colleague = MembershipFactory(community=community).member
    with pytest.raises(meeting_services.RoomFull):
        meeting_services.rsvp_set(meeting=meeting, member=colleague, response="in_person")

    account_close(user=leaving)

    assert not Rsvp.objects.filter(meeting=meeting, member=leaving).exists()
    meeting_services.rsvp_set(meeting=meeting, member=colleague, response="in_person")


def test_a_lead_who_closes_leaves_their_community(community, lead):
    account_close(user=lead)

    assert not Membership.objects.filter(community=community, role=Role.LEAD).exists()
    assert Decision.objects.filter(
        community=community, action=DecisionAction.LEFT, subject=lead
    ).exists()


def test_closing_twice_changes_nothing_more(leaving):
    first = account_close(user=leaving)
    decisions = Decision.objects.count()

    second = account_close(user=leaving)

    assert second.closed_at == first.closed_at
    assert Decision.objects.count() == decisions


def test_closing_ends_the_members_sessions_everywhere(client, leaving):
    client.force_login(leaving)
    assert client.get(reverse("members:profile")).status_code == 200

    account_close(user=leaving)

    assert not [
        session
        for session in Session.objects.all()
        if session.get_decoded().get(SESSION_KEY) == str(leaving.pk)
    ]
    assert client.get(reverse("members:profile")).status_code == 302


def test_the_history_shows_a_former_member(client, community, lead, leaving, english):
    join_request = JoinRequestFactory(community=CommunityFactory(), member=leaving)
    community_services.join_request_withdraw(join_request=join_request, member=leaving)
    earlier = JoinRequest.objects.create(
        community=community, member=leaving, motivation="Ancienne demande."
    )
    community_services.join_request_decline(join_request=earlier, decided_by=lead)
    account_close(user=leaving)
    client.force_login(lead)

    html = page_text(client.get(reverse("communities:request_detail", args=[earlier.pk])))

    assert "Former member" in html
    assert "Partante" not in html
    assert "partante@example.org" not in html


# The page


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(CLOSE_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={CLOSE_URL}"


def test_page_explains_what_is_erased_and_what_is_kept(client, lead, community, english):
    client.force_login(lead)

    html = page_text(client.get(CLOSE_URL))

    assert "What is erased" in html
    assert "What is kept, anonymised" in html
    assert community.name_en in html
    assert "You lead at least one community" in html
    assert 'name="password"' in html


def test_wrong_password_keeps_the_page_with_an_error(client, leaving, english):
    client.force_login(leaving)

    response = client.post(CLOSE_URL, {"password": "pas-le-bon"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"password"}
    assert "This is not your current password." in page_text(response)
    leaving.refresh_from_db()
    assert leaving.closed_at is None
    assert client.get(reverse("members:profile")).status_code == 200


def test_guessing_the_password_is_stopped_after_ten_tries(client, leaving, english):
    client.force_login(leaving)

    statuses = [client.post(CLOSE_URL, {"password": f"essai-{n}"}).status_code for n in range(11)]

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429
    response = client.post(CLOSE_URL, {"password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    leaving.refresh_from_db()
    assert leaving.closed_at is None


def test_right_password_closes_logs_out_and_goes_home(client, leaving, english):
    client.force_login(leaving)

    response = client.post(CLOSE_URL, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain == [(reverse("home"), 302)]
    assert SESSION_KEY not in client.session
    assert any("Your account is closed" in message for message in shown_messages(response))
    leaving.refresh_from_db()
    assert leaving.closed_at is not None


def test_closed_account_cannot_log_in(client, leaving):
    client.force_login(leaving)
    client.post(CLOSE_URL, {"password": PASSWORD})

    response = client.post(
        reverse("account_login"), {"login": "partante@example.org", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_the_address_of_a_closed_account_can_sign_up_again(client, leaving):
    account_close(user=leaving)

    client.post(
        reverse("account_signup"),
        {
            "email": "partante@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "privacy_consent": "on",
        },
    )

    newcomer = User.objects.get(email="partante@example.org")
    assert newcomer.pk != leaving.pk
    assert newcomer.closed_at is None


# The admin


def test_staff_close_selected_accounts_after_a_confirmation(staff_client, leaving):
    other = UserFactory()
    changelist = reverse("admin:members_user_changelist")
    selection = {"action": "close_accounts", "_selected_action": [leaving.pk, other.pk]}

    confirm = staff_client.post(changelist, selection)
    assert confirm.status_code == 200
    assert "partante@example.org" in page_text(confirm)
    leaving.refresh_from_db()
    assert leaving.closed_at is None

    done = staff_client.post(changelist, {**selection, "post": "yes"}, follow=True)

    assert done.status_code == 200
    for user in (leaving, other):
        user.refresh_from_db()
        assert user.closed_at is not None
        assert not user.is_active
