"""The public home page: the three communities (mandate, leads, seats left or waiting list),
the next meetings without their place or link, the latest talks, and how to join."""

import html as html_module
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import CommunityStatus
from meetings.models import FollowUp
from tests.factories import (
    CommunityFactory,
    JoinRequestFactory,
    LeadMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    open_one = CommunityFactory(
        name_fr="Gestion contractuelle", summary_fr="Appels d'offres et contrats.", capacity=10
    )
    LeadMembershipFactory(
        community=open_one, member__first_name="Jean", member__last_name="Bergeron"
    )
    MembershipFactory.create_batch(2, community=open_one)
    full = CommunityFactory(name_fr="Gestion des actifs", capacity=2)
    for first, last in (("Marie", "Tremblay"), ("Luc", "Côté")):
        LeadMembershipFactory(community=full, member__first_name=first, member__last_name=last)
    JoinRequestFactory.create_batch(3, community=full)
    upcoming = MeetingFactory(
        community=open_one,
        title="Clauses de pénalité",
        venue_name="Salle Secrète",
        address="5 rue Cachée",
        meeting_url="https://meet.example.org/lien-prive",
    )
    MeetingFactory(community=open_one, title="Rencontre annulée", cancelled_at=timezone.now())
    past_start = timezone.now() - timedelta(days=20)
    past = MeetingFactory(
        community=full,
        title="Plan d'intervention",
        starts_at=past_start,
        ends_at=past_start + timedelta(hours=2),
    )
    FollowUp.objects.create(
        meeting=past,
        recording_url="https://video.example.org/plan",
        recording_public=True,
        speakers="Julie Gagnon, ing.",
        published_at=timezone.now(),
    )
    return {"open": open_one, "full": full, "upcoming": upcoming, "past": past}


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return html_module.unescape(response.content.decode())


def test_the_front_door_shows_the_communities_with_their_leads_and_seats(client, world):
    html = _home(client)

    assert "Gestion contractuelle" in html and "Appels d'offres et contrats." in html
    # One lead: singular; two: plural.
    assert "<dt>Responsable\n</dt>" in html or "<dt>Responsable</dt>" in html
    assert "Responsables" in html
    assert "Jean Bergeron" in html and "Luc Côté, Marie Tremblay" in html
    assert "7 places libres." in html
    assert "Complète\u00a0: 3 personnes sur la liste d'attente." in html


def test_the_front_door_shows_the_next_meetings_without_place_or_link(client, world):
    html = _home(client)

    assert "Clauses de pénalité" in html
    assert reverse("meetings:detail", args=[world["upcoming"].pk]) in html
    assert "Rencontre annulée" not in html
    for private in ("Salle Secrète", "5 rue Cachée", "lien-prive"):
        assert private not in html


def test_the_front_door_shows_the_latest_talks_and_how_to_join(client, world):
    html = _home(client)

    assert "Plan d'intervention" in html and "Julie Gagnon, ing." in html
    assert reverse("talks:detail", args=[world["past"].pk]) in html
    assert "Comment se joindre à une communauté" in html
    assert f'href="{reverse("account_signup")}"' in html


def test_a_signed_in_member_gets_their_own_home_instead(client, world):
    client.force_login(UserFactory())

    html = _home(client)

    assert "Comment se joindre à une communauté" not in html
    assert "Mes communautés" in html


def test_the_front_door_of_an_empty_portal_says_so(client, db):
    html = _home(client)

    assert "Aucune rencontre n'est encore prévue." in html
    assert "Aucune conférence n'est encore partagée." in html


def test_the_front_door_in_english(client, world, english):
    html = _home(client)

    assert "How to join a community" in html
    assert "7 seats left." in html
    assert "Full: 3 people on the waiting list." in html


def test_a_community_closed_to_requests_offers_no_way_to_ask(client, world):
    world["open"].accepting_requests = False
    world["open"].save()

    html = _home(client)

    assert "N'accepte pas de demandes pour le moment." in html
    join_card = "/communautes/{}/#participation-heading"
    assert join_card.format(world["open"].slug) not in html
    assert join_card.format(world["full"].slug) in html


def test_the_introduction_counts_no_communities_so_it_stays_true_with_one_in_preparation(
    client, world
):
    # Some communities open, one announced: any number in the fixed intro would soon be wrong.
    CommunityFactory(name_fr="Génie routier", status=CommunityStatus.PREPARATION)
    html = _home(client)
    intro = re.search(r'<p class="lead">(.*?)</p>', html, re.S)[1]

    assert "Québec" in intro
    assert not re.search(r"\d|\b(trois|quatre|three|four)\b", intro, re.I)
    assert "Génie routier" in html
