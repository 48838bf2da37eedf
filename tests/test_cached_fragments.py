"""Fragments rendered once and shared (aimq_portal.fragments): the community page's meetings and
members, the meeting page's main column, the navbar's inbox badge. Each test renders a page,
changes what it shows, and renders it again in the same cache: the change must show, and what
one viewer may see must never reach another through the cache."""

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aimq_portal import fragments
from communities import services as community_services
from meetings import services as meeting_services
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    RsvpFactory,
    UserFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(db):
    return CommunityFactory(capacity=40)


def _community_page(client, community) -> str:
    return html.unescape(
        page_text(client.get(reverse("communities:detail", args=[community.slug])))
    )


def _meeting_page(client, meeting) -> str:
    return html.unescape(page_text(client.get(reverse("meetings:detail", args=[meeting.pk]))))


def test_a_fingerprint_changes_with_any_loaded_field_and_with_the_language(community):
    meeting = MeetingFactory(community=community, title="Avant")
    before = fragments.fingerprint(fragments.row_values(meeting))

    meeting.title = "Après"
    assert fragments.fingerprint(fragments.row_values(meeting)) != before
    meeting.title = "Avant"
    assert fragments.fingerprint(fragments.row_values(meeting)) == before
    from django.utils import translation

    with translation.override("en"):
        assert fragments.fingerprint(fragments.row_values(meeting)) != before


def test_the_community_page_shows_a_meeting_renamed_moved_or_cancelled(client, community):
    member = MembershipFactory(community=community).member
    lead = LeadMembershipFactory(community=community).member
    meeting = MeetingFactory(community=community, title="Bilan des actifs")
    client.force_login(member)
    assert "Bilan des actifs" in _community_page(client, community)

    Meeting = type(meeting)
    Meeting.objects.filter(pk=meeting.pk).update(title="Plan d'intervention")
    assert "Plan d'intervention" in _community_page(client, community)
    assert "Bilan des actifs" not in _community_page(client, community)

    meeting.refresh_from_db()
    meeting_services.meeting_cancel(meeting=meeting, cancelled_by=lead)
    assert "Annulée" in _community_page(client, community)


def test_a_meeting_moves_to_the_past_when_it_ends_without_any_change(client, community):
    member = MembershipFactory(community=community).member
    meeting = MeetingFactory(community=community, title="Rencontre d'automne")
    client.force_login(member)
    before = _community_page(client, community)
    assert "Aucune rencontre n'est encore prévue" not in before

    with time_machine.travel(meeting.ends_at + timedelta(minutes=1)):
        after = _community_page(client, community)

    assert "Aucune rencontre n'est encore prévue" in after
    assert "Rencontres passées" in after and "Rencontre d'automne" in after


def test_the_meetings_come_in_the_visitors_language(client, community, english):
    MembershipFactory(community=community)
    MeetingFactory(community=community)
    french_visitor = client.get(
        reverse("communities:detail", args=[community.slug]), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert french_visitor.status_code == 200

    assert "Upcoming meetings" in _community_page(client, community)


def test_a_leads_table_never_reaches_a_member_nor_another_lead(community):
    first_lead = LeadMembershipFactory(
        community=community, member=UserFactory(first_name="Léa", last_name="Lachance")
    ).member
    second_lead = LeadMembershipFactory(
        community=community, member=UserFactory(first_name="Marc", last_name="Marchand")
    ).member
    MembershipFactory(
        community=community,
        member=UserFactory(first_name="Simon", last_name="Secret", email="simon@example.org"),
    )

    viewer = MembershipFactory(community=community).member
    # Everyone signs in first (signing in changes a member's row), then the pages are read.
    clients = {}
    for user in (first_lead, second_lead, viewer):
        clients[user] = Client()
        clients[user].force_login(user)
    as_first_lead = _community_page(clients[first_lead], community)
    as_second_lead = _community_page(clients[second_lead], community)
    as_member = _community_page(clients[viewer], community)

    # A lead may remove everyone but themselves, and sees every member's e-mail.
    assert "Retirer Marc Marchand" in as_first_lead
    assert "Retirer Léa Lachance" not in as_first_lead
    assert "Retirer Léa Lachance" in as_second_lead
    assert "Retirer Marc Marchand" not in as_second_lead
    assert "simon@example.org" in as_first_lead
    # A member sees no button, and only the contact details shared with them.
    assert "Retirer" not in as_member
    assert "simon@example.org" not in as_member


def test_the_members_table_shows_a_members_new_organisation_and_shared_contact(client, community):
    member = MembershipFactory(community=community).member
    fellow = MembershipFactory(
        community=community,
        member=UserFactory(organisation="Ville de Lévis", email="fellow@example.org"),
    ).member
    client.force_login(member)
    assert "Ville de Lévis" in _community_page(client, community)
    assert "fellow@example.org" not in _community_page(client, community)

    fellow.organisation = "MRC de Kamouraska"
    fellow.contact_visible = True
    fellow.save()
    page = _community_page(client, community)

    assert "MRC de Kamouraska" in page and "Ville de Lévis" not in page
    assert "fellow@example.org" in page


def test_a_new_member_and_a_departure_show_at_once(client, community):
    lead = LeadMembershipFactory(community=community).member
    leaving = MembershipFactory(
        community=community, member=UserFactory(first_name="Paul", last_name="Partant")
    )
    client.force_login(lead)
    assert "Paul Partant" in _community_page(client, community)

    community_services.membership_remove(
        membership=leaving, removed_by=lead, reason="Départ à la retraite"
    )
    MembershipFactory(
        community=community, member=UserFactory(first_name="Nora", last_name="Nouvelle")
    )
    page = _community_page(client, community)

    assert "Paul Partant" not in page
    assert "Nora Nouvelle" in page


def test_the_meeting_page_keeps_the_address_for_members_whoever_came_first(client, community):
    member = MembershipFactory(community=community).member
    meeting = MeetingFactory(community=community, address="1 rue Principale, Trois-Rivières")

    client.force_login(member)
    assert "1 rue Principale" in _meeting_page(client, meeting)
    client.logout()
    as_visitor = _meeting_page(client, meeting)
    outsider = UserFactory()
    client.force_login(outsider)
    as_outsider = _meeting_page(client, meeting)

    assert "1 rue Principale" not in as_visitor
    assert "1 rue Principale" not in as_outsider
    client.force_login(member)
    assert "1 rue Principale" in _meeting_page(client, meeting)


def test_who_is_coming_follows_each_answer(client, community):
    member = MembershipFactory(community=community).member
    coming = MembershipFactory(
        community=community, member=UserFactory(first_name="Odile", last_name="Ouverte")
    ).member
    meeting = MeetingFactory(community=community)
    client.force_login(member)
    assert "Odile Ouverte" not in _meeting_page(client, meeting)

    RsvpFactory(meeting=meeting, member=coming, response="in_person")
    page = _meeting_page(client, meeting)
    assert "Odile Ouverte" in page
    assert "En personne (1)" in page

    client.post(reverse("meetings:rsvp", args=[meeting.pk]), {"response": "online"})
    page = _meeting_page(client, meeting)
    assert "En ligne (1)" in page
    assert "Votre réponse est enregistrée" in page or "Modifier ma réponse" in page


def test_the_meeting_page_closes_answers_when_the_meeting_starts(client, community):
    member = MembershipFactory(community=community).member
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=1)
    meeting = MeetingFactory(community=community, starts_at=soon, ends_at=soon + timedelta(hours=3))
    client.force_login(member)
    assert "Répondre" in _meeting_page(client, meeting)

    with time_machine.travel(meeting.starts_at + timedelta(minutes=5)):
        page = _meeting_page(client, meeting)

    assert "les réponses sont fermées" in page
    assert "Répondre" not in page


def test_the_inbox_badge_counts_a_new_request_and_a_decision(client, community):
    lead = LeadMembershipFactory(community=community).member
    client.force_login(lead)
    home = reverse("home")
    assert client.get(home).context["lead_pending_request_count"] == 0

    join_request = JoinRequestFactory(community=community)
    assert client.get(home).context["lead_pending_request_count"] == 1

    community_services.join_request_decline(join_request=join_request, decided_by=lead)
    assert client.get(home).context["lead_pending_request_count"] == 0


def test_the_inbox_badge_follows_a_promotion_to_staff(client, community):
    member = UserFactory()
    JoinRequestFactory(community=community)
    client.force_login(member)
    assert client.get(reverse("home")).context["lead_inbox_shown"] is False

    member.is_staff = True
    member.save(update_fields=["is_staff"])

    response = client.get(reverse("home"))
    assert response.context["lead_inbox_shown"] is True
    assert response.context["lead_pending_request_count"] >= 1


def test_a_session_ends_on_logout_even_when_read_from_the_cache(client, community):
    member = MembershipFactory(community=community).member
    client.force_login(member)
    assert client.get(reverse("members:profile")).status_code == 200
    session_key = client.session.session_key

    client.post(reverse("account_logout"))
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert not SessionStore().exists(session_key)
    assert client.get(reverse("members:profile")).status_code == 302


def test_the_community_page_shows_a_new_summary_lead_and_seat_count(client, community):
    member = MembershipFactory(community=community).member
    client.force_login(member)
    assert "1 / 40" in _community_page(client, community)

    community.summary_fr = "Un résumé revu par le personnel."
    community.save()
    LeadMembershipFactory(
        community=community, member=UserFactory(first_name="Rita", last_name="Responsable")
    )
    page = _community_page(client, community)

    assert "Un résumé revu par le personnel." in page
    assert "Rita Responsable" in page
    assert "2 / 40" in page
