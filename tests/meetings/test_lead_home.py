"""A lead's home page: the requests waiting for their decision (the navbar's count), the next
meetings with how the community answered, and what is left to do after past meetings; the
names of "my requests to join" and "requests to decide"; the member's own answer badge."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, FollowUp
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _past(community, days: int = 3, **fields):
    starts_at = timezone.now() - timedelta(days=days)
    return MeetingFactory(
        community=community, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), **fields
    )


def _lead_home(client, lead, *, language="en"):
    client.force_login(lead)
    client.cookies["django_language"] = language
    return client.get(reverse("home"))


def test_the_home_shows_the_requests_waiting_as_the_navbar_counts_them(client, community, lead):
    JoinRequestFactory.create_batch(3, community=community)
    other = LeadMembershipFactory(member=lead).community
    JoinRequestFactory(community=other)
    JoinRequestFactory()  # another lead's

    response = _lead_home(client, lead)

    html = page_text(response)
    assert response.context["lead_pending_request_count"] == 4
    decisions = html[html.index('id="home-decisions-heading"') :]
    # The same count as the navbar's, the other lead's request not among them.
    assert decisions.startswith(
        'id="home-decisions-heading" class="h4">Requests to decide '
        '<span class="badge rounded-pill text-bg-warning">4</span>'
    )
    assert decisions.index("3 requests to join waiting for your decision") < decisions.index(
        "1 request to join waiting for your decision"
    )
    assert reverse("communities:inbox") in decisions


def test_in_french_no_pending_request_is_said_only_of_ones_own(client, community, lead):
    JoinRequestFactory.create_batch(3, community=community)

    html = page_text(_lead_home(client, lead, language="fr-ca"))

    assert "Demandes à traiter" in html
    assert "3 demandes d'adhésion attendent votre décision" in html
    assert "Vous n'avez aucune demande d'adhésion en attente." in html  # their own: none
    assert "Aucune demande en attente" not in html


def test_a_member_who_leads_nothing_sees_no_decisions(client, fellow):
    html = page_text(_lead_home(client, fellow))

    assert "Requests to decide" not in html and "After your meetings" not in html


def test_the_next_meetings_say_how_the_community_answered(client, community, lead):
    meeting = MeetingFactory(community=community)
    for response in ("in_person", "in_person", "online", "declined"):
        RsvpFactory(
            meeting=meeting, response=response, member=MembershipFactory(community=community).member
        )
    MembershipFactory(community=community)  # has not answered
    RsvpFactory(meeting=meeting, member=lead, response="online")

    html = page_text(_lead_home(client, lead))

    # 6 members with the lead; 5 answered.
    assert "5 of 6 members answered: 2 in person, 2 online, 1 not attending." in html
    assert "Your answer: online" in html
    assert reverse("meetings:roster", args=[meeting.pk]) in html


def test_a_member_sees_their_own_answer_and_no_counts(client, community, fellow):
    meeting = MeetingFactory(community=community)
    RsvpFactory(meeting=meeting, member=fellow, response="in_person")

    html = page_text(_lead_home(client, fellow))

    assert "Your answer: in person" in html
    assert "members answered" not in html


def test_past_meetings_with_something_left_to_do_are_listed(client, community, lead):
    nothing_done = _past(community, title="Rien de fait")
    attendance_only = _past(community, days=4, title="Présences seulement")
    Attendance.objects.create(meeting=attendance_only, member=lead, mode="online")
    all_done = _past(community, days=5, title="Tout est fait")
    Attendance.objects.create(meeting=all_done, member=lead, mode="online")
    FollowUp.objects.create(meeting=all_done, minutes="Compte rendu")
    _past(community, days=6, title="Annulée", cancelled_at=timezone.now())
    _past(community, days=90, title="Trop ancienne")
    _past(CommunityFactory(), title="Pas la sienne")

    response = _lead_home(client, lead)

    assert [m.title for m in response.context["to_follow_up"]] == [
        nothing_done.title,
        attendance_only.title,
    ]
    html = page_text(response)
    assert reverse("meetings:attendance", args=[nothing_done.pk]) in html
    assert reverse("meetings:followup", args=[nothing_done.pk]) in html
    assert reverse("meetings:attendance", args=[attendance_only.pk]) not in html
    assert reverse("meetings:followup", args=[attendance_only.pk]) in html


def test_an_empty_follow_up_is_still_to_write(client, community, lead):
    meeting = _past(community)
    Attendance.objects.create(meeting=meeting, member=lead, mode="online")
    FollowUp.objects.create(meeting=meeting, minutes="")

    response = _lead_home(client, lead)

    assert [m.pk for m in response.context["to_follow_up"]] == [meeting.pk]


def test_the_navbar_names_ones_own_requests_and_those_to_decide_apart(client, lead):
    html = page_text(_lead_home(client, lead, language="fr-ca"))

    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    assert "Mes demandes d'adhésion" in nav
    assert "Demandes à traiter" in nav


def _busy(community, lead, size: int) -> None:
    for index in range(size):
        member = MembershipFactory(community=community).member
        JoinRequestFactory(community=community)
        meeting = MeetingFactory(community=community)
        RsvpFactory(meeting=meeting, member=member)
        past = _past(community, days=index + 1)
        RsvpFactory(meeting=past, member=member)
        other = LeadMembershipFactory(member=lead).community
        JoinRequestFactory(community=other)
        MeetingFactory(community=other)


def test_the_lead_home_costs_the_same_queries_with_more_data(
    client, community, lead, django_assert_num_queries
):
    client.force_login(lead)
    _busy(community, lead, 2)
    # The session comes from the cache (cached_db sessions).
    with django_assert_num_queries(7) as few:
        client.get(reverse("home"))

    _busy(community, lead, 8)
    with django_assert_num_queries(7) as many:
        response = client.get(reverse("home"))

    assert len(few.captured_queries) == len(many.captured_queries)
    assert len(response.context["meetings"]) == 5 and response.context["to_follow_up"]
