"""The library through the pages, as each persona uses it."""

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from library import services
from library.models import Kind, Resource, ResourceVersion, UsefulMark, Visibility
from tests.factories import MeetingFactory, UserFactory
from tests.helpers import pager_links
from tests.library.conftest import pdf

pytestmark = pytest.mark.django_db


def make(community, author, **fields) -> Resource:
    data = {"title": "Gabarit de devis", "kind": Kind.TEMPLATE, "url": "https://example.org/d"}
    data.update(fields)
    return services.resource_create(community=community, author=author, **data)


def share(client, community, **fields):
    data = {
        "title": "Devis de déneigement",
        "description": "Notre devis 2025.",
        "kind": Kind.SPECIFICATION,
        "tags": "Déneigement, appel d'offres, déneigement",
        "municipality_size": "small",
        "visibility": Visibility.COMMUNITY,
        "url": "",
    }
    data.update(fields)
    return client.post(reverse("library:create", args=[community.slug]), data)


def test_a_member_shares_a_document_and_sees_it(client, community, fellow):
    client.force_login(fellow)
    page = client.get(reverse("library:community", args=[community.slug]))
    assert "Aucune ressource" in page.content.decode()
    response = share(client, community, file=pdf())
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("library:detail", args=[resource.pk])
    assert sorted(resource.tags.values_list("name", flat=True)) == ["appel d'offres", "déneigement"]
    assert resource.author == fellow
    detail = client.get(response.url, follow=True).content.decode()
    assert "Devis de déneigement" in detail
    assert "gabarit.pdf" in detail
    listing = client.get(reverse("library:community", args=[community.slug])).content.decode()
    assert "Devis de déneigement" in listing


def test_nothing_typed_is_lost_and_a_file_or_link_is_required(client, community, fellow):
    client.force_login(fellow)
    response = share(client, community)
    assert response.status_code == 200
    assert "Devis de déneigement" in response.content.decode()
    assert response.context["form"].non_field_errors()
    assert not Resource.objects.exists()


def test_the_meeting_documents_checks_apply(client, community, fellow):
    client.force_login(fellow)
    response = share(client, community, file=pdf("page.pdf", b"<html>pas un pdf</html>"))
    assert "file" in response.context["form"].errors
    response = share(client, community, file=pdf("script.exe"))
    assert "file" in response.context["form"].errors
    assert not Resource.objects.exists()


def test_sent_twice_creates_once(client, community, fellow):
    client.force_login(fellow)
    form = client.get(reverse("library:create", args=[community.slug])).context["form"]
    token = form["submit_token"].value()
    first = share(client, community, url="https://example.org/a", submit_token=token)
    second = share(client, community, url="https://example.org/a", submit_token=token)
    assert first.status_code == second.status_code == 302
    assert Resource.objects.count() == 1


def test_visitors_and_outsiders_cannot_share(client, community, outsider):
    url = reverse("library:create", args=[community.slug])
    assert client.get(url).status_code == 302  # log in
    client.force_login(outsider)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("visitor", {"public"}),
        ("signed_in_nobody", {"public"}),
        ("outsider", {"association", "public"}),
        ("fellow", {"community", "association", "public"}),
        ("staff", {"community", "association", "public"}),
    ],
)
def test_each_persona_sees_what_is_shared_with_them(
    client, community, fellow, outsider, staff, persona, seen
):
    resources = {
        visibility: make(community, fellow, title=f"Ressource {visibility}", visibility=visibility)
        for visibility in Visibility.values
    }
    users = {"signed_in_nobody": UserFactory(), "outsider": outsider, "fellow": fellow}
    users["staff"] = staff
    if persona != "visitor":
        client.force_login(users[persona])
    listing = client.get(reverse("library:community", args=[community.slug])).content.decode()
    for visibility, resource in resources.items():
        assert (resource.title in listing) == (visibility in seen)
        status = client.get(reverse("library:detail", args=[resource.pk])).status_code
        if visibility in seen:
            assert status == 200
        else:
            assert status == (302 if persona == "visitor" else 404)


def test_files_are_served_only_to_those_allowed(client, community, fellow, outsider):
    resource = make(community, fellow, url="", file=pdf())
    version = resource.versions.get()
    url = reverse("library:download", args=[resource.pk, version.pk])
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(fellow)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_filters_sort_and_pagination(client, community, fellow, lead):
    guide = make(community, fellow, title="Guide des ponceaux", kind=Kind.GUIDE, tags="ponceaux")
    make(community, fellow, title="Gabarit de rapport", kind=Kind.TEMPLATE, tags="rapport")
    services.useful_toggle(resource=guide, member=lead)
    client.force_login(fellow)
    url = reverse("library:community", args=[community.slug])
    by_kind = client.get(url, {"kind": "guide"}).content.decode()
    assert "Guide des ponceaux" in by_kind and "Gabarit de rapport" not in by_kind
    by_tag = client.get(url, {"tag": "rapport"}).content.decode()
    assert "Gabarit de rapport" in by_tag and "Guide des ponceaux" not in by_tag
    newest = [r.title for r in client.get(url).context["page"].object_list]
    assert newest == ["Gabarit de rapport", "Guide des ponceaux"]
    useful = [r.title for r in client.get(url, {"sort": "useful"}).context["page"].object_list]
    assert useful == ["Guide des ponceaux", "Gabarit de rapport"]
    empty = client.get(url, {"tag": "inconnu"}).content.decode()
    assert "Aucune ressource ne correspond" in empty
    for number in range(25):
        make(community, fellow, title=f"Outil {number}", kind=Kind.TOOL)
    first = client.get(url)
    assert len(first.context["page"].object_list) == 20
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 7


def test_the_filters_and_the_sort_survive_paging(client, community, fellow):
    for number in range(22):
        make(community, fellow, title=f"Guide {number}", kind=Kind.GUIDE, tags="voirie")
    make(community, fellow, title="Outil de voirie", kind=Kind.TOOL, tags="voirie")
    client.force_login(fellow)
    url = reverse("library:community", args=[community.slug])

    first = client.get(url, {"kind": Kind.GUIDE, "tag": "voirie", "sort": "useful"})
    links = pager_links(first, "Pages of resources")
    assert links["Suivante"] == "?kind=guide&tag=voirie&sort=useful&page=2"

    second = client.get(url + links["Suivante"])
    shown = [resource.title for resource in second.context["page"].object_list]
    assert len(shown) == 2 and all(title.startswith("Guide") for title in shown)
    assert (second.context["kind"], second.context["tag"], second.context["sort"]) == (
        Kind.GUIDE,
        "voirie",
        "useful",
    )
    assert pager_links(second, "Pages of resources")["Précédente"] == (
        "?kind=guide&tag=voirie&sort=useful&page=1"
    )


def test_the_author_edits_and_a_new_file_keeps_the_old_version(client, community, fellow):
    resource = make(community, fellow, url="", file=pdf("v1.pdf"))
    client.force_login(fellow)
    edit = reverse("library:edit", args=[resource.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": "Gabarit révisé",
            "kind": Kind.TEMPLATE,
            "visibility": Visibility.ASSOCIATION,
            "tags": "devis",
            "file": pdf("v2.pdf"),
        },
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Gabarit révisé"
    assert resource.visibility == Visibility.ASSOCIATION
    names = [version.filename for version in resource.versions.all()]
    assert len(names) == 2 and names[0].startswith("v2") and names[1].startswith("v1")
    detail = client.get(response.url).content.decode()
    assert "version actuelle" in detail and "version antérieure" in detail


def test_only_the_author_or_a_lead_edits_or_removes(client, community, fellow, lead):
    resource = make(community, lead)
    client.force_login(fellow)
    assert client.get(reverse("library:edit", args=[resource.pk])).status_code == 403
    assert client.post(reverse("library:remove", args=[resource.pk])).status_code == 403
    mine = make(community, fellow)
    client.force_login(lead)
    assert client.get(reverse("library:edit", args=[mine.pk])).status_code == 200


def test_removal_asks_confirmation_then_removes_the_files(
    client, community, fellow, django_capture_on_commit_callbacks
):
    resource = make(community, fellow, url="", file=pdf())
    name = resource.versions.get().file.name
    client.force_login(fellow)
    url = reverse("library:remove", args=[resource.pk])
    assert "Retirer la ressource" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert not Resource.objects.exists()
    assert not ResourceVersion.objects.exists()
    assert not default_storage.exists(name)
    assert "est retirée" in response.content.decode()


def test_a_removal_that_rolls_back_keeps_the_files(community, fellow):
    resource = make(community, fellow, url="", file=pdf())
    pk, name = resource.pk, resource.versions.get().file.name

    with pytest.raises(RuntimeError), transaction.atomic():
        services.resource_remove(resource=resource, removed_by=fellow)
        raise RuntimeError("the request failed after the removal")

    assert Resource.objects.filter(pk=pk).exists()
    assert default_storage.exists(name)


def test_a_member_marks_a_resource_useful_once(client, community, fellow):
    resource = make(community, fellow)
    client.force_login(fellow)
    url = reverse("library:useful", args=[resource.pk])
    client.post(url)
    assert UsefulMark.objects.filter(resource=resource, member=fellow).count() == 1
    detail = client.get(reverse("library:detail", args=[resource.pk])).content.decode()
    assert "1 membre l'a trouvée utile" in detail
    client.post(url)
    assert not UsefulMark.objects.exists()


def test_an_account_without_a_seat_cannot_mark_a_public_resource(client, community, fellow):
    resource = make(community, fellow, visibility=Visibility.PUBLIC)
    outsider = UserFactory()
    client.force_login(outsider)
    detail = client.get(reverse("library:detail", args=[resource.pk]))
    assert detail.status_code == 200
    assert reverse("library:useful", args=[resource.pk]) not in detail.content.decode()

    assert client.post(reverse("library:useful", args=[resource.pk])).status_code == 403
    assert not UsefulMark.objects.exists()


def test_the_database_holds_one_mark_per_member(community, fellow):
    from django.db import IntegrityError, transaction

    resource = make(community, fellow)
    UsefulMark.objects.create(resource=resource, member=fellow)
    with pytest.raises(IntegrityError), transaction.atomic():
        UsefulMark.objects.create(resource=resource, member=fellow)


def test_meeting_follow_ups_appear_in_the_library(client, community, fellow):
    from meetings.models import FollowUp

    meeting = MeetingFactory(community=community, title="Rencontre de printemps")
    FollowUp.objects.create(meeting=meeting, minutes="Compte rendu privé")
    url = reverse("library:community", args=[community.slug])
    assert "Rencontre de printemps" not in client.get(url).content.decode()
    client.force_login(fellow)
    assert "Rencontre de printemps" in client.get(url).content.decode()


def test_visitors_see_only_what_a_lead_shared_of_a_follow_up(client, community):
    from meetings.models import FollowUp

    shared = MeetingFactory(community=community, title="Rencontre partagée")
    FollowUp.objects.create(
        meeting=shared, recording_url="https://video.example.org/r", recording_public=True
    )
    kept = MeetingFactory(community=community, title="Rencontre gardée")
    FollowUp.objects.create(meeting=kept, minutes="Privé", recording_url="https://x.example.org")
    page = client.get(reverse("library:community", args=[community.slug])).content.decode()
    assert "Rencontre partagée" in page
    assert "https://video.example.org/r" in page
    assert "Rencontre gardée" not in page


def test_follow_ups_come_ten_a_page_newest_first_keeping_the_filters(client, community, fellow):
    from datetime import timedelta

    from django.utils import timezone

    from meetings.models import FollowUp

    start = timezone.now() - timedelta(days=400)
    for number in range(12):
        meeting = MeetingFactory(
            community=community,
            title=f"Rencontre n° {number:02}",
            starts_at=start + timedelta(days=30 * number),
        )
        FollowUp.objects.create(meeting=meeting, minutes=f"Compte rendu {number}")
    client.force_login(fellow)
    url = reverse("library:community", args=[community.slug])

    first = client.get(url, {"kind": Kind.GUIDE})
    titles = [item["meeting"].title for item in first.context["followup_items"]]
    assert titles == [f"Rencontre n° {number:02}" for number in range(11, 1, -1)]
    links = pager_links(first, "Pages of meeting follow-ups")
    assert links["Suivante"] == "?kind=guide&suivis=2#followups-heading"

    second = client.get(url + links["Suivante"].split("#")[0])
    titles = [item["meeting"].title for item in second.context["followup_items"]]
    assert titles == ["Rencontre n° 01", "Rencontre n° 00"]
    assert second.context["kind"] == Kind.GUIDE
    assert pager_links(second, "Pages of meeting follow-ups")["Précédente"] == (
        "?kind=guide&suivis=1#followups-heading"
    )


def test_the_community_page_links_to_its_library(client, community):
    page = client.get(reverse("communities:detail", args=[community.slug])).content.decode()
    assert reverse("library:community", args=[community.slug]) in page


def test_personal_data_exports_and_erasure_detaches_the_author(community, fellow, lead):
    from library.personal_data import erase, export
    from members.personal_data import DataSubject

    resource = make(community, fellow, tags="voirie")
    services.useful_toggle(resource=make(community, lead), member=fellow)
    subject = DataSubject(user=fellow, addresses=(fellow.email.lower(),))
    data = export(subject)
    assert data["library_resources"][0]["title"] == "Gabarit de devis"
    assert data["library_resources"][0]["tags"] == ["voirie"]
    assert len(data["library_useful_marks"]) == 1
    erase(subject)
    resource.refresh_from_db()
    assert resource.author is None
    assert not UsefulMark.objects.filter(member=fellow).exists()


def test_visitors_see_only_the_tags_of_what_they_see(client, community, fellow):
    make(community, fellow, tags="secret interne")
    make(community, fellow, tags="voirie", visibility=Visibility.PUBLIC)
    page = client.get(reverse("library:community", args=[community.slug]))
    assert page.context["tags"] == ["voirie"]
