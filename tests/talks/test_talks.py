"""The public talks: the recordings leads shared with everyone, listed newest first, filtered by
community, searched, paginated, each on its page and in the feeds; nothing a lead kept for the
members shows there."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.models import FollowUp, FollowUpDocument
from tests.factories import CommunityFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def _talk(community, title, *, days_ago=10, public=True, **fields):
    starts_at = (timezone.now() - timedelta(days=days_ago)).replace(microsecond=0)
    meeting = MeetingFactory(
        community=community,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        venue_name="Salle secrète",
        address="99 rue Cachée",
        meeting_url="https://meet.example.org/lien-secret",
        invited_experts=fields.pop("invited_experts", ""),
    )
    FollowUp.objects.create(
        meeting=meeting,
        recording_url=f"https://video.example.org/{meeting.pk}",
        recording_public=public,
        published_at=timezone.now() - timedelta(days=days_ago - 1) if public else None,
        **fields,
    )
    return meeting


@pytest.fixture
def waters(db):
    return CommunityFactory(slug="eaux", name_fr="Eaux pluviales", name_en="Storm water")


@pytest.fixture
def roads(db):
    return CommunityFactory(slug="voirie", name_fr="Voirie", name_en="Roads")


def _list(client, **params):
    return client.get(reverse("talks:list"), params)


def _titles(response) -> list[str]:
    return [talk.meeting.title for talk in response.context["talks"]]


def test_the_list_shows_shared_recordings_newest_first_and_nothing_private(client, waters, roads):
    _talk(waters, "Bassins de rétention", days_ago=30, speakers="Julie Gagnon, ing.")
    _talk(roads, "Chaussées souples", days_ago=5, public_summary="Le resurfaçage en régie.")
    _talk(waters, "Réservé aux membres", days_ago=2, public=False)

    response = _list(client)

    assert response.status_code == 200
    assert _titles(response) == ["Chaussées souples", "Bassins de rétention"]
    html = response.content.decode()
    for shown in ("Julie Gagnon, ing.", "Le resurfaçage en régie.", "Voirie", "Eaux pluviales"):
        assert shown in html
    for hidden in ("Réservé aux membres", "Salle secrète", "99 rue Cachée", "lien-secret"):
        assert hidden not in html


def test_the_invited_experts_stand_for_the_speakers_when_none_are_given(client, waters):
    _talk(waters, "Ponceaux", invited_experts="Marc Roy, CERIU")

    assert "Marc Roy, CERIU" in _list(client).content.decode()


def test_filter_by_community(client, waters, roads):
    _talk(waters, "Bassins de rétention")
    _talk(roads, "Chaussées souples")

    response = _list(client, communaute="voirie")

    assert _titles(response) == ["Chaussées souples"]
    assert response.context["community"] == roads
    assert '<option value="voirie" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("bassins", ["Bassins de rétention"]),
        ("gagnon", ["Bassins de rétention"]),  # a speaker
        ("régie", ["Chaussées souples"]),  # the summary
        ("voirie", ["Chaussées souples"]),  # the community
        ("bassins gagnon", ["Bassins de rétention"]),  # every word
        ("bassins régie", []),
    ],
)
def test_search_finds_every_word_in_title_speakers_summary_or_community(
    client, waters, roads, query, found
):
    _talk(waters, "Bassins de rétention", speakers="Julie Gagnon")
    _talk(roads, "Chaussées souples", public_summary="Le resurfaçage en régie.")

    response = _list(client, q=query)

    assert _titles(response) == found
    if not found:
        assert "Aucune conférence ne correspond à votre recherche." in response.content.decode()


def test_the_list_is_paginated_with_the_filters_kept_in_the_links(client, waters):
    for number in range(12):
        _talk(waters, f"Conférence {number:02d}", days_ago=20 + number)

    first = _list(client, q="conférence")
    second = _list(client, q="conférence", page=2)

    assert len(first.context["talks"]) == 10
    assert _titles(second) == ["Conférence 10", "Conférence 11"]
    assert '?q=conf%C3%A9rence&amp;page=2"' in first.content.decode()
    # A page that does not exist shows the last one, not an error.
    assert _titles(_list(client, q="conférence", page=99)) == _titles(second)
    assert _list(client, page="abc").status_code == 200


def test_the_empty_list_says_so(client, db):
    html = _list(client).content.decode()

    assert "Aucune conférence n'est encore partagée." in html


def test_a_talk_has_its_page_with_the_recording_and_what_else_was_shared(client, waters):
    meeting = _talk(
        waters,
        "Bassins de rétention",
        speakers="Julie Gagnon",
        public_summary="Dimensionner un bassin.",
        minutes="<p>Compte rendu des membres</p>",
    )
    document = FollowUpDocument.objects.create(
        followup=meeting.followup,
        title="Diapositives",
        file=SimpleUploadedFile("diapos.pdf", b"%PDF-1.4"),
    )

    html = client.get(reverse("talks:detail", args=[meeting.pk])).content.decode()

    assert f"https://video.example.org/{meeting.pk}" in html
    assert "Julie Gagnon" in html and "Dimensionner un bassin." in html
    assert "Compte rendu des membres" not in html and "Diapositives" not in html
    FollowUp.objects.filter(pk=meeting.followup.pk).update(
        minutes_public=True, documents_public=True
    )
    html = client.get(reverse("talks:detail", args=[meeting.pk])).content.decode()
    assert "Compte rendu des membres" in html
    assert reverse("meetings:document_download", args=[meeting.pk, document.pk]) in html
    for hidden in ("Salle secrète", "99 rue Cachée", "lien-secret"):
        assert hidden not in html


def test_a_recording_kept_for_the_members_has_no_talk_page(client, waters):
    meeting = _talk(waters, "Réservé", public=False)

    assert client.get(reverse("talks:detail", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("talks:detail", args=[999999])).status_code == 404


def test_the_talks_page_is_in_the_navigation(client, db):
    html = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("talks:list")}">Conférences</a>' in html


@pytest.mark.parametrize("name", ["talks:feed_rss", "talks:feed_atom"])
def test_the_feeds_hold_the_shared_talks_newest_shared_first(client, waters, roads, name):
    old = _talk(waters, "Bassins de rétention", days_ago=40, speakers="Julie Gagnon")
    FollowUp.objects.filter(meeting=old).update(published_at=timezone.now())  # shared today
    _talk(roads, "Chaussées souples", days_ago=5)
    _talk(waters, "Réservé aux membres", days_ago=2, public=False)

    response = client.get(reverse(name))

    assert response.status_code == 200
    text = response.content.decode()
    root = ElementTree.fromstring(response.content)
    titles = [element.text for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "title"]
    assert titles[1:] == ["Bassins de rétention", "Chaussées souples"]
    assert f"/conferences/{old.pk}/" in text
    assert "Julie Gagnon" in text and "Eaux pluviales" in text
    assert "Réservé aux membres" not in text and "lien-secret" not in text


def _queries(client, url: str) -> int:
    # The cost of rendering the page, not of reading shared fragments (the home page's
    # community cards) back from the cache.
    caches["fragments"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["talks:list", "talks:feed_rss", "talks:feed_atom", "home"])
def test_the_public_pages_cost_the_same_queries_with_more_talks(client, waters, roads, name):
    _talk(waters, "Première")
    MeetingFactory(community=waters)
    url = reverse(name)
    few = _queries(client, url)

    for number in range(15):
        community = roads if number % 2 else waters
        _talk(community, f"Conférence {number}", speakers=f"Orateur {number}")
        MeetingFactory(community=community)

    assert _queries(client, url) == few
    assert few <= 4


def test_the_talk_page_costs_a_fixed_number_of_queries(client, waters, django_assert_num_queries):
    meeting = _talk(waters, "Bassins", documents_public=True)
    for number in range(5):
        FollowUpDocument.objects.create(
            followup=meeting.followup,
            title=f"Document {number}",
            file=SimpleUploadedFile(f"d{number}.pdf", b"%PDF-1.4"),
        )

    with django_assert_num_queries(2):
        client.get(reverse("talks:detail", args=[meeting.pk]))


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "rien n'est partagé sans ce choix"),
        ("en", "nothing is shared without that choice"),
    ],
)
def test_the_privacy_page_explains_what_is_shared_and_with_whom(
    client, db, request, language, sentence
):
    if language == "en":
        request.getfixturevalue("english")

    html = client.get(reverse("privacy")).content.decode().replace("&#x27;", "'")

    assert 'id="sharing-heading"' in html
    assert sentence in html
