"""Closing one's account (Loi 25: withdrawal of consent): the service's rules, then the page a
member uses and the admin action staff use."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
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
    SentMessageFactory,
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


def test_closing_takes_the_name_out_of_the_leads_messages(community, lead, leaving):
    declined = JoinRequestFactory(community=CommunityFactory(), member=leaving)
    declining_lead = LeadMembershipFactory(community=declined.community).member
    community_services.join_request_decline(
        join_request=declined,
        decided_by=declining_lead,
        message="Bonjour Gisèle, écrivez à partante@example.org quand un siège se libère.",
    )
    community_services.membership_remove(
        membership=Membership.objects.get(community=community, member=leaving),
        removed_by=lead,
        reason="Mme Partante a quitté la Ville. Son poste est à côté du nôtre.",
    )
    someone_else = MembershipFactory(community=community).member
    community_services.membership_remove(
        membership=Membership.objects.get(community=community, member=someone_else),
        removed_by=lead,
        reason="Remplacé par Gisèle Partante; voyez avec Gisèle Roy.",
    )

    account_close(user=leaving)

    declined.refresh_from_db()
    assert declined.decision_message == (
        "Bonjour Ancien membre, écrivez à Ancien membre quand un siège se libère."
    )
    messages = dict(
        Decision.objects.filter(action=DecisionAction.REMOVED).values_list("subject", "message")
    )
    # About them, any of their names; "à côté" is not a name (the case differs).
    assert (
        messages[leaving.pk]
        == "Mme Ancien membre a quitté la Ville. Son poste est à côté du nôtre."
    )
    # About someone else, only their full name: "Gisèle" alone may be another Gisèle.
    assert messages[someone_else.pk] == "Remplacé par Ancien membre; voyez avec Gisèle Roy."
    assert Decision.objects.get(join_request=declined, action="declined").message == (
        declined.decision_message
    )


def test_closing_takes_the_name_out_of_the_admin_log(staff, leaving, community):
    membership = Membership.objects.get(member=leaving)
    LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[leaving], action_flag=CHANGE, change_message="Profil corrigé"
    )
    LogEntry.objects.log_actions(
        user_id=staff.pk,
        queryset=[community],
        action_flag=CHANGE,
        change_message=[{"added": {"name": "membership", "object": str(membership)}}],
    )
    unrelated = LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[staff], action_flag=CHANGE, change_message="Rien à voir"
    )[0]
    assert LogEntry.objects.filter(object_repr="Gisèle Partante").exists()

    account_close(user=leaving)

    own, added = LogEntry.objects.exclude(pk=unrelated.pk).order_by("pk")
    assert own.object_repr == "Ancien membre"
    assert own.change_message == "Profil corrigé"
    assert f"Ancien membre – {community.name_fr}" in added.get_change_message()
    stored = " ".join(
        f"{title} {message}"
        for title, message in LogEntry.objects.values_list("object_repr", "change_message")
    )
    assert "Partante" not in stored
    assert "Gisèle" not in stored
    assert "Gis\\u00e8le" not in stored  # as the JSON of a message spells it
    unrelated.refresh_from_db()
    assert (unrelated.object_repr, unrelated.change_message) == (str(staff), "Rien à voir")


def test_closing_costs_the_same_queries_whatever_the_history(
    community, lead, django_assert_max_num_queries
):
    """The cost grows with the communities the member belongs to (each is left through its
    service, under its lock), never with the length of their history."""

    def member_with_history(size: int):
        member = MembershipFactory(community=community, member__last_name="Historique").member
        JoinRequestFactory(community=CommunityFactory(), member=member)
        upcoming = MeetingFactory(community=community)
        RsvpFactory(meeting=upcoming, member=member, dietary_needs="Végétarien")
        for index in range(size):
            past = _past_meeting(community)
            RsvpFactory(meeting=past, member=member, dietary_needs="Sans noix")
            Attendance.objects.create(meeting=past, member=member, mode="in_person")
            old = JoinRequestFactory(community=CommunityFactory(), member=member)
            community_services.join_request_decline(
                join_request=old,
                decided_by=LeadMembershipFactory(community=old.community).member,
                message=f"Désolé M. Historique ({index}).",
            )
            SentMessageFactory(
                key=f"k-{member.pk}-{index}", to_email=member.email, subject="Rappel"
            )
            LogEntry.objects.log_actions(
                user_id=lead.pk, queryset=[member], action_flag=CHANGE, change_message="Vu"
            )
        return member

    def queries_to_close(member) -> int:
        with CaptureQueriesContext(connection) as captured:
            account_close(user=member)
        return len(captured)

    assert queries_to_close(member_with_history(1)) == queries_to_close(member_with_history(6))
    member = member_with_history(3)
    # 69: the outbox drops the member's pending messages, then forgets their address; leaving
    # each community and closing read the seats freed and the places on waiting lists (2 each);
    # the library detaches the member's resources and drops their marks (2); the digest
    # forgets the weeks it was written (1); their areas of expertise go (1); the questions and
    # answers lose their author, and the answers the member removed as a moderator the
    # moderator's name (3); their answers to date polls and their reminders go, and the polls
    # they proposed lose their author (3); their interests in communities in preparation go (1);
    # the attestations lose their holder (1, kept anonymised); the search reads the closed
    # account (with its areas) and drops its entry, on the account's save and again when its
    # areas go (3 each).
    with django_assert_max_num_queries(69):
        account_close(user=member)


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


def test_page_counts_the_requests_and_answers_that_will_go(client, community, leaving, english):
    JoinRequestFactory(community=CommunityFactory(), member=leaving)
    for _ in range(2):
        RsvpFactory(meeting=MeetingFactory(community=community), member=leaving)
    RsvpFactory(meeting=_past_meeting(community), member=leaving)
    client.force_login(leaving)

    html = " ".join(page_text(client.get(CLOSE_URL)).split())

    assert "1 pending join request will be withdrawn." in html
    assert "2 answers to upcoming meetings will be removed." in html
    assert "You lead at least one community" not in html


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
